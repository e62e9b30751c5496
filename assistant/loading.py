"""Load articles from files and folders: text, Markdown, HTML, JSON, JSONL, CSV.

Each bad file or record becomes a `Problem` naming the file and the reason;
loading goes on with the rest. Plain files take their metadata from an
optional `sources.json` manifest beside them (keyed by file name), else from
what the text itself states.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from assistant.cleaning import guess_title
from assistant.outlets import infer_outlet
from assistant.types import Article

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".json", ".jsonl", ".csv"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
MANIFEST_NAME = "sources.json"

# Field names accepted for each article attribute, first match wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "doc_id": ("id", "doc_id", "article_id"),
    "text": ("text", "body", "content"),
    "title": ("title", "headline"),
    "outlet": ("outlet", "source", "publisher", "outlet_domain"),
    "url": ("url", "article_source_link", "link"),
    "published": ("published", "publish_date", "date"),
}


@dataclass
class Problem:
    """Why one file (or one record in it) could not be indexed."""

    path: str
    reason: str
    where: str | None = None  # "line 3", "row 7": the record inside the file

    def __str__(self) -> str:
        where = f" {self.where}" if self.where else ""
        return f"{self.path}{where}: {self.reason}"


@dataclass
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: "LoadResult") -> None:
        self.articles.extend(other.articles)
        self.problems.extend(other.problems)


class BadInput(ValueError):
    """A file or record that cannot become an article."""


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise BadInput("empty file")
    if b"\x00" in data[:8192]:
        raise BadInput("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInput(f"not UTF-8 text (undecodable byte at position {error.start})") from None


def _pick(record: dict[str, Any], name: str) -> Any:
    for key in FIELD_ALIASES[name]:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def _as_text(value: Any) -> str | None:
    return None if value is None else str(value).strip() or None


def article_from_record(record: Any, doc_id: str, path: Path) -> Article:
    """Build an article from a JSON/CSV record with the documented fields."""
    if not isinstance(record, dict):
        raise BadInput(f"expected an object with a 'text' field, got {type(record).__name__}")
    text = _pick(record, "text")
    if not isinstance(text, str) or not text.strip():
        raise BadInput("missing or empty 'text' field")
    url = _as_text(_pick(record, "url"))
    outlet = _as_text(_pick(record, "outlet"))
    outlet_source = "field" if outlet else None
    if not outlet:
        outlet, outlet_source = infer_outlet(text, url)
    return Article(
        doc_id=str(_pick(record, "doc_id") or doc_id),
        text=text,
        title=_as_text(_pick(record, "title")) or guess_title(text),
        outlet=outlet,
        url=url,
        published=_as_text(_pick(record, "published")),
        path=str(path),
        outlet_source=outlet_source,
    )


def _records(path: Path) -> Iterator[tuple[str, Any]]:
    """(where, record) pairs; a malformed line or row yields a BadInput in place of a record."""
    text = _read_text(path)
    if path.suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as error:
                yield f"line {number}", BadInput(f"malformed JSON ({error.msg})")
    elif path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise BadInput(f"malformed JSON ({error.msg} at line {error.lineno})") from None
        items = data if isinstance(data, list) else [data]
        for number, item in enumerate(items, start=1):
            yield f"item {number}", item
    else:  # .csv
        csv.field_size_limit(sys.maxsize)
        reader = csv.DictReader(text.splitlines(keepends=True))
        if not reader.fieldnames or not set(FIELD_ALIASES["text"]) & set(reader.fieldnames):
            raise BadInput("CSV has no 'text' column")
        for number, row in enumerate(reader, start=1):
            if None in row:  # more cells than header columns
                yield f"row {number}", BadInput("malformed CSV row (more cells than columns)")
            elif any(value is None for value in row.values()):
                yield f"row {number}", BadInput("malformed CSV row (fewer cells than columns)")
            else:
                yield f"row {number}", row


def load_record_file(path: Path) -> LoadResult:
    result = LoadResult()
    for number, (where, record) in enumerate(_records(path), start=1):
        if isinstance(record, BadInput):
            result.problems.append(Problem(str(path), str(record), where))
            continue
        try:
            result.articles.append(article_from_record(record, f"{path.stem}-{number}", path))
        except BadInput as error:
            result.problems.append(Problem(str(path), str(error), where))
    return result


def load_html_file(path: Path) -> Article:
    """Extract the article text and metadata of a web page with trafilatura."""
    import trafilatura

    html = _read_text(path)
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    data = document.as_dict() if hasattr(document, "as_dict") else (document or {})
    text = (data.get("text") or "").strip()
    if not text:
        raise BadInput("no article text found in the HTML")
    url = data.get("url")
    outlet, outlet_source = (data.get("sitename"), "html") if data.get("sitename") else infer_outlet(text, url)
    return Article(
        doc_id=path.stem,
        text=text,
        title=data.get("title"),
        outlet=outlet,
        url=url,
        published=data.get("date"),
        path=str(path),
        outlet_source=outlet_source,
    )


def load_text_file(path: Path, meta: dict[str, Any]) -> Article:
    text = _read_text(path)
    url = meta.get("url")
    if meta.get("outlet"):
        outlet, outlet_source = meta["outlet"], "manifest"
    else:
        outlet, outlet_source = infer_outlet(text, url)
    return Article(
        doc_id=path.stem,
        text=text,
        title=meta.get("title") or guess_title(text),
        outlet=outlet,
        url=url,
        published=meta.get("published"),
        path=str(path),
        outlet_source=outlet_source,
    )


def read_manifest(folder: Path) -> tuple[dict[str, dict[str, Any]], Problem | None]:
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return {}, Problem(str(path), f"manifest ignored: not valid JSON ({error})")
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return {}, Problem(str(path), "manifest ignored: expected {file name: {field: value}}")
    return data, None


def load_file(path: Path, manifest: dict[str, dict[str, Any]] | None = None) -> LoadResult:
    """Load one file; every failure is reported, never raised."""
    result = LoadResult()
    suffix = path.suffix.lower()
    try:
        if suffix not in SUPPORTED:
            raise BadInput(f"unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUPPORTED))}")
        if suffix in RECORD_SUFFIXES:
            return load_record_file(path)
        if suffix in HTML_SUFFIXES:
            result.articles.append(load_html_file(path))
        else:
            if manifest is None:
                manifest, problem = read_manifest(path.parent)
                result.problems.extend([problem] if problem else [])
            result.articles.append(load_text_file(path, manifest.get(path.name, {})))
    except BadInput as error:
        result.problems.append(Problem(str(path), str(error)))
    except OSError as error:
        result.problems.append(Problem(str(path), f"cannot read ({error.strerror or error})"))
    return result


def _files_under(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST_NAME and not path.name.startswith("."):
            if path.suffix.lower() in SUPPORTED:
                yield path


def load_path(path: str | Path) -> LoadResult:
    """Load a folder (recursively) or a single file, tagging each article with its source."""
    root = Path(path)
    result = LoadResult()
    if root.is_dir():
        manifests: dict[Path, dict[str, dict[str, Any]]] = {}
        for file in _files_under(root):
            if file.parent not in manifests:
                manifests[file.parent], problem = read_manifest(file.parent)
                result.problems.extend([problem] if problem else [])
            result.extend(load_file(file, manifests[file.parent]))
    elif root.is_file():
        result.extend(load_file(root))
    else:
        result.problems.append(Problem(str(root), "no such file or folder"))
    for article in result.articles:
        article.source = str(root)
    return _drop_duplicate_ids(result)


def _drop_duplicate_ids(result: LoadResult) -> LoadResult:
    seen: dict[str, Article] = {}
    unique = LoadResult(problems=result.problems)
    for article in result.articles:
        if article.doc_id in seen:
            unique.problems.append(
                Problem(str(article.path), f"duplicate doc_id {article.doc_id!r} (also {seen[article.doc_id].path}); skipped")
            )
            continue
        seen[article.doc_id] = article
        unique.articles.append(article)
    return unique


def load_paths(paths: Iterable[str | Path]) -> LoadResult:
    result = LoadResult()
    for path in paths:
        result.extend(load_path(path))
    return _drop_duplicate_ids(result)
