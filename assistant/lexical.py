"""BM25 keyword search over chunks (bm25s), plus the tokenizer the composer shares."""

from __future__ import annotations

import re
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
    words = [w for w in WORD.findall(text.lower()) if w not in stopwords()]
    return _stemmer().stemWords(words)


class BM25Index:
    """A bm25s index over a list of texts; rows match the chunk table."""

    def __init__(self, retriever) -> None:
        self._retriever = retriever

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

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (row, score) pairs with a positive score, optionally only rows where allowed is True."""
        import bm25s

        tokens = bm25s.tokenize([query], stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False)
        if not tokens or not tokens[0]:
            return []
        scores = self._retriever.get_scores(tokens[0])
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(row), float(scores[row])) for row in top if scores[row] > 0]
