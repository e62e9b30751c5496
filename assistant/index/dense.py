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
import os
import threading

import numpy as np

from assistant.index.depth import DEEP_SEARCH
from assistant.index.npy_files import release

EXACT_MAX = 32_768  # chunks; below this exact search takes under ~2 ms
TARGET_RECALL = 0.985  # leave-one-out at build time; 0.97 gave 0.959 on the RealTime QA questions (bench/)
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


SLICE_ROWS = 65_536  # vectors read at a time from a memory-mapped vectors.npy
QUERY_BLOCK = 32  # queries scored together by the exact search: 32 x 65,536 scores, 8 MB


def build_index(vectors: np.ndarray, dim: int, seed: int = 7):
    """A FAISS inner-product index over `vectors` (rows normalised: scores are cosines).

    `vectors` may be memory-mapped: it is read slice by slice and each slice's
    pages are released once used, so the build holds the FAISS index and one
    slice, never the whole float32 matrix."""
    import faiss

    n = len(vectors)
    if n <= EXACT_MAX:
        index = faiss.IndexFlatIP(dim)
        if n:
            index.add(_as_float32(vectors))
        return index
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # training and adding use every core (search sets one)
    cells = n_cells(n)
    index = faiss.index_factory(dim, f"IVF{cells},SQ8", faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    train_rows = np.sort(rng.choice(n, size=min(n, cells * TRAIN_PER_CELL), replace=False))
    index.train(gather_rows(vectors, train_rows))
    for start in range(0, n, SLICE_ROWS):  # add in slices: a memory-mapped vectors.npy is never copied whole
        index.add(_as_float32(vectors[start : start + SLICE_ROWS]))
        release(vectors)
    tune_nprobe(index, vectors, rng)
    return index


def gather_rows(vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """float32 copies of the sorted `rows` of `vectors`, read a slice at a time (pages released after each)."""
    out = np.empty((len(rows), vectors.shape[1]), dtype=np.float32)
    bounds = np.searchsorted(rows, np.arange(0, len(vectors) + SLICE_ROWS, SLICE_ROWS))
    for i, start in enumerate(range(0, len(vectors), SLICE_ROWS)):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        if hi > lo:
            out[lo:hi] = vectors[rows[lo:hi]]
            release(vectors)
    return out


def recall_at_10(index, vectors: np.ndarray, queries: np.ndarray) -> float:
    """Share of the exact top 10 (brute force over `vectors`) that `index` also returns."""
    exact = exact_top(vectors, queries, 10)
    _, found = index.search(_as_float32(queries), 10)
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, found)]))


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Brute-force top k rows per query, best first, scanning `vectors` in slices (it may be memory-mapped)
    and scoring QUERY_BLOCK queries at a time against each slice."""
    queries = _as_float32(queries)
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), SLICE_ROWS):
        block = _as_float32(vectors[start : start + SLICE_ROWS])
        release(vectors)
        new_scores, new_rows = [], []
        for q in range(0, len(queries), QUERY_BLOCK):
            scores = np.hstack([best_scores[q : q + QUERY_BLOCK], queries[q : q + QUERY_BLOCK] @ block.T])
            rows = np.hstack([best_rows[q : q + QUERY_BLOCK],
                              np.broadcast_to(np.arange(start, start + len(block)), (len(scores), len(block)))])
            keep = min(k, scores.shape[1])
            top = np.argpartition(-scores, keep - 1, axis=1)[:, :keep] if keep < scores.shape[1] else np.argsort(-scores, axis=1)
            new_scores.append(np.take_along_axis(scores, top, axis=1))
            new_rows.append(np.take_along_axis(rows, top, axis=1))
        best_scores, best_rows = np.vstack(new_scores), np.vstack(new_rows)
    order = np.argsort(-best_scores, axis=1, kind="stable")
    return np.take_along_axis(best_rows, order, axis=1)


def tune_nprobe(index, vectors: np.ndarray, rng: np.random.Generator) -> int:
    """Smallest nprobe (doubling) whose leave-one-out recall@10 on sample vectors reaches TARGET_RECALL.

    Each sample vector is a query whose own row is dropped from both result
    lists: otherwise the trivial self-match flatters the index.
    """
    import faiss

    rows = np.sort(rng.choice(len(vectors), size=min(TUNE_QUERIES, len(vectors)), replace=False))
    queries = gather_rows(vectors, rows)
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


class DenseSearcher:
    """Top-k chunk rows for a query vector, optionally only among allowed rows.

    Exact collections are searched with one single-threaded matrix-vector
    product (as fast as IndexFlatIP for a single query), whose scores are kept for the last
    few queries: the comparer asks the same question once per outlet, and
    each outlet filter is then a mask over scores already computed. Large
    collections use the IVF index on one thread (a single query gains
    nothing from OpenMP's threads, which spin and slow everything else); an
    outlet filter is a bitmap, and the fewer rows it allows, the more cells
    are probed, so a small outlet still gets its k results.
    """

    def __init__(self, index, vectors: np.ndarray) -> None:
        self.index = index
        self.vectors = vectors
        self._matrix: np.ndarray | None = None  # float32, C-contiguous (a view of a memory-mapped file)
        self.exact = describe(index)["type"] == "flat"
        self._recent: dict[bytes, np.ndarray | list[tuple[int, float]]] = {}  # exact: scores; IVF: the deep result
        self._lock = threading.Lock()

    def _scores(self, query: np.ndarray) -> np.ndarray:
        key = query.tobytes()
        with self._lock:
            if key in self._recent:
                return self._recent[key]
        import faiss

        # faiss's single-threaded SIMD kernel: numpy's BLAS matvec starts threads that spin on a shared machine.
        if self._matrix is None:
            self._matrix = np.asarray(np.ascontiguousarray(self.vectors, dtype=np.float32))
        matrix = self._matrix
        scores = np.empty(len(matrix), dtype=np.float32)
        faiss.fvec_inner_products_ny(faiss.swig_ptr(scores), faiss.swig_ptr(query), faiss.swig_ptr(matrix), matrix.shape[1], len(matrix))
        with self._lock:
            if len(self._recent) >= 4:
                self._recent.pop(next(iter(self._recent)))
            self._recent[key] = scores
        return scores

    def search(self, query_vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, cosine) of the k best chunks, best first: the shape `BM25Index.search` returns."""
        n = len(self.vectors)
        if n == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(-1)
        if self.exact:
            scores = self._scores(query)
            rows = np.flatnonzero(mask) if mask is not None else None
            if rows is not None:
                if not len(rows):
                    return []
                candidates = scores[rows]
            else:
                candidates = scores
            k = min(k, len(candidates))
            top = np.argpartition(-candidates, k - 1)[:k] if k < len(candidates) else np.arange(len(candidates))
            top = top[np.argsort(-candidates[top], kind="stable")]
            return [(int(rows[i]) if rows is not None else int(i), float(candidates[i])) for i in top]
        return self._search_ivf(query, k, mask)

    def _search_ivf(self, query: np.ndarray, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        """IVF search on one thread; unfiltered searches are served from one search DEEP_SEARCH deep per query
        (the probed cells are the same for every k, so a shallower search is a prefix of the deep one)."""
        if mask is None and k <= DEEP_SEARCH:
            key = query.tobytes()
            with self._lock:
                found = self._recent.get(key)
            if found is None:
                found = self._search_ivf_once(query, DEEP_SEARCH, None)
                with self._lock:
                    if len(self._recent) >= 4:
                        self._recent.pop(next(iter(self._recent)))
                    self._recent[key] = found
            return found[:k]
        return self._search_ivf_once(query, k, mask)

    def _search_ivf_once(self, query: np.ndarray, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        import faiss

        faiss.omp_set_num_threads(1)
        ivf = faiss.extract_index_ivf(self.index)
        params, bitmap = None, None
        if mask is not None:
            allowed = int(np.count_nonzero(mask))
            if allowed == 0:
                return []
            bitmap = np.packbits(mask, bitorder="little")
            nprobe = min(ivf.nlist, int(math.ceil(ivf.nprobe * len(mask) / allowed)))
            params = faiss.SearchParametersIVF(sel=faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bitmap)), nprobe=nprobe)
            k = min(k, allowed)
        scores, ids = self.index.search(query.reshape(1, -1), min(k, self.index.ntotal), params=params)
        del bitmap  # kept alive until the search is done
        return [(int(i), float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]
