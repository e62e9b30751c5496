"""Speed machinery, checked for correctness (timings live in bench/, never here).

The ONNX/OpenVINO backends give torch's vectors; the default falls back when a
runtime is missing; the FAISS index type follows the collection's size and
keeps recall; the manifest records the backend; sentence vectors stored at
index time are the sentences' own; `newscite ask` imports no torch (nor openvino).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from assistant import ann, backend_choice
from assistant.embed.backend_choice import openvino_capabilities
from assistant.index.pooling import pool_chunks, sentence_weights
from assistant.embed.embedding import QuestionFastEmbedder, TorchEmbedder, default_embedder, question_embedder
from assistant.embed.onnx_embedder import BackendUnavailable, OnnxEmbedder
from assistant.index.store import current_generation, load_index
from assistant.index.codes import QuantizedVectors
from tests.conftest import ROOT

SENTENCES = [
    "We have proposed to hold the meeting in Cairo, Egypt, but haven't received an answer yet.",
    "The FSA representative said the talks should happen as soon as possible.",
    "Dozens of lorries carrying grain crossed the border at Bab al-Hawa on Thursday.",
    "Inflation rose to 9.1 percent in June, the highest in four decades.",
    "Netflix announced that the popular South Korean show will return for a second season.",
    "Ceasefire",
    "The port of Tartus reopened to cargo ships on Wednesday, the harbour master said, after weeks of closure "
    "caused by storms that damaged the breakwater and two cranes.",
]
QUERY = "Where did the FSA propose to meet Russia?"


@pytest.fixture(scope="module")
def torch_vectors():
    torch_embedder = TorchEmbedder()
    return torch_embedder.embed(SENTENCES), torch_embedder.embed_query(QUERY)


@pytest.mark.parametrize("backend", ["openvino-bf16", "onnx-fp32", "onnx-int8", "openvino-fp32"])
def test_onnx_backends_agree_with_torch(backend, torch_vectors):
    if backend == "openvino-bf16" and "BF16" not in openvino_capabilities():
        pytest.skip("this CPU has no native bf16: OpenVINO would emulate it (~40x slower), and NewsCite never uses it here")
    reference, reference_query = torch_vectors
    embedder = OnnxEmbedder(backend).warm_up()
    vectors = embedder.embed(SENTENCES)
    assert vectors.shape == (len(SENTENCES), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() > 0.98, cosines
    assert float(embedder.embed_query(QUERY) @ reference_query) > 0.98
    # The query path (one thread) and the batch path (all cores) give the same vector.
    assert float(embedder.embed_query(SENTENCES[0]) @ vectors[0]) > 0.98


def test_the_export_is_built_on_first_use_in_the_cache_dir(tmp_path, monkeypatch, torch_vectors):
    monkeypatch.setenv("NEWSCITE_CACHE_DIR", str(tmp_path))
    vectors = OnnxEmbedder("onnx-fp32").embed(SENTENCES[:3])
    exported = list(tmp_path.glob("onnx-*/model.onnx"))
    assert len(exported) == 1 and exported[0].stat().st_size > 50_000_000
    assert not list(tmp_path.rglob("*.tmp"))
    assert (vectors * torch_vectors[0][:3]).sum(axis=1).min() > 0.999  # fp32: torch's vectors


def test_default_embedder_falls_back_when_a_runtime_is_missing(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSCITE_BACKEND", raising=False)
    monkeypatch.setattr(backend_choice, "_cache_file", lambda capabilities: tmp_path / f"choice-{len(capabilities)}.json")
    monkeypatch.setitem(sys.modules, "openvino", None)  # `import openvino` now raises ImportError
    with pytest.raises(BackendUnavailable):
        OnnxEmbedder("openvino-fp32").warm_up()
    embedder = default_embedder()
    assert embedder.backend in {"onnx-int8", "onnx-fp32"} and embedder.choice.capabilities == []
    assert set(embedder.choice.skipped) == {"openvino-bf16", "openvino-fp32"}
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    embedder = default_embedder()
    assert embedder.backend == "torch"
    assert embedder.embed_query(QUERY).shape == (384,)


def test_default_embedder_prefers_the_index_backend_and_honours_the_override(monkeypatch):
    monkeypatch.delenv("NEWSCITE_BACKEND", raising=False)
    chosen = backend_choice.choose_backend().backend
    assert default_embedder(prefer="onnx-fp32").backend == "onnx-fp32"  # an index keeps its backend
    assert default_embedder(prefer="torch").backend == chosen  # torch is never preferred: the choice is faster
    monkeypatch.setenv("NEWSCITE_HIDE_CAPABILITIES", "BF16")  # an index built on a CPU with bf16, updated on one without
    assert default_embedder(prefer="openvino-bf16").backend != "openvino-bf16"
    monkeypatch.setenv("NEWSCITE_BACKEND", "onnx-fp32")
    assert default_embedder().backend == "onnx-fp32"


def test_questions_use_int8_and_articles_keep_the_index_backend(monkeypatch, torch_vectors):
    monkeypatch.delenv("NEWSCITE_BACKEND", raising=False)
    embedder = question_embedder("openvino-fp32")
    assert isinstance(embedder, QuestionFastEmbedder) and embedder.query_backend == "onnx-int8"
    assert "articles" not in vars(embedder)  # answering alone never loads the article backend
    reference, reference_query = torch_vectors
    assert float(embedder.embed_query(QUERY) @ reference_query) > 0.98
    assert embedder.backend == "openvino-fp32"  # what an index built through it records
    assert (embedder.embed(SENTENCES) * reference).sum(axis=1).min() > 0.999  # the index's own (fp32) vectors
    monkeypatch.setenv("NEWSCITE_BACKEND", "onnx-fp32")  # one forced backend for both
    assert question_embedder("openvino-fp32").backend == "onnx-fp32"
    monkeypatch.delenv("NEWSCITE_BACKEND")
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # no int8: questions use the article backend
    fallback = question_embedder("openvino-fp32")
    assert fallback.backend == "openvino-fp32" and not hasattr(fallback, "query_backend")


def clustered(n: int, dim: int = 384, clusters: int = 200, seed: int = 3) -> np.ndarray:
    """Unit vectors around random centres: the structure real embeddings have (random ones have none)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    points = centres[rng.integers(0, clusters, size=n)] + 0.6 * rng.normal(size=(n, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_index_type_follows_collection_size(monkeypatch):
    assert ann.index_kind(1_000) == "flat" and ann.index_kind(ann.EXACT_MAX) == "flat"
    assert ann.index_kind(200_000).startswith("ivf") and ann.index_kind(200_000).endswith("-sq8")
    small = ann.build_index(clustered(500), 384)
    assert ann.describe(small) == {"type": "flat", "vectors": 500}

    monkeypatch.setattr(ann, "EXACT_MAX", 4_000)
    vectors = clustered(12_000)
    index = ann.build_index(vectors, 384)
    info = ann.describe(index)
    assert info["type"] == f"ivf{ann.n_cells(12_000)}-sq8" and info["vectors"] == 12_000
    assert ann.MIN_NPROBE <= info["nprobe"] <= ann.MAX_NPROBE
    # Queries near the data (cosine ~0.85 to a stored vector), not in it: recall@10 against exact search.
    rng = np.random.default_rng(9)
    queries = vectors[rng.choice(len(vectors), 200, replace=False)] + 0.03 * rng.normal(size=(200, 384)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    assert ann.recall_at_10(index, vectors, queries) >= 0.95
    # A shallow unfiltered search is served from the cached deep one: the same rows as searching at that depth.
    searcher = ann.DenseSearcher(index, vectors)
    for query in queries[:20]:
        deep = searcher.search(query, 200)
        for k in (1, 10, 50):
            _, direct = index.search(query.reshape(1, -1), k)
            assert searcher.search(query, k) == deep[:k] == [int(i) for i in direct[0]]


def test_exact_top_matches_brute_force():
    vectors = clustered(70_000, dim=32)  # more than one 65,536-row slice
    queries = vectors[:5]
    expected = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    assert np.array_equal(ann.exact_top(vectors, queries, 10), expected)


def test_manifest_records_backend_and_index_type_and_sentence_vectors_are_the_sentences_own(bot):
    manifest = json.loads((current_generation(bot.index_dir) / "manifest.json").read_text())
    assert manifest["backend"] == bot.embedder.backend == bot.data.backend
    assert manifest["faiss"] == {"type": "flat", "vectors": len(bot.data.chunks)}
    data = load_index(bot.index_dir)
    assert data.backend == manifest["backend"]
    stored = data.sentence_vectors
    assert stored is not None and len(stored) == len(data.sentences) and stored.codes.dtype == np.int8
    rows = [0, len(data.sentences) // 2, len(data.sentences) - 1]
    fresh = bot.embedder.embed([data.sentence_text(r) for r in rows])
    assert ((stored.rows(rows) * fresh).sum(axis=1) > 0.99).all()
    # The composer reads them instead of running the model.
    assert bot.composer.vectors.stored is not None


def test_chunk_vectors_are_token_weighted_means_of_their_sentences(bot):
    data = bot.data
    doc, first, last = (int(v) for v in data.chunks[0])
    texts = [data.sentence_text(r) for r in range(first, last + 1)]
    vectors = bot.embedder.embed(texts)
    weights = sentence_weights(texts)
    expected = (vectors * weights[:, None]).sum(axis=0)
    expected /= np.linalg.norm(expected)
    pooled = pool_chunks(vectors, weights, np.array([0]), 384)[0]
    assert np.allclose(pooled, expected, atol=1e-5)
    assert float(np.asarray(data.vectors[0]) @ expected) > 0.99
    # ...and close to embedding the chunk whole (what a two-pass index would store).
    assert float(bot.embedder.embed([data.chunk_text(0)])[0] @ expected) > 0.8


def test_quantized_sentence_vectors_keep_cosines(tmp_path):
    vectors = clustered(300)
    codes = QuantizedVectors.encode(vectors)
    codes.save(tmp_path)
    loaded = QuantizedVectors.load(tmp_path)
    restored = loaded.rows(np.arange(300))
    assert np.abs((restored * vectors).sum(axis=1) - 1).max() < 2e-3
    assert np.abs(restored @ restored[:5].T - vectors @ vectors[:5].T).max() < 5e-3


def test_ask_from_the_command_line_imports_no_torch(bot):
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assistant", "ask", QUERY, "--index-dir", str(bot.index_dir)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Cairo" in done.stdout
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    # a question needs only onnxruntime's int8 model (unless NEWSCITE_BACKEND forces an OpenVINO one for everything)
    forced_openvino = os.environ.get("NEWSCITE_BACKEND", "").startswith("openvino")
    runtimes = {"torch", "sentence_transformers", "transformers"} | (set() if forced_openvino else {"openvino"})
    heavy = {name for name in imported if name.split(".")[0] in runtimes}
    heavy |= {name for name in imported if name.startswith("llama_index.")}  # the bare namespace package is free
    assert not heavy, sorted(heavy)[:10]


def test_bm25_search_without_bm25s_matches_bm25s(bot):
    """Questions are tokenised and scored from the saved posting lists exactly as bm25s would."""
    import bm25s

    from assistant.index.bm25 import BM25Index, _query_tokens, _stemmer

    data = bot.data
    texts = [QUERY, "Who is the FSA's spokesman?", "What's the U.S. role -- if any -- in 2016?", "", "a an the"]
    texts += [data.sentence_text(r) for r in range(0, len(data.sentences), 7)]
    for text in texts:
        expected = bm25s.tokenize([text], stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False)
        assert _query_tokens(text) == tuple(expected[0] if expected else ()), text
    folder = current_generation(bot.index_dir) / "bm25"
    ours, reference = BM25Index.load(folder), bm25s.BM25.load(str(folder), mmap=True)
    assert ours._retriever is None  # loaded without bm25s
    for text in texts[:3] + texts[5:12]:
        tokens = list(_query_tokens(text))
        full = reference.get_scores(tokens) if tokens else np.zeros(len(data.chunks))
        rows, scores = ours.matches(text)
        mine = np.zeros(len(data.chunks), dtype=np.float32)
        mine[rows] = scores
        assert np.allclose(mine, full, atol=1e-5), text
        mask = np.arange(len(data.chunks)) % 2 == 0
        top = [row for row, _ in ours.search(text, 5, allowed=mask)]
        assert all(mask[top]) and all(full[r] > 0 for r in top)
        best = sorted(np.flatnonzero(mask & (full > 0)), key=lambda r: -full[r])[:5]
        assert np.allclose(sorted(full[top]), sorted(full[best]))


def test_article_texts_are_read_on_demand_and_equal_the_originals(bot, tmp_path):
    import pickle

    from assistant.index.articles import StoredArticle, load_articles, save_articles
    from assistant.model import Article

    data = load_index(bot.index_dir)
    originals = {a.doc_id: a for a in bot.articles}
    assert all(isinstance(a, StoredArticle) and "text" not in a.__dict__ for a in data.articles)
    first = data.articles[0]
    assert first.text == originals[first.doc_id].text and "text" in first.__dict__
    assert first.to_dict() == originals[first.doc_id].to_dict()
    assert pickle.loads(pickle.dumps(data.articles[1])).text == originals[data.articles[1].doc_id].text
    # Old generations kept the text inside articles.jsonl; they still load.
    old = tmp_path / "old"
    old.mkdir()
    (old / "articles.jsonl").write_text("".join(json.dumps(a.to_dict()) + "\n" for a in bot.articles))
    assert [a.text for a in load_articles(old)] == [a.text for a in bot.articles]
    # Round trip with non-ASCII text, and an empty collection.
    articles = [Article(doc_id="x", text="Zürich – “quoted” 東京"), Article(doc_id="y", text="second")]
    save_articles(articles, tmp_path)
    assert [a.text for a in load_articles(tmp_path)] == [a.text for a in articles]
    save_articles([], tmp_path)
    assert load_articles(tmp_path) == []


def test_dense_search_with_outlet_masks_matches_brute_force(monkeypatch):
    vectors = clustered(6_000)
    rng = np.random.default_rng(4)
    queries = vectors[rng.choice(len(vectors), 40, replace=False)] + 0.03 * rng.normal(size=(40, 384)).astype(np.float32)
    masks = [None, rng.random(len(vectors)) < 0.3, rng.random(len(vectors)) < 0.005, np.zeros(len(vectors), bool)]
    exact = ann.DenseSearcher(ann.build_index(vectors, 384), vectors)
    monkeypatch.setattr(ann, "EXACT_MAX", 1_000)
    approximate = ann.DenseSearcher(ann.build_index(vectors, 384), vectors)
    assert exact.exact and not approximate.exact
    for mask in masks:
        recalls = []
        for query in queries:
            scores = vectors @ query
            if mask is not None:
                scores = np.where(mask, scores, -np.inf)
            allowed = len(vectors) if mask is None else int(mask.sum())
            truth = [int(r) for r in np.argsort(-scores)[: min(10, allowed)]]
            assert exact.search(query, 10, mask) == truth
            found = approximate.search(query, 10, mask)
            assert mask is None or all(mask[found])
            recalls.append(len(set(found) & set(truth)) / len(truth) if truth else float(found == []))
        assert np.mean(recalls) >= 0.95, (None if mask is None else mask.mean(), np.mean(recalls))
