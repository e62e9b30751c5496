"""The FAISS index type for a collection's size: exact when small, IVF with int8 codes when large.

Exact inner-product search costs time linear in the number of chunks (about
0.05 ms per thousand on these CPUs), so beyond `EXACT_MAX` chunks the index is
an inverted file (k-means cells) whose vectors are stored as 8-bit scalars:
a query scans only the `nprobe` nearest cells, at about a quarter of the
memory of float32. `nprobe` is tuned at build time until recall@10 against
exact search reaches `TARGET_RECALL` on a sample of the collection's own
vectors. vectors.npy stays the float32 source of truth; this index is
rebuilt from it.
"""

from __future__ import annotations

import math

import numpy as np

EXACT_MAX = 32_768  # chunks; below this exact search takes under ~2 ms
TARGET_RECALL = 0.97  # on self-queries at build time; measured >= 0.95 on real questions in bench/
MIN_NPROBE, MAX_NPROBE = 8, 256
TUNE_QUERIES = 300
TRAIN_PER_CELL = 48  # faiss wants at least 39 training points per cell


def n_cells(n: int) -> int:
    """About 2*sqrt(n) cells, a power of two: ~1,024 at 200k chunks, 2,048 at 1M."""
    return int(2 ** round(math.log2(max(2.0 * math.sqrt(n), 64))))


def index_kind(n: int) -> str:
    return "flat" if n <= EXACT_MAX else f"ivf{n_cells(n)}-sq8"


def _as_float32(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(vectors, dtype=np.float32)


def build_index(vectors: np.ndarray, dim: int, seed: int = 7):
    """A FAISS inner-product index over `vectors` (rows normalised: scores are cosines)."""
    import faiss

    n = len(vectors)
    if n <= EXACT_MAX:
        index = faiss.IndexFlatIP(dim)
        if n:
            index.add(_as_float32(vectors))
        return index
    cells = n_cells(n)
    index = faiss.index_factory(dim, f"IVF{cells},SQ8", faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    train_rows = np.sort(rng.choice(n, size=min(n, cells * TRAIN_PER_CELL), replace=False))
    index.train(_as_float32(vectors[train_rows]))
    for start in range(0, n, 65_536):  # add in slices: a memory-mapped vectors.npy is never copied whole
        index.add(_as_float32(vectors[start : start + 65_536]))
    tune_nprobe(index, vectors, rng)
    return index


def recall_at_10(index, vectors: np.ndarray, queries: np.ndarray) -> float:
    """Share of the exact top 10 (brute force over `vectors`) that `index` also returns."""
    exact = exact_top(vectors, queries, 10)
    _, found = index.search(_as_float32(queries), 10)
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, found)]))


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Brute-force top k rows per query, scanning `vectors` in slices (it may be memory-mapped)."""
    queries = _as_float32(queries)
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), 65_536):
        scores = queries @ _as_float32(vectors[start : start + 65_536]).T
        rows = np.broadcast_to(np.arange(start, start + scores.shape[1]), scores.shape)
        scores = np.hstack([best_scores, scores])
        rows = np.hstack([best_rows, rows])
        top = np.argsort(-scores, axis=1)[:, :k]
        best_scores = np.take_along_axis(scores, top, axis=1)
        best_rows = np.take_along_axis(rows, top, axis=1)
    return best_rows


def tune_nprobe(index, vectors: np.ndarray, rng: np.random.Generator) -> int:
    """Smallest nprobe (doubling) whose leave-one-out recall@10 on sample vectors reaches TARGET_RECALL.

    Each sample vector is a query whose own row is dropped from both result
    lists: otherwise the trivial self-match flatters the index.
    """
    import faiss

    rows = np.sort(rng.choice(len(vectors), size=min(TUNE_QUERIES, len(vectors)), replace=False))
    queries = _as_float32(vectors[rows])
    exact = [[r for r in found if r != own][:10] for found, own in zip(exact_top(vectors, queries, 11), rows)]
    ivf = faiss.extract_index_ivf(index)
    nprobe = MIN_NPROBE
    while True:
        ivf.nprobe = nprobe
        _, approx = index.search(queries, 11)
        approx = [[r for r in found if r != own][:10] for found, own in zip(approx, rows)]
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(approx, exact)]))
        if nprobe >= MAX_NPROBE or recall >= TARGET_RECALL:
            return nprobe
        nprobe *= 2


def describe(index) -> dict:
    """What the index is, for the manifest and the benchmark."""
    import faiss

    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:
        return {"type": "flat", "vectors": int(index.ntotal)}
    return {"type": f"ivf{ivf.nlist}-sq8", "vectors": int(index.ntotal), "nprobe": int(ivf.nprobe)}
