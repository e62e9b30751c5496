"""Hybrid chunk retrieval: FAISS dense search plus BM25, fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from assistant.index.store import IndexData

RRF_K = 60  # the constant of Cormack et al.; damps the weight of top ranks


@dataclass(frozen=True)
class Retrieval:
    """What retrieval hands every composer for one question."""

    question: str  # as the user asked it
    query: str  # as searched: a follow-up rewritten to stand alone
    query_vector: np.ndarray
    hits: list["ChunkHit"]
    scope: str = "the indexed articles"  # what was searched, for "nothing in {scope} answers this"
    avoid: frozenset[tuple[str, int, int]] = frozenset()  # (doc_id, start, end) quotes a follow-up should not repeat
    outlets: list[str] | None = None  # the outlets the search was limited to
    recent_hits: list["ChunkHit"] | None = None  # a "this week" question's hits among that week's articles (assistant.answer.recency)


@dataclass
class ChunkHit:
    """A retrieved chunk (row of the chunk table) with its fused score."""

    row: int
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None


def reciprocal_rank_fusion(rankings: Iterable[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse ranked lists of ids: score(id) = sum of 1 / (k + rank)."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def outlet_mask(data: IndexData, outlets: Iterable[str] | None) -> np.ndarray | None:
    """Boolean mask over chunk rows from the chosen outlets (case-insensitive), or None for all."""
    if not outlets:
        return None
    codes, outlet_of_doc = data.outlet_codes
    wanted = [codes[name.casefold()] for name in outlets if name.casefold() in codes]
    article_ok = np.isin(outlet_of_doc, wanted)
    if not len(data.chunks):
        return np.zeros(0, dtype=bool)
    return article_ok[data.chunks[:, 0]]


class HybridRetriever:
    """Finds the chunks most likely to hold the answer to a question."""

    def __init__(self, data: IndexData, dense_k: int = 50, lexical_k: int = 50) -> None:
        self.data = data
        self.dense_k = dense_k
        self.lexical_k = lexical_k

    def dense(self, query_vector: np.ndarray, k: int, mask: np.ndarray | None) -> list[int]:
        return [row for row, _ in self.data.searcher.search(query_vector, k, mask)]

    def lexical(self, query: str, k: int, mask: np.ndarray | None) -> list[int]:
        return [row for row, _ in self.data.bm25.search(query, k, allowed=mask)]

    def retrieve(
        self,
        query: str,
        query_vector: np.ndarray,
        k: int = 10,
        outlets: Iterable[str] | None = None,
        articles: np.ndarray | None = None,
    ) -> list[ChunkHit]:
        """The k best chunks, from the chosen outlets and, with `articles` (a mask over articles), those articles only."""
        mask = outlet_mask(self.data, outlets)
        if articles is not None and len(self.data.chunks):
            in_articles = articles[self.data.chunks[:, 0]]
            mask = in_articles if mask is None else mask & in_articles
        dense = self.dense(query_vector, self.dense_k, mask)
        lexical = self.lexical(query, self.lexical_k, mask)
        dense_rank = {row: rank for rank, row in enumerate(dense, start=1)}
        lexical_rank = {row: rank for rank, row in enumerate(lexical, start=1)}
        return [
            ChunkHit(row, score, dense_rank.get(row), lexical_rank.get(row))
            for row, score in reciprocal_rank_fusion([dense, lexical])[:k]
        ]
