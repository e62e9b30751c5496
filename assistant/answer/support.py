"""How well cited evidence supports a sentence an LLM wrote.

No NLI model exists offline, so support is measured the way the extractive
composer scores sentences: a weighted sum of embedding cosine (MiniLM) and
keyword overlap (the share of the sentence's content words found in the
cited evidence). Two hard checks come first, because similarity cannot see
them: every number in the sentence must stand in the cited evidence (a wrong
date or casualty count reads as "similar"), and every quotation must be
copied from it (see `assistant.llm.quotations`).

SUPPORT_WEIGHT and SUPPORT_THRESHOLD were chosen by
bench/calibrate_support.py on QuoteSum (human answers that cite passages):
a sentence against the best sentence of the passage it cites (supported)
versus the best sentence of a passage of the same question that it does not
cite (the "cited the wrong sentence" case). README, section "Written answers
from an LLM", gives the figures.

When a trained support head is installed in assistant/models/support
(`python train/train_support.py`; see `assistant.answer.support_head`), it
judges the sentence instead of that weighted sum: `Support.score` is then
its probability and `Support.threshold` its calibrated bar; the hard checks
still veto. It is not shipped: on held-out data it did not beat this
weighted sum (README, "Written answers from an LLM").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence, Union

import numpy as np

from assistant.answer.constraints import Mentions, mentions, missing, question_constraints
from assistant.outlets.conflicts.polarity import polarity_conflict
from assistant.outlets.conflicts.statement import Statement
from assistant.text import terms

if TYPE_CHECKING:
    from assistant.answer.support_head import SupportHead

SUPPORT_WEIGHT = 0.5  # share of the cosine; the rest is keyword overlap
SUPPORT_THRESHOLD = 0.59  # Youden-optimal at that weight on QuoteSum

# "According to the evidence, ..." / "According to reports, ...": words about citing, not the claim
ATTRIBUTION = re.compile(
    r"^\s*(?:according to|as reported by|as stated in)\s+(?:the\s+)?(?:cited\s+)?"
    r"(?:evidence|sources?|reports?|articles?|quotes?|passages?)\s*,\s*",
    re.IGNORECASE,
)
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
    if word != "_"  # "one" is a pronoun as often as a number
}
NUMBER_WORDS.update({w: str(10 * (i + 3)) for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split())})
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def numbers_in(text: str) -> frozenset[str]:
    """Numbers as digits: '250,000' -> '250000', 'Eighty' -> '80', '88.7' stays."""
    found = {match.replace(",", "").rstrip(".") for match in NUMBER.findall(text)}
    found.update(NUMBER_WORDS[w.lower()] for w in NUMBER_WORD.findall(text))
    return frozenset(found)


def overlap(sentence_terms: frozenset[str], evidence_terms: frozenset[str]) -> float:
    """Share of the sentence's content words that the evidence contains."""
    if not sentence_terms:
        return 0.0
    return len(sentence_terms & evidence_terms) / len(sentence_terms)


@dataclass
class Support:
    """The support of one sentence by a set of evidence sentences."""

    score: float  # what `threshold` is compared with: the head's probability, or `similarity` without the head
    cosine: float  # best cosine of the sentence with any one evidence sentence
    overlap: float  # share of its content words found in the evidence together
    missing_numbers: tuple[str, ...] = ()
    missing_names: tuple[str, ...] = ()  # names the sentence has and the evidence does not
    contradiction: str = ""  # what the sentence asserts that a cited sentence denies, or the reverse
    similarity: float = 0.0  # weight x cosine + (1 - weight) x overlap (the old score)
    threshold: float = SUPPORT_THRESHOLD
    judged_by: str = "similarity"  # or "support head"


def claim_of(sentence: str) -> str:
    """The sentence without a leading "According to the evidence," (which no evidence contains)."""
    return ATTRIBUTION.sub("", sentence, count=1)


def names_missing(sentence: str, texts: Sequence[str]) -> tuple[str, ...]:
    """The names of `sentence` that none of `texts` mentions (numbers are checked by `numbers_in`)."""
    names = [c for c in question_constraints(sentence) if not c.number]
    if not names:
        return ()
    return tuple(c.label for c in missing(names, Mentions.union(mentions(t) for t in texts)))


def contradiction(sentence: str, sentence_vector: np.ndarray, evidence: Sequence[str], evidence_vectors: np.ndarray) -> str:
    """The first polarity conflict between the sentence and one cited sentence ("" if none).

    No similarity gate: the citation says both are about the same thing (and a gate at a cosine
    would make the verdict flip between embedding backends for pairs near it)."""
    claim = Statement(sentence, sentence_vector)
    for text, vector in zip(evidence, evidence_vectors):
        found = polarity_conflict(claim, Statement(text, vector))
        if found:
            return f'"{found.claim_a}" against "{found.claim_b}"'
    return ""


SHIPPED = "shipped"  # `support(head=SHIPPED)`: the shipped support head when its weights file is there


def support(
    sentence: str,
    sentence_vector: np.ndarray,
    evidence: Sequence[str],
    evidence_vectors: np.ndarray,
    extra_terms: frozenset[str] = frozenset(),
    weight: float = SUPPORT_WEIGHT,
    context: Sequence[str] = (),
    head: Union["SupportHead", str, None] = SHIPPED,
) -> Support:
    """Score `sentence` against `evidence` together; `extra_terms` count as found (the outlets' names),
    and a name counts as found in `context` too (the cited sentences' neighbours, titles and outlets:
    "We have proposed ..." is the FSA's words two sentences after the FSA is named).
    `head=None` scores with the old weighted sum only."""
    if not evidence:
        return Support(0.0, 0.0, 0.0)
    claim = claim_of(sentence)
    cosine = float(np.max(evidence_vectors @ sentence_vector))
    evidence_terms = frozenset(t for text in evidence for t in terms(text)) | extra_terms
    share = overlap(frozenset(terms(claim)), evidence_terms)
    evidence_numbers = frozenset(n for text in evidence for n in numbers_in(text))
    missing_numbers = tuple(sorted(numbers_in(claim) - evidence_numbers))
    similarity = weight * cosine + (1 - weight) * share
    result = Support(
        similarity, cosine, share, missing_numbers,
        names_missing(claim, [*evidence, *context]),
        contradiction(claim, sentence_vector, evidence, evidence_vectors),
        similarity,
    )
    if head == SHIPPED:
        from assistant.answer.support_head import shipped_support_head

        head = shipped_support_head()
    if head is not None and not isinstance(head, str):
        result.score = head.probability(claim, evidence, result)
        result.threshold = head.threshold
        result.judged_by = "support head"
    return result


def hard_checks_pass(result: Support) -> bool:
    """Numbers, names and polarity: what a similarity cannot see, and a veto whoever judges the rest."""
    return not result.missing_numbers and not result.missing_names and not result.contradiction


def is_supported(result: Support, threshold: float | None = None) -> bool:
    """The hard checks pass and the score reaches `threshold` (default: the bar of whoever scored it)."""
    return hard_checks_pass(result) and result.score >= (result.threshold if threshold is None else threshold)
