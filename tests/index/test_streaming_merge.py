"""The streaming build (issue 15): an index built in many small segments equals one built in one segment.

Segments are spilled and merged by plain writes (assistant/index/segments.py,
assistant/index/npy_files.py), BM25 is written block by block
(assistant/index/bm25_build.py): whatever the segment size, the chunks,
vectors, sentence codes, BM25 results and answers must be the same.

The model's vectors depend slightly on the batch a text is embedded in (int8
activations are quantised per batch), and shards of another size make other
batches; so these builds embed one text at a time (the real model) or use
hashed vectors, which isolates what is tested here: the segmenting, spilling
and merging.
"""

from __future__ import annotations

import json
from itertools import islice

import numpy as np
import pytest

from assistant import Assistant
from assistant.index.articles import load_articles
from assistant.index.build import update_index
from assistant.index.store import current_generation
from assistant.ingest.load import LoadResult
from tests.conftest import BUNDLED, shared_dataset

QUESTIONS = [
    "Where did the Free Syrian Army propose to meet Russia?",
    "Who is the FSA's spokesman?",
    "What did the ministry say about the talks?",
    "How many people were killed?",
]


class OneAtATime:
    """The real embedder, one text per call: a text's vector no longer depends on its batch."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim, self.backend = inner.name, inner.dim, inner.backend

    def embed(self, texts, batch_size: int = 16):
        return np.vstack([self.inner.embed([text]) for text in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        return self.inner.embed_query(text)


class HashedVectors:
    """A deterministic unit vector per text (bench/common.py's stand-in): fast and batch-independent."""

    name, backend, dim = "hashed", "hashed", 384

    def embed(self, texts, batch_size: int = 16):
        import hashlib

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
            out[row] = np.random.default_rng(seed).standard_normal(self.dim, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_query(self, text):
        return self.embed([text])[0]


def build(index_dir, embedder, monkeypatch, segment_articles: int, *, paths=(), loaded=None):
    monkeypatch.setenv("NEWSCITE_SEGMENT_ARTICLES", str(segment_articles))
    data, report = update_index(index_dir, list(paths), embedder, loaded=loaded)
    return data, report


def assert_same_index(one, many, questions, embedder) -> None:
    assert [a.doc_id for a in one.articles] == [a.doc_id for a in many.articles]
    assert one.fingerprints == many.fingerprints
    assert [a.text for a in one.articles] == [a.text for a in many.articles]
    assert np.array_equal(one.sentences, many.sentences)
    assert np.array_equal(one.chunks, many.chunks)
    assert np.array_equal(np.asarray(one.vectors), np.asarray(many.vectors))
    assert np.array_equal(one.sentence_vectors.codes, many.sentence_vectors.codes)
    assert np.array_equal(one.sentence_vectors.scales, many.sentence_vectors.scales)
    assert one.extra["faiss"] == many.extra["faiss"]
    for name in ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy", "vocab.index.json"):
        assert (one.folder / "bm25" / name).read_bytes() == (many.folder / "bm25" / name).read_bytes(), name
    for question in questions:
        assert one.bm25.search(question, 20) == many.bm25.search(question, 20), question
    first, second = Assistant(one, one.folder.parent, embedder=embedder), Assistant(many, many.folder.parent, embedder=embedder)
    for question in questions:
        assert first.ask(question).to_dict() == second.ask(question).to_dict(), question


def test_bundled_articles_built_one_by_one_equal_one_segment(tmp_path, embedder, monkeypatch):
    embedder = OneAtATime(embedder)
    one, _ = build(tmp_path / "one", embedder, monkeypatch, 256, paths=[BUNDLED])
    many, report = build(tmp_path / "many", embedder, monkeypatch, 1, paths=[BUNDLED])
    assert len(report.added) == len(one.articles) > 1
    assert_same_index(one, many, QUESTIONS, embedder)


@pytest.mark.shared
def test_news_corpus_in_small_segments_equals_one_segment(tmp_path, monkeypatch):
    """40 RealTime QA articles: segments of 7 (the last one short) against a single segment."""
    embedder = HashedVectors()
    from assistant.eval.datasets import RTQA_CORPUS, _jsonl, corpus_article

    corpus = shared_dataset("realtimeqa", RTQA_CORPUS)
    records = [r for r in islice(_jsonl(corpus), 60) if (r.get("text") or "").strip()][:40]
    articles = lambda: [corpus_article(r, corpus) for r in records]  # noqa: E731  (each build gets its own objects)
    one, _ = build(tmp_path / "one", embedder, monkeypatch, 256, loaded=LoadResult(articles=articles()))
    many, report = build(tmp_path / "many", embedder, monkeypatch, 7, loaded=LoadResult(articles=articles()))
    assert report.sentences_embedded > 0 and len(many.articles) == len(records)
    questions = [one.sentence_text(row)[:120] for row in range(0, len(one.sentences), max(1, len(one.sentences) // 6))]
    assert_same_index(one, many, questions, embedder)


def test_an_update_keeps_unchanged_articles_identical_and_texts_are_not_kept_in_memory(tmp_path, embedder, monkeypatch, bundled_copy):
    """Rebuilding after one article changes: the others' rows are carried over byte for byte, and
    writing the generation reads each stored text without caching it on the article."""
    first, _ = build(tmp_path / "index", embedder, monkeypatch, 2, paths=[bundled_copy])
    before = {a.doc_id: (np.asarray(first.vectors)[first.chunks[:, 0] == i].copy()) for i, a in enumerate(first.articles)}
    changed = sorted(p for p in bundled_copy.iterdir() if p.suffix == ".txt")[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA sentence added later to this article.\n", encoding="utf-8")
    second, report = build(tmp_path / "index", embedder, monkeypatch, 2, paths=[bundled_copy])
    assert len(report.updated) == 1 and len(report.unchanged) == len(first.articles) - 1
    for i, article in enumerate(second.articles):
        if article.doc_id in report.unchanged:
            assert np.array_equal(np.asarray(second.vectors)[second.chunks[:, 0] == i], before[article.doc_id])
    stored = load_articles(current_generation(tmp_path / "index"))
    assert all("text" not in article.__dict__ for article in stored)  # loaded lazily, as saved
    manifest = json.loads((current_generation(tmp_path / "index") / "manifest.json").read_text())
    assert manifest["counts"]["chunks"] == len(second.chunks)
