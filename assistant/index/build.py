"""Build or update the persisted index from article files.

Only new or changed articles are segmented and embedded; unchanged ones keep
their vectors; articles that disappeared from a re-indexed folder are dropped.
Articles indexed from other folders or uploads are kept.

The model runs once per new sentence: sentence vectors (stored as int8) let
the composer score candidate quotes without running the model at question
time, and each chunk's vector for the FAISS search is pooled from its
sentences' (assistant/index/pooling.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from assistant.embed.embedding import Embedder, default_embedder
from assistant.index.segments import Segment, SegmentSpill, local_segments, merge_rows
from assistant.index.sentence_rows import ArticleRows, embed_unique, sentence_texts
from assistant.ingest.load import OWNED_ELSEWHERE, LoadResult, Problem, article_problem, load_paths
from assistant.index.store import (
    IndexData,
    IndexMissingError,
    IndexSettings,
    indexed_backend,
    load_index,
    save_index,
    write_lock,
)
from assistant.model import Article

ProgressCallback = Callable[[int, int], None]  # (sentences embedded, sentences to embed)
# (articles to embed with their fingerprints, settings, embedder, progress) -> the segments built of them
SegmentSource = Callable[..., Iterable[Segment]]


@dataclass
class IndexReport:
    """What an indexing run did, for the CLI and the web app to show."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0
    sentences_embedded: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed; {self.chunks_embedded} chunks embedded "
            f"({self.sentences_embedded} sentences) in {self.seconds:.1f}s; "
            f"{len(self.problems)} problem(s)"
        )


def fingerprint(article: Article, settings: IndexSettings) -> str:
    """Changes when the text, the metadata or the chunking settings change."""
    payload = {**article.to_dict(), "settings": settings.as_dict()}
    payload.pop("source", None)
    payload.pop("record", None)  # where a record stands in its file is not part of the article
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


def _rows_from_index(data: IndexData) -> dict[str, ArticleRows]:
    """Split a loaded index back into per-article rows so they can be reused."""
    rows: dict[str, ArticleRows] = {}
    sentence_docs = data.sentences[:, 0]
    chunk_docs = data.chunks[:, 0]
    vectors = np.asarray(data.vectors)
    sentence_vectors = data.sentence_vectors
    sentence_bounds = np.searchsorted(sentence_docs, np.arange(len(data.articles) + 1))
    chunk_bounds = np.searchsorted(chunk_docs, np.arange(len(data.articles) + 1))
    for doc, (article, fp) in enumerate(zip(data.articles, data.fingerprints)):
        s0, s1 = sentence_bounds[doc], sentence_bounds[doc + 1]
        c0, c1 = chunk_bounds[doc], chunk_bounds[doc + 1]
        chunks = data.chunks[c0:c1, 1:].copy() - s0
        own = sentence_vectors.slice(s0, s1) if sentence_vectors is not None else None
        rows[article.doc_id] = ArticleRows(article, fp, data.sentences[s0:s1, 1:].copy(), chunks, vectors[c0:c1], own)
    return rows


RELEASE_AFTER_SENTENCES = 20_000  # a build that embedded this many lets the model's batch memory go


def give_back_freed_memory() -> None:
    """Hand freed heap pages back to the system (glibc's malloc_trim; elsewhere nothing).

    The loaded texts (8 kB each, 220 MB for the RealTime QA corpus) are freed once spilled,
    but glibc keeps freed pages inside its heap, where they still count in RSS for the
    rest of the build."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def article_embedder(index_dir: str | Path, rebuild: bool = False) -> Embedder:
    """What embeds new articles for the index in `index_dir`: the backend its vectors came from, where
    this CPU runs it natively (one index, one kind of vector), else this CPU's own choice."""
    return default_embedder(prefer=None if rebuild else indexed_backend(index_dir))


def backend_choice_of(embedder: Embedder) -> dict | None:
    """How the article backend was chosen (assistant/embed/backend_choice.py), for the manifest; None if unknown."""
    for candidate in (embedder, getattr(embedder, "articles", None)):  # QuestionFastEmbedder: its article side
        choice = getattr(candidate, "choice", None)
        if choice is not None:
            return {**choice.as_dict(), "backend": candidate.backend}
    return None


def _owned_ids_only(
    articles: list[Article], previous: dict[str, ArticleRows], failed_files: set[str], report: IndexReport
) -> list[Article]:
    """Articles that may take their doc_id: a doc_id belongs to the file the index holds it from, so
    a record in another file (a new file, an upload) can never replace it while that file is there
    and may still hold it. A record that moved out of its file may take the id along: when that file
    was read whole in this run (no problem in it) and no longer holds the id. (When both files hold
    it, `drop_duplicate_ids` has already kept the indexed one.)"""
    read_whole = {os.path.realpath(str(a.path)) for a in articles} - {os.path.realpath(p) for p in failed_files}
    allowed = []
    for article in articles:
        owner = previous.get(article.doc_id)
        owner_path = owner.article.path if owner else None
        if owner_path and os.path.realpath(owner_path) != os.path.realpath(str(article.path)) \
                and os.path.realpath(owner_path) not in read_whole and Path(owner_path).exists():
            where = f" {owner.article.record}" if owner.article.record else ""
            report.problems.append(article_problem(
                article, f"doc_id {article.doc_id!r} is already used by {owner_path}{where}; {OWNED_ELSEWHERE}"
            ))
            continue
        allowed.append(article)
    return allowed


def update_index(
    index_dir: str | Path,
    paths: Sequence[str | Path],
    embedder: Embedder,
    *,
    replace_sources: bool = True,
    rebuild: bool = False,
    settings: IndexSettings | None = None,
    progress: ProgressCallback | None = None,
    loaded: LoadResult | None = None,
    segment_source: SegmentSource | None = None,
) -> tuple[IndexData, IndexReport]:
    """Bring the index in line with `paths`, embedding only what changed.

    With `replace_sources`, articles previously indexed from one of `paths`
    that are gone now are dropped (re-indexing a folder). Without it, the
    loaded articles are added to what is there (uploads). A file that fails
    to load keeps its previously indexed version. The new articles are built
    in bounded segments (assistant/index/segments.py): here, one shard at a time, or
    elsewhere by `segment_source` (a Ray cluster: assistant/index/ray_build.py).
    """
    index_dir = Path(index_dir)
    settings = settings or IndexSettings()
    started = time.perf_counter()
    with write_lock(index_dir):
        previous: dict[str, ArticleRows] = {}
        previous_choice: dict | None = None
        if not rebuild:
            try:
                old = load_index(index_dir, settings)
                previous, previous_choice = _rows_from_index(old), old.extra.get("backend_choice")
            except IndexMissingError:
                pass
        # an article already indexed keeps its doc_id: a new file holding it too is refused, whatever the order
        result = loaded or load_paths(paths, owners={doc_id: row.article.path for doc_id, row in previous.items() if row.article.path})
        report = IndexReport(problems=list(result.problems))
        failed_files = {p.path for p in result.problems}
        sources = {str(Path(p)) for p in paths}
        arrived = _owned_ids_only(result.articles, previous, failed_files, report)

        incoming = {a.doc_id: a for a in arrived}
        kept: dict[str, ArticleRows] = {}
        for doc_id, row in previous.items():
            gone = replace_sources and row.article.source in sources and doc_id not in incoming
            if gone and row.article.path not in failed_files:
                report.removed.append(doc_id)
            elif doc_id not in incoming:
                kept[doc_id] = row

        to_embed: list[tuple[Article, str]] = []
        for article in arrived:
            fp = fingerprint(article, settings)
            old = previous.get(article.doc_id)
            if old is not None and old.fingerprint == fp:
                old.article.source = article.source
                kept[article.doc_id] = old
                report.unchanged.append(article.doc_id)
            else:
                to_embed.append((article, fp))

        # Built in bounded segments (assistant/index/segments.py), here one after the other or on a Ray
        # cluster (`segment_source`, assistant/index/ray_build.py), spilled to disk and merged at the end.
        build = segment_source or local_segments
        with SegmentSpill(index_dir) as spill:
            for segment in build(to_embed, settings, embedder, progress):
                spill.add(segment)
                report.problems.extend(segment.problems)
                report.sentences_embedded += segment.sentences_embedded
                # an article that could not be split or embedded keeps its indexed version
                kept.update((doc_id, previous[doc_id]) for doc_id in segment.failed if doc_id in previous)
            # The loaded texts are in the spilled segments now, read from there when needed: let them go.
            to_embed = arrived = incoming = segment = result = loaded = None
            give_back_freed_memory()
            for row in spill.rows():
                (report.updated if row.article.doc_id in previous else report.added).append(row.article.doc_id)
                kept[row.article.doc_id] = row
                report.chunks_embedded += len(row.chunks)
            # Kept articles from an index that predates sentence vectors get theirs now (once).
            backfill = [row for row in kept.values() if row.sentence_vectors is None]
            if backfill:
                texts = [t for row in backfill for t in sentence_texts(row.article, row.sentences)]
                vectors, count = embed_unique(texts, embedder, progress)
                report.sentences_embedded += count
                position = 0
                for row in backfill:
                    row.sentence_vectors = vectors.slice(position, position + len(row.sentences))
                    position += len(row.sentences)

            # Nothing more to embed: after a big build the model's batch memory (about 1 GB on OpenVINO)
            # is let go before the merge, the build's other peak. A small update keeps it: reloading
            # costs the next one ~1 s of kernel compiling, and there is little to free.
            release = getattr(embedder, "release", None)
            if release is not None and report.sentences_embedded >= RELEASE_AFTER_SENTENCES:
                release()
                give_back_freed_memory()
            ordered = [kept[doc_id] for doc_id in sorted(kept)]
            data = merge_rows(ordered, spill.folder, settings, embedder.backend, embedder.dim)
            choice = backend_choice_of(embedder) if report.sentences_embedded else None
            data.extra["backend_choice"] = choice or previous_choice
            save_index(data, index_dir)
        data = load_index(index_dir, settings)  # the merged arrays lived in the scratch folder: open the saved ones
        report.seconds = time.perf_counter() - started
        return data, report
