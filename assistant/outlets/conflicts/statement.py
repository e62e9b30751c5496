"""A sentence as the conflict detector sees it, what it finds, and the gates on "about the same thing"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.text import terms

# Gates: how alike two statements must be before a difference between them means a contradiction.
TOPIC_COSINE = 0.5  # polarity and numbers (tuned on the dev split of data/conflict_pairs.jsonl)
TOPIC_SHARED_TERMS = 2
SAME_STATEMENT_COSINE = 0.72  # dates, times and agents: only for what is otherwise the same statement

NOT_NEGATING = re.compile(
    r"\b(?:not only|not just|no less than|no more than|not least|nothing but|no doubt|no longer than|"
    r"no fewer than|not to mention|whether or not|if not|or not)\b",
    re.I,
)
CLASS_COSINE = 0.3  # antonym classes are a strong cue: a looser gate, but the objects must agree

WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|\d+(?:[.,]\d+)*(?:\s?(?:%|bn|m|k)\b)?|\$|%|[“”\"']")

ISIS = re.compile(r"\b(?:IS|ISIS|ISIL|Daesh|Islamic State(?: group)?)\b")


@dataclass
class Statement:
    """A sentence as the detector sees it: text, embedding, stemmed terms, optional speaker."""

    text: str
    vector: np.ndarray | None = None
    terms: frozenset[str] = field(default_factory=frozenset)
    speaker: str | None = None

    def __post_init__(self) -> None:
        if not self.terms:
            self.terms = frozenset(terms(self.text))


@dataclass
class Finding:
    """Why two statements contradict: the kind, what about, and each side's claim in a few words."""

    kind: str  # "polarity" | "number" | "date" | "name" | "answer"
    about: str
    claim_a: str  # each side's claim as its sentence words it: "has rejected", "did not refuse"
    claim_b: str
    key: str  # what the disagreement is about, for grouping many pairs into one disagreement
    stance_a: str = ""  # statements with the same key and stance stand on the same side
    stance_b: str = ""

    def __post_init__(self) -> None:
        self.stance_a = self.stance_a or self.claim_a
        self.stance_b = self.stance_b or self.claim_b


def _tokens(text: str) -> list[str]:
    cleaned = ISIS.sub("isis", NOT_NEGATING.sub(" ", text))  # one name for the group, and "IS" is not "is"
    cleaned = re.sub(r"n[\"?]t\b", "n't", cleaned)  # "doesn"t": apostrophes mangled upstream
    cleaned = re.sub(r"\b(?:failed|fails|failing|unable) to\b", "not", cleaned, flags=re.I)
    words = []
    for token in WORD.findall(cleaned):
        lower = token.lower().replace("’", "'")
        if lower.endswith("n't"):
            words.extend([lower[:-3] or "n't", "n't"])
        else:
            words.append(lower)
    return words


def _cosine(a: Statement, b: Statement) -> float | None:
    if a.vector is None or b.vector is None:
        return None
    return float(np.dot(a.vector, b.vector))


def same_topic(a: Statement, b: Statement, cosine: float | None = None, threshold: float = TOPIC_COSINE) -> bool:
    cosine = _cosine(a, b) if cosine is None else cosine
    shared = len(a.terms & b.terms)
    if cosine is None:
        return shared >= TOPIC_SHARED_TERMS + 1 and shared / max(1, len(a.terms | b.terms)) >= 0.2
    return cosine >= threshold and shared >= TOPIC_SHARED_TERMS
