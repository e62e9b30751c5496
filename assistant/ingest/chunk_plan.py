"""Which whole sentences make each chunk: the plan a build and the llama-index node parser share.

Kept apart from assistant/ingest/chunk.py (the llama-index `NodeParser`), so that a build
imports neither llama-index (about 3 s) nor nltk: it splits with assistant/ingest/sentences.py,
counts the model's own word pieces once per shard, and plans chunks here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

DEFAULT_MAX_TOKENS = 128


@dataclass(frozen=True)
class ChunkPlan:
    """A chunk as a run of sentences [first, last] of one article."""

    first: int
    last: int


def plan_chunks(token_counts: Sequence[int], max_tokens: int) -> list[ChunkPlan]:
    """Greedy runs of consecutive sentences whose tokens add up to at most max_tokens.

    A single sentence over the budget still gets its own chunk; the sentence
    splitter keeps those rare (it cuts sentences over 600 characters).
    """
    plans: list[ChunkPlan] = []
    first, total = 0, 0
    for index, count in enumerate(token_counts):
        if index > first and total + count > max_tokens:
            plans.append(ChunkPlan(first, index - 1))
            first, total = index, 0
        total += count
    if token_counts:
        plans.append(ChunkPlan(first, len(token_counts) - 1))
    return plans
