"""Load articles from files and folders: text, Markdown, HTML, JSON, JSONL, CSV.

Each bad file or record becomes a `Problem` naming the file (and line or
row) and the reason; loading goes on with the rest, whatever the file does
(nesting 100,000 deep, unpaired surrogates, sizes over the limits of
`assistant.limits`, symbolic links out of the folder). Plain files take their
metadata from an optional `sources.json` manifest beside them (keyed by file
name), else from what the text itself states.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from assistant.ingest.clean import guess_title
from assistant.outlets.identity import Identity, identify, outlet_for_url
from assistant.limits import limits, megabytes
from assistant.model import Article

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


def article_problem(article: Article, reason: str) -> Problem:
    """A problem with `article`, named by its file and (for a record) its line or row."""
    return Problem(str(article.path or article.doc_id), reason, article.record)


class BadInput(ValueError):
    """A file or record that cannot become an article."""


def _read_text(path: Path) -> str:
    size, limit = path.stat().st_size, limits().max_file_bytes
    if size > limit:
        raise BadInput(f"file is {megabytes(size)}, over the {megabytes(limit)} limit for one file (NEWSCITE_MAX_FILE_MB)")
    data = path.read_bytes()
    if not data.strip():
        raise BadInput("empty file")
    if b"\x00" in data[:8192]:
        raise BadInput("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInput(f"not UTF-8 text (undecodable byte at position {error.start})") from None


def _checked(article: Article) -> Article:
    """Refuse what would break later: text over the size limit, unpaired surrogates (not encodable text)."""
    if not article.text.strip():  # also text of separators only: str.strip() knows more whitespace than bytes.strip()
        raise BadInput("no text (only whitespace or control characters)")
    limit = limits().max_article_chars
    if len(article.text) > limit:
        raise BadInput(
            f"article text is {len(article.text):,} characters, over the {limit:,} limit for one article "
            "(NEWSCITE_MAX_ARTICLE_CHARS)"
        )
    for name, value in article.to_dict().items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                character = value[error.start]
                raise BadInput(
                    f"'{name}' is not valid Unicode text (unpaired surrogate \\u{ord(character):04x} at character {error.start})"
                ) from None
    return article


def _json(text: str):
    try:
        return json.loads(text)
    except RecursionError:
        raise BadInput("JSON nested too deeply to be an article") from None


def _pick(record: dict[str, Any], name: str) -> Any:
    for key in FIELD_ALIASES[name]:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def _as_text(value: Any) -> str | None:
    return None if value is None else str(value).strip() or None


def article_from_record(record: Any, doc_id: str, path: Path, where: str | None = None) -> Article:
    """Build an article from a JSON/CSV record with the documented fields."""
    if not isinstance(record, dict):
        raise BadInput(f"expected an object with a 'text' field, got {type(record).__name__}")
    text = _pick(record, "text")
    if not isinstance(text, str) or not text.strip():
        raise BadInput("missing or empty 'text' field")
    url = _as_text(_pick(record, "url"))
    outlet = identify(text, url, _as_text(_pick(record, "outlet")), "field")
    return _checked(Article(
        doc_id=str(_pick(record, "doc_id") or doc_id),
        text=text,
        title=_as_text(_pick(record, "title")) or guess_title(text),
        url=url,
        published=_as_text(_pick(record, "published")),
        path=str(path),
        record=where,
        **_outlet_fields(outlet),
    ))


def _outlet_fields(outlet: Identity | None) -> dict[str, str | None]:
    """An article's outlet fields from its identity (`assistant.outlets.identity`): one name per outlet."""
    if outlet is None:
        return {"outlet": None, "outlet_source": None, "outlet_domain": None, "desk": None}
    return {"outlet": outlet.name, "outlet_source": outlet.source, "outlet_domain": outlet.domain, "desk": outlet.desk}


def _records(path: Path) -> Iterator[tuple[str, Any]]:
    """(where, record) pairs; a malformed line or row yields a BadInput in place of a record."""
    text = _read_text(path)
    if path.suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", _json(line)
            except json.JSONDecodeError as error:
                yield f"line {number}", BadInput(f"malformed JSON ({error.msg})")
            except BadInput as error:
                yield f"line {number}", error
    elif path.suffix == ".json":
        try:
            data = _json(text)
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
            article = article_from_record(record, f"{path.stem}-{number}", path, where)
        except BadInput as error:
            result.problems.append(Problem(str(path), str(error), where))
        except Exception as error:  # one record never stops the others
            result.problems.append(Problem(str(path), f"could not be read ({unexpected(error)})", where))
        else:
            result.articles.append(article)
    return result


def unexpected(error: BaseException) -> str:
    """An unforeseen failure in words: its kind and message, briefly (never a traceback)."""
    message = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return f"{type(error).__name__}{': ' + message if message else ''}"


def load_html_file(path: Path) -> Article:
    """Extract the article text and metadata of a web page with trafilatura."""
    import trafilatura

    html = _read_text(path)
    if len(html) > 10 * limits().max_article_chars:
        raise BadInput(
            f"web page is {len(html):,} characters, over 10x the {limits().max_article_chars:,}-character article limit "
            "(NEWSCITE_MAX_ARTICLE_CHARS)"
        )
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    data = document.as_dict() if hasattr(document, "as_dict") else (document or {})
    text = (data.get("text") or "").strip()
    if not text:
        raise BadInput("no article text found in the HTML")
    url = data.get("url")
    # The page's own site name, unless its URL belongs to a known outlet (a site name can be a section's).
    by_url = outlet_for_url(url)
    if data.get("sitename") and not (by_url and by_url.known):
        outlet = identify(text, url, str(data["sitename"]), "html")
    else:
        outlet = identify(text, url)
    return _checked(Article(
        doc_id=path.stem,
        text=text,
        title=data.get("title"),
        url=url,
        published=data.get("date"),
        path=str(path),
        **_outlet_fields(outlet),
    ))


def load_text_file(path: Path, meta: dict[str, Any]) -> Article:
    text = _read_text(path)
    _checked(Article(doc_id=path.stem, text=text))  # refuse an oversized text before looking for its outlet
    url = meta.get("url")
    given = meta.get("outlet")
    outlet = identify(text, url, str(given) if given else None, "manifest")
    return _checked(Article(
        doc_id=path.stem,
        text=text,
        title=meta.get("title") or guess_title(text),
        url=url,
        published=meta.get("published"),
        path=str(path),
        **_outlet_fields(outlet),
    ))


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
    except Exception as error:  # RecursionError, MemoryError-free surprises of a library: one file never stops the rest
        result.problems.append(Problem(str(path), f"could not be read ({unexpected(error)})"))
    return result


def _files_under(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Supported files under `folder`; a symbolic link that leads out of it is a problem, never read."""
    root = folder.resolve()
    files, problems = [], []
    for path in sorted(folder.rglob("*")):
        if path.name == MANIFEST_NAME or path.name.startswith(".") or path.suffix.lower() not in SUPPORTED:
            continue
        if not path.resolve().is_relative_to(root):
            problems.append(Problem(str(path), "symbolic link to a file outside the articles folder; not followed"))
        elif path.is_file():
            files.append(path)
    return files, problems


def load_path(path: str | Path, owners: Mapping[str, str] | None = None) -> LoadResult:
    """Load a folder (recursively) or a single file, tagging each article with its source.

    `owners` (doc_id -> the file it is indexed from) settles a doc_id held by two files: see
    `drop_duplicate_ids`."""
    root = Path(path)
    result = LoadResult()
    if root.is_dir():
        manifests: dict[Path, dict[str, dict[str, Any]]] = {}
        files, result.problems = _files_under(root)
        for file in files:
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
    return drop_duplicate_ids(result, owners)


OWNED_ELSEWHERE = "not indexed (an article can only be replaced from its own file: give this one another id)"


def _same_file(a: str | None, b: str | None) -> bool:
    return bool(a and b) and os.path.realpath(a) == os.path.realpath(b)


def drop_duplicate_ids(result: LoadResult, owners: Mapping[str, str] | None = None) -> LoadResult:
    """One article per doc_id. Of two articles with one doc_id, the one from the file the index
    already holds it from (`owners`: doc_id -> path) keeps it, whatever the order of the files:
    a new file never takes over an indexed article. Otherwise the first one read keeps it. The
    other is a problem naming both files."""
    owners = owners or {}
    kept: dict[str, int] = {}
    unique = LoadResult(problems=result.problems)
    for article in result.articles:
        doc_id = article.doc_id
        if doc_id not in kept:
            kept[doc_id] = len(unique.articles)
            unique.articles.append(article)
            continue
        first = unique.articles[kept[doc_id]]
        owner = owners.get(doc_id)
        if _same_file(article.path, owner) and not _same_file(first.path, owner):
            unique.articles[kept[doc_id]] = article  # the indexed article keeps its id: the earlier newcomer is refused
            first, article = article, first
        where = f" {first.record}" if first.record else ""
        outcome = OWNED_ELSEWHERE if _same_file(first.path, owner) else "skipped"
        unique.problems.append(
            article_problem(article, f"doc_id {doc_id!r} is already used by {first.path}{where}; {outcome}")
        )
    return unique


def load_paths(paths: Iterable[str | Path], owners: Mapping[str, str] | None = None) -> LoadResult:
    """Load each path (`owners`: see `drop_duplicate_ids`)."""
    result = LoadResult()
    for path in paths:
        result.extend(load_path(path, owners))
    return drop_duplicate_ids(result, owners)
