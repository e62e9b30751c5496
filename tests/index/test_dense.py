"""The FAISS index type follows the collection's size and keeps recall; masked dense search equals brute force."""

from __future__ import annotations


import numpy as np

from assistant.index import dense


def clustered(n: int, dim: int = 384, clusters: int = 200, seed: int = 3) -> np.ndarray:
    """Unit vectors around random centres: the structure real embeddings have (random ones have none)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    points = centres[rng.integers(0, clusters, size=n)] + 0.6 * rng.normal(size=(n, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_index_type_follows_collection_size(monkeypatch):
    assert dense.index_kind(1_000) == "flat" and dense.index_kind(dense.EXACT_MAX) == "flat"
    assert dense.index_kind(200_000).startswith("ivf") and dense.index_kind(200_000).endswith("-sq8")
    small = dense.build_index(clustered(500), 384)
    assert dense.describe(small) == {"type": "flat", "vectors": 500}

    monkeypatch.setattr(dense, "EXACT_MAX", 4_000)
    vectors = clustered(12_000)
    index = dense.build_index(vectors, 384)
    info = dense.describe(index)
    assert info["type"] == f"ivf{dense.n_cells(12_000)}-sq8" and info["vectors"] == 12_000
    assert dense.MIN_NPROBE <= info["nprobe"] <= dense.MAX_NPROBE
    # Queries near the data (cosine ~0.85 to a stored vector), not in it: recall@10 against exact search.
    rng = np.random.default_rng(9)
    queries = vectors[rng.choice(len(vectors), 200, replace=False)] + 0.03 * rng.normal(size=(200, 384)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    assert dense.recall_at_10(index, vectors, queries) >= 0.95
    # A shallow unfiltered search is served from the cached deep one: the same rows as searching at that depth.
    searcher = dense.DenseSearcher(index, vectors)
    for query in queries[:20]:
        deep = searcher.search(query, 200)
        for k in (1, 10, 50):
            _, direct = index.search(query.reshape(1, -1), k)
            assert [row for row, _ in searcher.search(query, k)] == [row for row, _ in deep[:k]] == [int(i) for i in direct[0]]


def test_exact_top_matches_brute_force():
    vectors = clustered(70_000, dim=32)  # more than one 65,536-row slice
    queries = vectors[:5]
    expected = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    assert np.array_equal(dense.exact_top(vectors, queries, 10), expected)


def test_dense_search_with_outlet_masks_matches_brute_force(monkeypatch):
    vectors = clustered(6_000)
    rng = np.random.default_rng(4)
    queries = vectors[rng.choice(len(vectors), 40, replace=False)] + 0.03 * rng.normal(size=(40, 384)).astype(np.float32)
    masks = [None, rng.random(len(vectors)) < 0.3, rng.random(len(vectors)) < 0.005, np.zeros(len(vectors), bool)]
    exact = dense.DenseSearcher(dense.build_index(vectors, 384), vectors)
    monkeypatch.setattr(dense, "EXACT_MAX", 1_000)
    approximate = dense.DenseSearcher(dense.build_index(vectors, 384), vectors)
    assert exact.exact and not approximate.exact
    for mask in masks:
        recalls = []
        for query in queries:
            scores = vectors @ query
            if mask is not None:
                scores = np.where(mask, scores, -np.inf)
            allowed = len(vectors) if mask is None else int(mask.sum())
            truth = [int(r) for r in np.argsort(-scores)[: min(10, allowed)]]
            found = exact.search(query, 10, mask)
            assert [row for row, _ in found] == truth
            assert np.allclose([score for _, score in found], scores[truth], atol=1e-5)  # the same shape as BM25's
            found = [row for row, _ in approximate.search(query, 10, mask)]
            assert mask is None or all(mask[found])
            recalls.append(len(set(found) & set(truth)) / len(truth) if truth else float(found == []))
        assert np.mean(recalls) >= 0.95, (None if mask is None else mask.mean(), np.mean(recalls))


def test_an_ivf_built_from_a_memory_mapped_file_in_slices_equals_one_built_in_memory(tmp_path, monkeypatch):
    """The build reads vectors.npy slice by slice (training sample, adding, nprobe tuning) and releases
    the pages: the index is the same as one built from the array in memory."""
    import faiss

    monkeypatch.setattr(dense, "EXACT_MAX", 4_000)
    vectors = clustered(9_000)
    np.save(tmp_path / "vectors.npy", vectors)
    in_memory = dense.build_index(vectors, 384)
    monkeypatch.setattr(dense, "SLICE_ROWS", 1_000)
    monkeypatch.setattr(dense, "QUERY_BLOCK", 7)
    mapped = dense.build_index(np.load(tmp_path / "vectors.npy", mmap_mode="r"), 384)
    assert dense.describe(mapped) == dense.describe(in_memory)
    assert np.array_equal(faiss.serialize_index(mapped), faiss.serialize_index(in_memory))
