"""BM25 keyword search over chunks (bm25s), plus the tokenizer the composer shares.

A build writes the index block by block in bm25s's file format
(assistant/index/bm25_build.py: the same postings, without bm25s's tokenised
corpus in memory); bm25s builds an in-memory one (`BM25Index.build`, an index
not yet saved). Searching reads the saved posting lists
directly (numpy, memory-mapped) and tokenises questions exactly as bm25s
does, so answering a question never imports bm25s and scipy (0.2-0.4 s of
every `newscite ask`).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from assistant.index.depth import DEEP_SEARCH
from assistant.text import bm25s_stopwords, stemmer

BM25S_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s.tokenize's default token_pattern


@lru_cache(maxsize=1_024)
def _query_tokens(query: str) -> tuple[str, ...]:
    """What `bm25s.tokenize([query], stopwords="en", stemmer=...)` returns (tests/index/test_bm25.py checks it)."""
    stop = bm25s_stopwords()
    return tuple(stemmer().stemWords([w for w in BM25S_TOKEN.findall(query.lower()) if w not in stop]))


class Postings:
    """A saved bm25s index as plain arrays: token -> (chunk rows, precomputed BM25 scores)."""

    FILES = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, num_docs: int, vocab: dict[str, int]) -> None:
        self.data, self.indices, self.indptr, self.num_docs, self.vocab = data, indices, indptr, num_docs, vocab

    @classmethod
    def from_bm25s(cls, retriever) -> "Postings":
        scores = retriever.scores
        return cls(scores["data"], scores["indices"], scores["indptr"], int(scores["num_docs"]), retriever.vocab_dict)

    @classmethod
    def load(cls, folder: Path) -> "Postings | None":
        """None when the saved index needs more than posting lists (BM25L/BM25+ methods)."""
        params = json.loads((folder / "params.index.json").read_text())
        if params.get("method", "lucene") not in ("lucene", "robertson", "atire"):
            return None
        data, indices, indptr = (np.load(folder / name, mmap_mode="r") for name in cls.FILES)
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        return cls(data, indices, indptr, int(params["num_docs"]), vocab)

    def token_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.vocab[t] for t in tokens if t in self.vocab]


class BM25Index:
    """A bm25s index over a list of texts; rows match the chunk table."""

    def __init__(self, retriever=None, postings: Postings | None = None, folder: Path | None = None) -> None:
        self._retriever = retriever  # a bm25s.BM25 when built (or when its files need bm25s to read)
        self._postings = postings or Postings.from_bm25s(retriever)
        self._folder = folder
        self._recent: OrderedDict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()
        self._best_key: int | None = None
        self._best_positions = self._best_rows = np.zeros(0, dtype=np.int64)

    @classmethod
    def build(cls, texts: Sequence[str]) -> "BM25Index":
        import bm25s

        retriever = bm25s.BM25()
        corpus_tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=stemmer(), show_progress=False)
        retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        if self._retriever is not None:
            self._retriever.save(str(folder))
        else:  # loaded from disk without bm25s: the files are the index
            shutil.copytree(self._folder, folder)

    @classmethod
    def load(cls, folder: Path) -> "BM25Index":
        postings = Postings.load(folder)
        if postings is not None:
            return cls(postings=postings, folder=folder)
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=True))

    def matches(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the chunks that contain a query term, from the index's posting lists.

        The work is proportional to the postings of the query's terms, not to
        the number of chunks; the last few queries are kept, because the
        comparer searches the same question once per outlet.
        """
        tokens = _query_tokens(query)
        with self._lock:
            if tokens in self._recent:
                self._recent.move_to_end(tokens)
                return self._recent[tokens]
        postings = self._postings
        ids = postings.token_ids(tokens)
        num_docs = postings.num_docs
        if not ids or not num_docs:
            found = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        else:
            data, indices, indptr = postings.data, postings.indices, postings.indptr
            scores = np.zeros(num_docs, dtype=np.float32)
            for token in ids:  # a token's postings name each chunk once, so += is exact
                start, end = int(indptr[token]), int(indptr[token + 1])
                scores[indices[start:end]] += data[start:end]
            rows = np.flatnonzero(scores)
            found = (rows, scores[rows])
        with self._lock:
            self._recent[tokens] = found
            while len(self._recent) > 8:
                self._recent.popitem(last=False)
        return found

    def _best(self, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Positions of the DEEP_SEARCH best of `rows`, best first, computed once per query (see `search`)."""
        key = id(rows)
        with self._lock:
            if self._best_key == key:
                return self._best_positions
        k = min(DEEP_SEARCH, len(rows))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        top = top[np.argsort(-scores[top], kind="stable")]
        with self._lock:
            self._best_key, self._best_positions, self._best_rows = key, top, rows  # rows kept: id() stays unique
        return top

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (row, score) pairs with a positive score, optionally only rows where allowed is True.

        A common word matches most of an archive's chunks: ranking them all takes milliseconds,
        so an unfiltered search ranks the best DEEP_SEARCH once and serves every k up to that."""
        rows, scores = self.matches(query)
        if allowed is None and 0 < k <= DEEP_SEARCH:
            top = self._best(rows, scores)[:k]
            return [(int(rows[i]), float(scores[i])) for i in top if scores[i] > 0]
        if allowed is not None and len(rows):
            keep = allowed[rows]
            rows, scores = rows[keep], scores[keep]
        k = min(k, len(rows))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(rows[i]), float(scores[i])) for i in top if scores[i] > 0]
