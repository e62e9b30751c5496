"""Stored vectors: the manifest records the backend, sentence vectors are the sentences' own, chunk vectors pool them, codes keep cosines."""

from __future__ import annotations

import json

import numpy as np

from assistant.index.codes import QuantizedVectors
from assistant.index.pooling import pool_chunks, sentence_weights
from assistant.index.store import current_generation, load_index
from tests.index.test_dense import clustered


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
