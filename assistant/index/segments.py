"""Index segments: the rows of a bounded group of articles, built apart and merged at the end.

A build used to hold every new article's sentences, chunk texts and vectors
at once (10.8 GB at 27k articles). Now the articles to embed are cut into
shards of `SEGMENT_ARTICLES`; each shard becomes a `Segment` (the same
arrays a whole build makes, for those articles only), is spilled to a
scratch folder inside the index folder, and its memory is freed. The merge
appends the final arrays to .npy files (assistant/index/npy_files.py) that the
generation hard-links, so memory stays near one shard's worth whatever the
size of the collection (bench/ray_scale.py --memory, docs/scaling.md).

The same shards are built by Ray workers (assistant/index/ray_build.py): a shard
embeds the same texts in the same batches wherever it runs, so a local and
a distributed build store the same vectors.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from assistant.index.articles import load_articles, save_articles
from assistant.index.codes import QuantizedVectors
from assistant.index.npy_files import NpyWriter, open_npy, release
from assistant.index.pooling import pool_chunks, weights_of_counts
from assistant.index.sentence_rows import ArticleRows, embed_unique, sentence_texts, split_shard, without_unembeddable
from assistant.index.store import GENERATION_MARKER, IndexData
from assistant.model import Article

SEGMENT_ARTICLES = 256  # articles per shard: ~12k sentences, ~40 MB of working memory while embedding
SCRATCH_PREFIX = ".segments-"
RELEASE_EVERY = 512  # articles merged between releases of the mapped segment pages they were read from

Shard = list[tuple[Article, str]]  # (article, fingerprint) pairs to embed
ProgressCallback = Callable[[int, int], None]


def segment_articles() -> int:
    """Articles per shard: NEWSCITE_SEGMENT_ARTICLES when set, else SEGMENT_ARTICLES."""
    value = os.environ.get("NEWSCITE_SEGMENT_ARTICLES", "").strip()
    if not value:
        return SEGMENT_ARTICLES
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"NEWSCITE_SEGMENT_ARTICLES must be a whole number of articles (1 or more), not {value!r}")
    return int(value)


def shards(to_embed: Sequence[tuple[Article, str]], size: int | None = None) -> list[Shard]:
    """Consecutive groups of `size` articles: the unit a worker embeds and the unit of a local build's memory.

    Local and Ray builds cut the same shards, so each text is embedded in the same batch either way.
    """
    size = size or segment_articles()
    return [list(to_embed[start : start + size]) for start in range(0, len(to_embed), size)]


@dataclass
class Segment:
    """The index rows of one shard: per article its sentences, chunks and vectors, stored column-wise."""

    number: int  # the shard's position, so segments that arrive out of order merge the same
    articles: list[Article]
    fingerprints: list[str]
    sentence_counts: np.ndarray  # int64 (k,): sentences of each article
    chunk_counts: np.ndarray  # int64 (k,)
    sentences: np.ndarray  # int64 (n, 2): start, end in the article's text
    chunks: np.ndarray  # int64 (m, 2): first, last sentence, counted within the article
    vectors: np.ndarray  # float32 (m, dim): chunk vectors pooled from the sentences'
    sentence_vectors: QuantizedVectors  # (n, dim)
    problems: list = field(default_factory=list)  # loading.Problem, one per article left out
    failed: list[str] = field(default_factory=list)  # doc_ids left out (their previous version is kept)
    sentences_embedded: int = 0
    seconds: float = 0.0  # time spent building it (on the worker, for a Ray build)
    cpu_seconds: float = 0.0  # CPU time of the process building it (all its threads)
    worker: str = ""  # node and process that built it

    def rows(self):
        """Each article's `ArticleRows` (views into the segment's arrays, nothing copied)."""
        s_bounds = np.concatenate([[0], np.cumsum(self.sentence_counts)])
        c_bounds = np.concatenate([[0], np.cumsum(self.chunk_counts)])
        for i, (article, fp) in enumerate(zip(self.articles, self.fingerprints)):
            s0, s1, c0, c1 = int(s_bounds[i]), int(s_bounds[i + 1]), int(c_bounds[i]), int(c_bounds[i + 1])
            yield ArticleRows(
                article, fp, self.sentences[s0:s1], self.chunks[c0:c1], self.vectors[c0:c1],
                self.sentence_vectors.slice(s0, s1),
            )

    def save(self, folder: Path) -> None:
        """Write the segment to `folder` (articles as an index stores them: metadata plus a text file)."""
        folder.mkdir(parents=True)
        save_articles(self.articles, folder)
        for name in ("sentence_counts", "chunk_counts", "sentences", "chunks", "vectors"):
            np.save(folder / f"{name}.npy", getattr(self, name))
        self.sentence_vectors.save(folder)
        meta = {"number": self.number, "fingerprints": self.fingerprints, "failed": self.failed,
                "sentences_embedded": self.sentences_embedded, "seconds": self.seconds, "cpu_seconds": self.cpu_seconds,
                "worker": self.worker}
        (folder / "segment.json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, folder: Path) -> "Segment":
        """Memory-mapped: merging reads each article's rows once, never the whole segment into memory."""
        meta = json.loads((folder / "segment.json").read_text())
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r")
                  for name in ("sentence_counts", "chunk_counts", "sentences", "chunks", "vectors")}
        vectors = QuantizedVectors.load(folder)
        assert vectors is not None, f"{folder}: segment without sentence vectors"
        return cls(number=meta["number"], articles=load_articles(folder), fingerprints=meta["fingerprints"],
                   sentence_vectors=vectors, failed=meta["failed"], sentences_embedded=meta["sentences_embedded"],
                   seconds=meta["seconds"], cpu_seconds=meta.get("cpu_seconds", 0.0), worker=meta["worker"], **arrays)


def build_segment(number: int, shard: Shard, settings, embedder, progress: ProgressCallback | None = None) -> Segment:
    """Segment, chunk and embed one shard: what `update_index` did for the whole run, for these articles.

    An article that cannot be split or embedded is a problem naming its file
    and is listed in `failed`; the others are indexed.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    fingerprints = dict((a.doc_id, fp) for a, fp in shard)
    split = split_shard([a for a, _ in shard], settings)
    segmented, problems, tokens = split.segmented, split.problems, split.tokens
    texts = split.texts()
    try:
        sentence_vectors, embedded = embed_unique(texts, embedder, progress, tokens)
    except Exception:  # one article the model cannot take: report it, embed the rest
        kept, dropped, unembeddable = without_unembeddable(segmented, embedder)
        if not dropped:
            raise
        problems += unembeddable
        bounds = np.cumsum([0] + [len(sentences) for _, sentences, *_ in segmented])
        tokens = [t for i, item in enumerate(segmented) if item[0].doc_id not in dropped
                  for t in tokens[bounds[i] : bounds[i + 1]]]
        segmented = kept
        texts = [t for article, sentences, *_ in segmented for t in sentence_texts(article, sentences)]
        sentence_vectors, embedded = embed_unique(texts, embedder, progress, tokens)
    firsts, base = [], 0
    for _, sentences, chunks, _ in segmented:
        firsts.append(chunks[:, 0] + base)
        base += len(sentences)
    vectors = pool_chunks(
        sentence_vectors, weights_of_counts([len(t) for t in tokens]),
        np.concatenate(firsts) if firsts else np.zeros(0, dtype=np.int64), embedder.dim,
    )
    articles = [article for article, *_ in segmented]
    done = {a.doc_id for a in articles}

    def stack(parts: list[np.ndarray]) -> np.ndarray:
        return np.vstack(parts).astype(np.int64) if parts else np.zeros((0, 2), dtype=np.int64)

    return Segment(
        number=number,
        articles=articles,
        fingerprints=[fingerprints[a.doc_id] for a in articles],
        sentence_counts=np.array([len(s) for _, s, *_ in segmented], dtype=np.int64),
        chunk_counts=np.array([len(c) for _, _, c, _ in segmented], dtype=np.int64),
        sentences=stack([s for _, s, *_ in segmented]),
        chunks=stack([c for _, _, c, _ in segmented]),
        vectors=vectors,
        sentence_vectors=sentence_vectors,
        problems=problems,
        failed=[a.doc_id for a, _ in shard if a.doc_id not in done],
        sentences_embedded=embedded,
        seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu_started,
    )


def local_segments(to_embed: Sequence[tuple[Article, str]], settings, embedder,
                   progress: ProgressCallback | None = None, size: int | None = None) -> Iterator[Segment]:
    """The shards built one after the other in this process (the default build)."""
    planned = shards(to_embed, size)
    done_sentences, done_articles = 0, 0
    for number, shard in enumerate(planned):
        remaining = sum(len(s) for s in planned[number + 1 :])

        def shard_progress(done: int, total: int) -> None:
            # Later shards are not split into sentences yet: estimate them at this run's mean per article.
            per_article = (done_sentences + total) / (done_articles + len(shard))
            progress(done_sentences + done, done_sentences + total + round(remaining * per_article))

        segment = build_segment(number, shard, settings, embedder, shard_progress if progress else None)
        done_sentences += segment.sentences_embedded
        done_articles += len(shard)
        yield segment


class SegmentSpill:
    """A scratch folder in the index folder that holds the segments of one build until they are merged.

    It carries the generation marker, so if the build dies the next build
    (or any save) deletes it like any staging folder.
    """

    def __init__(self, index_dir: Path) -> None:
        self.folder = index_dir / f"{SCRATCH_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{time.monotonic_ns() % 10**9}.tmp"
        self.folder.mkdir(parents=True)
        (self.folder / GENERATION_MARKER).write_text("segments of a build in progress\n")
        self.segments: list[Segment] = []

    def add(self, segment: Segment) -> Segment:
        """Write `segment` to disk and keep a memory-mapped view of it."""
        target = self.folder / f"segment-{segment.number:06d}"
        segment.save(target)
        loaded = Segment.load(target)
        loaded.problems = segment.problems  # few, and only the report needs them: kept in memory
        self.segments.append(loaded)
        return loaded

    def rows(self):
        for segment in sorted(self.segments, key=lambda s: s.number):
            yield from segment.rows()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "SegmentSpill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def merge_rows(rows: Sequence, folder: Path, settings, backend: str, dim: int):
    """One `IndexData` of `rows` (in the order given), its arrays written to .npy files in `folder` and mapped.

    The rows are appended to the files by plain writes (page cache, not this
    process's memory) and the mapped segment pages they were read from are
    released every `RELEASE_EVERY` articles, so merging a million articles
    costs their metadata, not their vectors. save_index hard-links these files
    into the generation (assistant/index/npy_files.py).
    """
    n = sum(len(r.sentences) for r in rows)
    m = sum(len(r.chunks) for r in rows)
    complete = all(r.sentence_vectors is not None for r in rows)
    folder.mkdir(parents=True, exist_ok=True)
    names = ("sentences", "chunks", "vectors", "codes", "scales")
    paths = {name: folder / f"merged-{name}.npy" for name in names}
    writers = {
        "sentences": NpyWriter(paths["sentences"], np.int64, (n, 3)),
        "chunks": NpyWriter(paths["chunks"], np.int64, (m, 3)),
        "vectors": NpyWriter(paths["vectors"], np.float32, (m, dim)),
        "codes": NpyWriter(paths["codes"], np.int8, (n if complete else 0, dim)),
        "scales": NpyWriter(paths["scales"], np.float32, (n if complete else 0,)),
    }
    sources: list[np.ndarray] = []  # mapped arrays read since the last release
    s = 0
    for doc, row in enumerate(rows):
        k, j = len(row.sentences), len(row.chunks)
        sentences = np.empty((k, 3), dtype=np.int64)
        sentences[:, 0], sentences[:, 1:] = doc, row.sentences
        chunks = np.empty((j, 3), dtype=np.int64)
        chunks[:, 0], chunks[:, 1:] = doc, np.asarray(row.chunks) + s
        writers["sentences"].write(sentences)
        writers["chunks"].write(chunks)
        writers["vectors"].write(np.asarray(row.vectors, dtype=np.float32).reshape(j, dim))
        read = [row.sentences, row.chunks, row.vectors]
        if complete:
            writers["codes"].write(np.asarray(row.sentence_vectors.codes).reshape(k, dim))
            writers["scales"].write(row.sentence_vectors.scales)
            read += [row.sentence_vectors.codes, row.sentence_vectors.scales]
        sources += read
        if doc % RELEASE_EVERY == RELEASE_EVERY - 1:
            release(*sources)
            sources.clear()
        s += k
    release(*sources)
    for writer in writers.values():
        writer.close()
    arrays = {name: open_npy(paths[name]) for name in names}
    return IndexData(
        settings=settings,
        articles=[r.article for r in rows],
        fingerprints=[r.fingerprint for r in rows],
        sentences=arrays["sentences"],
        chunks=arrays["chunks"],
        vectors=arrays["vectors"],
        backend=backend,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        sentence_vectors=QuantizedVectors(arrays["codes"], arrays["scales"]) if complete else None,
    )
