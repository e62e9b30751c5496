"""Articles uploaded through the web app: checked, kept next to the index, indexed.

An upload is read before anything is stored: a file that yields no article
(empty, binary, malformed, unsupported) is reported by its own name and
never reaches the index or the uploads folder. Good files are copied into
the uploads folder (by default `<index-dir>/uploads`), which the app indexes
together with the articles folder at start, so uploads survive a restart and
a rebuild. The index itself is only ever changed through `Assistant.add`,
which writes a new generation and switches to it atomically.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from assistant.assistant import Assistant
from assistant.indexing import IndexReport
from assistant.loading import MANIFEST_NAME, Problem, load_path

ProgressCallback = Callable[[int, int], None]


@dataclass
class UploadOutcome:
    """What happened to one batch of uploads, in words a user can act on."""

    added: list[str] = field(default_factory=list)  # doc_ids new to the index
    updated: list[str] = field(default_factory=list)  # doc_ids replaced by a new version
    problems: list[str] = field(default_factory=list)  # "name.txt: empty file"
    stored: list[Path] = field(default_factory=list)
    report: IndexReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def describe(problem: Problem, name: str | None = None) -> str:
    """A problem named by the file's own name (not the temporary path it was uploaded to)."""
    where = f" ({problem.where})" if problem.where else ""
    return f"{name or Path(problem.path).name}{where}: {problem.reason}"


def safe_name(name: str) -> str:
    """A file name the folder scan will pick up: no directories, no leading dot, not the manifest's name."""
    name = Path(name).name.lstrip(".") or "upload"
    if name == MANIFEST_NAME:
        name = "sources-upload.json"
    return name


def destination(name: str, folder: Path, taken: dict[str, str], batch: set[str]) -> Path:
    """Where to keep an upload: its own name unless that would clash with another article's doc_id."""
    base = Path(safe_name(name))
    candidate = folder / base.name
    number = 1
    while (taken.get(candidate.stem, str(candidate)) != str(candidate)) or candidate.name in batch:
        number += 1
        candidate = folder / f"{base.stem}-{number}{base.suffix}"
    return candidate


def add_uploads(
    bot: Assistant,
    files: Iterable[str | Path],
    folder: str | Path,
    progress: ProgressCallback | None = None,
) -> UploadOutcome:
    """Check, store and index uploaded files; searchable as soon as this returns."""
    folder = Path(folder)
    outcome = UploadOutcome()
    taken = {article.doc_id: str(article.path) for article in bot.articles}
    batch: set[str] = set()
    names: dict[str, str] = {}
    for upload in files:
        upload = Path(upload)
        checked = load_path(upload)
        if not checked.articles:
            problems = checked.problems or [Problem(str(upload), "no article found")]
            outcome.problems.extend(describe(p, upload.name) for p in problems)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target = destination(upload.name, folder, taken, batch)
        shutil.copyfile(upload, target)
        batch.add(target.name)
        names[str(target)] = upload.name
        outcome.stored.append(target)
    if not outcome.stored:
        return outcome
    report = bot.add(outcome.stored, progress=progress)
    outcome.report = report
    outcome.added, outcome.updated = list(report.added), list(report.updated)
    outcome.problems.extend(describe(p, names.get(p.path)) for p in report.problems)
    indexed = {str(article.path) for article in bot.articles}
    for target in list(outcome.stored):
        if str(target) not in indexed:  # nothing of it made it into the index: don't keep it
            target.unlink(missing_ok=True)
            outcome.stored.remove(target)
    return outcome
