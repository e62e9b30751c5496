"""Articles uploaded through the web app: checked, kept next to the index, indexed.

An upload is read before anything is stored: a file over the upload size
limit, or one that yields no article (empty, binary, malformed, unsupported),
is reported by its own name and never reaches the index or the uploads
folder. Good files are copied into the uploads folder (by default
`<index-dir>/uploads`), which the app indexes together with the articles
folder at start, so uploads survive a restart and a rebuild; a copy from
which nothing was indexed, or a batch whose indexing failed, is removed
again, so a bad upload can never stop the next start.

An upload only ever adds: it never overwrites a stored file (a new name is
chosen unless the bytes are the same), and a record whose id another file's
article already has is refused by the indexer (`assistant.index.build`), so no
upload can replace an article it did not create. The index itself is only
ever changed through `Assistant.add`, which writes a new generation and
switches to it atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from assistant.facade import Assistant
from assistant.index.build import IndexReport
from assistant.ingest.load import MANIFEST_NAME, Problem, load_path
from assistant.limits import limits, megabytes

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


def destination(name: str, folder: Path, taken: dict[str, str], batch: set[str], content: bytes | None = None) -> Path:
    """Where to keep an upload: its own name unless a stored file, another article's doc_id or this
    batch has it. A stored file with the same bytes is returned as it is (nothing new to keep)."""
    base = Path(safe_name(name))
    candidate = folder / base.name
    number = 1
    while (
        (candidate.exists() and (content is None or candidate.read_bytes() != content))
        or taken.get(candidate.stem, str(candidate)) != str(candidate)
        or candidate.name in batch
    ):
        number += 1
        candidate = folder / f"{base.stem}-{number}{base.suffix}"
    return candidate


def too_large(upload: Path) -> str | None:
    """Why an upload is over the size limit, or None."""
    size, limit = upload.stat().st_size, limits().max_upload_bytes
    if size <= limit:
        return None
    return f"file is {megabytes(size)}, over the {megabytes(limit)} limit for an upload (NEWSCITE_MAX_UPLOAD_MB)"


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
    already: list[Path] = []
    for upload in files:
        upload = Path(upload)
        if not upload.is_file():
            outcome.problems.append(f"{upload.name}: not a file")
            continue
        if reason := too_large(upload):
            outcome.problems.append(f"{upload.name}: {reason}")
            continue
        checked = load_path(upload)
        if not checked.articles:
            problems = checked.problems or [Problem(str(upload), "no article found")]
            outcome.problems.extend(describe(p, upload.name) for p in problems)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        content = upload.read_bytes()
        target = destination(upload.name, folder, taken, batch, content)
        batch.add(target.name)
        names[str(target)] = upload.name
        if target.exists():  # the very same file was uploaded before: index it again (a no-op if unchanged)
            already.append(target)
            continue
        target.write_bytes(content)
        outcome.stored.append(target)
    if not outcome.stored and not already:
        return outcome
    try:
        report = bot.add(outcome.stored + already, progress=progress)
    except BaseException:  # the index is unchanged: so are the uploads
        for target in outcome.stored:
            target.unlink(missing_ok=True)
        outcome.stored.clear()
        raise
    outcome.report = report
    outcome.added, outcome.updated = list(report.added), list(report.updated)
    outcome.problems.extend(describe(p, names.get(p.path)) for p in report.problems)
    indexed = {str(article.path) for article in bot.articles}
    for target in list(outcome.stored):
        if str(target) not in indexed:  # nothing of it made it into the index: don't keep it
            target.unlink(missing_ok=True)
            outcome.stored.remove(target)
    return outcome
