"""BM25 keyword search over chunks (bm25s), plus the tokenizer the composer shares."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# Question words carry no content to match ("Who speaks for ...": "who" is in
# any sentence with a relative clause); bm25s's English list keeps some of them.
QUESTION_WORDS = frozenset({"who", "whom", "whose", "what", "which", "where", "when", "why", "how", "did", "does", "do"})


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """NLTK's English list (shipped inside llama-index), bm25s's, and question words."""
    from bm25s.stopwords import STOPWORDS_EN

    from assistant.sentences import bundled_nltk_data

    nltk_list = (Path(bundled_nltk_data()) / "corpora" / "stopwords" / "english").read_text().split()
    return frozenset(STOPWORDS_EN) | frozenset(nltk_list) | QUESTION_WORDS


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words: what BM25 and overlap scores compare."""
    return list(_terms(text))


@lru_cache(maxsize=65_536)
def _terms(text: str) -> tuple[str, ...]:
    # Cached: the composer and the comparer stem the same candidate sentences question after question.
    words = [w for w in WORD.findall(text.lower()) if w not in stopwords()]
    return tuple(_stemmer().stemWords(words))


@lru_cache(maxsize=1_024)
def _query_tokens(query: str) -> tuple[str, ...]:
    import bm25s

    tokens = bm25s.tokenize([query], stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False)
    return tuple(tokens[0]) if tokens else ()


class BM25Index:
    """A bm25s index over a list of texts; rows match the chunk table."""

    def __init__(self, retriever) -> None:
        self._retriever = retriever
        self._recent: OrderedDict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def build(cls, texts: Sequence[str]) -> "BM25Index":
        import bm25s

        retriever = bm25s.BM25()
        corpus_tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), show_progress=False)
        retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> "BM25Index":
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
        retriever = self._retriever
        index = retriever.scores
        ids = retriever.get_tokens_ids(list(tokens)) if tokens else []
        num_docs = int(index["num_docs"])
        if not ids or not num_docs:
            found = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        else:
            data, indices, indptr = index["data"], index["indices"], index["indptr"]
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

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (row, score) pairs with a positive score, optionally only rows where allowed is True."""
        rows, scores = self.matches(query)
        if allowed is not None and len(rows):
            keep = allowed[rows]
            rows, scores = rows[keep], scores[keep]
        k = min(k, len(rows))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(rows[i]), float(scores[i])) for i in top if scores[i] > 0]
