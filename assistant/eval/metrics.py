"""Evaluation metrics: per-question scores and overall values with bootstrap intervals.

Everything here works on plain data (strings, doc_id lists, citation dicts), so
the same code scores NewsCite and the llama-index baseline, and the tests can
check exact values on hand-made cases. With no NLI model offline, "supported"
means what ALCE approximates with entailment: the citation comes from an
article known to support the answer, or it contains an acceptable answer or
a reference quote (normalised string containment).

Right, wrong, declined: an answer is right when a gold answer is found in one
of its quotes by `gold_found` (content words in any order, number words read
as numbers), the same rule for NewsCite and the baseline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

import numpy as np

# the comparison of texts and the gold-answer rule have modules of their own; imported here for their callers
from assistant.eval.gold import content_words, gold_found, gold_found_any  # noqa: F401
from assistant.eval.text import contains, contains_any, normalize  # noqa: F401

DEFAULT_KS = (1, 5)
BOOTSTRAP_SAMPLES = 1000
VERDICTS = ("right", "wrong", "declined")


def verdict(gold: Gold, abstained: bool, citations: Sequence["Cited"]) -> str:
    """"declined" (abstained), "right" (a gold answer found in a quote) or "wrong" (an answer to an unanswerable question too)."""
    if abstained:
        return "declined"
    if gold.answerable and gold_found_any((q for c in citations for q in c.quotes), gold.answers):
        return "right"
    return "wrong"


def ranked_unique(doc_ids: Iterable[str]) -> list[str]:
    """Doc ids in order of first appearance (chunks of one article count once)."""
    return list(dict.fromkeys(doc_ids))


def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the relevant doc ids among the first k distinct retrieved ones."""
    relevant = set(relevant)
    if not relevant:
        raise ValueError("recall needs at least one relevant doc_id")
    return len(relevant & set(ranked_unique(ranked)[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: Iterable[str]) -> float:
    """1 / rank of the first relevant doc id (0 when none was retrieved)."""
    relevant = set(relevant)
    for rank, doc_id in enumerate(ranked_unique(ranked), start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


@dataclass
class Gold:
    """What a question expects (the parts the metrics need)."""

    answers: list[str]
    doc_ids: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass
class Cited:
    """One citation as the metrics see it: its quotes (first the main one, then also_in) and their articles."""

    doc_ids: list[str]
    quotes: list[str]


def citation_supported(citation: Cited, gold: Gold) -> bool:
    """From a supporting article, or contains an acceptable answer or a reference quote."""
    if set(citation.doc_ids) & set(gold.doc_ids):
        return True
    return contains_any(citation.quotes, gold.answers) or contains_any(citation.quotes, gold.quotes)


@dataclass
class QuestionScore:
    """Every metric's ingredients for one question; None where a metric does not apply."""

    answerable: bool
    abstained: bool
    correct: bool | None  # answerable questions only
    first_quote_correct: bool | None  # answerable questions only: the first citation alone holds an answer
    recall: dict[int, float] | None  # k -> recall@k, questions with doc_ids only
    reciprocal_rank: float | None
    citations: int
    supported_citations: int
    quotes: int
    exact_quotes: int
    sources_expected: int  # supporting doc_ids of a question with two or more of them
    sources_cited: int
    latency: float
    conflict_expected: bool = False  # a question of type "conflict"
    conflict_flagged: bool = False  # the answer reports outlets disagreeing (Answer.conflicts)
    verdict: str = ""  # "right", "wrong" or "declined" (`verdict`): every question, unanswerable ones too
    near_miss: bool = False  # declined, showing the closest sentence (Answer.near_miss)

    @property
    def citation_precision(self) -> float | None:
        if not self.answerable or not self.citations:
            return None
        return self.supported_citations / self.citations

    @property
    def has_supported_citation(self) -> bool | None:
        return (self.supported_citations > 0) if self.answerable else None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["recall"] = {f"recall@{k}": v for k, v in (self.recall or {}).items()} or None
        data["citation_precision"] = self.citation_precision
        data["has_supported_citation"] = self.has_supported_citation
        return data


def score_question(
    gold: Gold,
    *,
    abstained: bool,
    answer_text: str,
    citations: Sequence[Cited],
    retrieved: Sequence[str],
    exact_quotes: int,
    quotes: int,
    latency: float,
    ks: Sequence[int] = DEFAULT_KS,
    conflict_expected: bool = False,
    conflict_flagged: bool = False,
    near_miss: bool = False,
) -> QuestionScore:
    """Score one answer against what the question expects."""
    answerable = gold.answerable
    correct = first_quote_correct = None
    if answerable:
        texts = [answer_text] + [q for c in citations for q in c.quotes]
        correct = (not abstained) and contains_any(texts, gold.answers)
        first_quote_correct = (not abstained) and bool(citations) and contains_any(citations[0].quotes, gold.answers)
    recall = rr = None
    if gold.doc_ids:
        recall = {k: recall_at_k(retrieved, gold.doc_ids, k) for k in ks}
        rr = reciprocal_rank(retrieved, gold.doc_ids)
    supported = sum(citation_supported(c, gold) for c in citations) if answerable else 0
    expected = set(gold.doc_ids) if len(set(gold.doc_ids)) >= 2 else set()
    cited_docs = {d for c in citations for d in c.doc_ids}
    return QuestionScore(
        answerable=answerable,
        abstained=abstained,
        correct=correct,
        first_quote_correct=first_quote_correct,
        recall=recall,
        reciprocal_rank=rr,
        citations=len(citations),
        supported_citations=supported,
        quotes=quotes,
        exact_quotes=exact_quotes,
        sources_expected=len(expected),
        sources_cited=len(expected & cited_docs),
        latency=latency,
        conflict_expected=conflict_expected,
        conflict_flagged=conflict_flagged,
        verdict=verdict(gold, abstained, citations),
        near_miss=near_miss,
    )


# --- aggregation ----------------------------------------------------------------------


@dataclass
class Metric:
    """An overall value with its 95% bootstrap interval and how many items it is over."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    def to_dict(self) -> dict:
        r = lambda v: None if v is None else round(float(v), 4)  # noqa: E731
        return {"value": r(self.value), "low": r(self.low), "high": r(self.high), "n": self.n}


# name -> (label, what it is over); the order is the report's order.
METRIC_LABELS: dict[str, str] = {
    "answer_accuracy": "answer accuracy (answerable questions)",
    "accuracy_all": "overall accuracy (abstaining counts as right on unanswerable)",
    "answered_precision": "precision when answering: right / (right + wrong)",
    "right_share": "right (share of all questions)",
    "wrong_share": "wrong (share of all questions)",
    "declined_share": "declined (share of all questions)",
    "first_quote_accuracy": "first quote holds the answer (answerable questions)",
    "mrr": "retrieval MRR over doc_ids",
    "citation_precision": "citation precision",
    "citation_recall": "citation recall",
    "source_coverage": "source coverage (questions with 2+ supporting articles)",
    "conflict_recall": "conflict questions whose answer flags a conflict",
    "conflict_false_alarms": "other questions whose answer flags a conflict",
    "quote_exactness": "quote exactness",
    "abstention_precision": "abstention precision",
    "abstention_recall": "abstention recall",
    "latency_median_ms": "latency median (ms)",
    "latency_p95_ms": "latency p95 (ms)",
}


def metric_names(ks: Sequence[int] = DEFAULT_KS) -> list[str]:
    names = list(METRIC_LABELS)
    return names[:6] + [f"recall@{k}" for k in ks] + names[6:]


def label(name: str) -> str:
    if name.startswith("recall@"):
        return f"retrieval {name} over doc_ids"
    return METRIC_LABELS.get(name, name)


def ratio_parts(scores: Sequence[QuestionScore], ks: Sequence[int] = DEFAULT_KS) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(numerator, denominator) per question for every ratio metric.

    A metric's value is sum(numerator) / sum(denominator), so resampling
    questions gives the bootstrap distribution of micro-averaged metrics
    (citation precision and quote exactness are shares of citations and
    quotes, not of questions).
    """
    parts: dict[str, list[tuple[float, float]]] = {name: [] for name in metric_names(ks) if not name.startswith("latency")}
    for s in scores:
        unanswerable = not s.answerable
        parts["answer_accuracy"].append((float(bool(s.correct)), float(s.answerable)))
        right = bool(s.correct) if s.answerable else s.abstained
        parts["accuracy_all"].append((float(right), 1.0))
        parts["answered_precision"].append((float(s.verdict == "right"), float(s.verdict in ("right", "wrong"))))
        for name in VERDICTS:
            parts[f"{name}_share"].append((float(s.verdict == name), 1.0))
        parts["first_quote_accuracy"].append((float(bool(s.first_quote_correct)), float(s.answerable)))
        for k in ks:
            value = s.recall.get(k) if s.recall else None
            parts[f"recall@{k}"].append((value or 0.0, float(value is not None)))
        parts["mrr"].append((s.reciprocal_rank or 0.0, float(s.reciprocal_rank is not None)))
        parts["citation_precision"].append((float(s.supported_citations), float(s.citations if s.answerable else 0)))
        parts["citation_recall"].append((float(bool(s.has_supported_citation)), float(s.answerable)))
        coverage = s.sources_cited / s.sources_expected if s.sources_expected else 0.0
        parts["source_coverage"].append((coverage, float(s.sources_expected > 0)))
        parts["conflict_recall"].append((float(s.conflict_flagged and s.conflict_expected), float(s.conflict_expected)))
        parts["conflict_false_alarms"].append((float(s.conflict_flagged and not s.conflict_expected), float(not s.conflict_expected)))
        parts["quote_exactness"].append((float(s.exact_quotes), float(s.quotes)))
        parts["abstention_precision"].append((float(s.abstained and unanswerable), float(s.abstained)))
        parts["abstention_recall"].append((float(s.abstained and unanswerable), float(unanswerable)))
    return {name: (np.array([p[0] for p in v]), np.array([p[1] for p in v])) for name, v in parts.items()}


def verdict_counts(scores: Sequence[QuestionScore]) -> dict[str, int]:
    """How many questions were answered right, wrong, declined, and declined with a near miss."""
    counts = {name: sum(1 for s in scores if s.verdict == name) for name in VERDICTS}
    counts["near_misses"] = sum(1 for s in scores if s.near_miss)
    counts["questions"] = len(scores)
    return counts


def bootstrap_indices(n: int, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> np.ndarray:
    """(samples, n) question indices drawn with replacement, reproducible by seed."""
    return np.random.default_rng(seed).integers(0, n, size=(samples, n))


def _interval(draws: np.ndarray) -> tuple[float | None, float | None]:
    draws = draws[~np.isnan(draws)]
    if not len(draws):
        return None, None
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high)


def ratio_metric(num: np.ndarray, den: np.ndarray, indices: np.ndarray | None) -> Metric:
    n = int(np.count_nonzero(den))
    if den.sum() == 0:
        return Metric(None, None, None, 0)
    value = float(num.sum() / den.sum())
    if indices is None:
        return Metric(value, None, None, n)
    sampled_den = den[indices].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = np.where(sampled_den > 0, num[indices].sum(axis=1) / np.where(sampled_den > 0, sampled_den, 1), np.nan)
    low, high = _interval(draws)
    return Metric(value, low, high, n)


def percentile_metric(values: np.ndarray, q: float, indices: np.ndarray | None) -> Metric:
    if not len(values):
        return Metric(None, None, None, 0)
    value = float(np.percentile(values, q))
    if indices is None:
        return Metric(value, None, None, len(values))
    low, high = _interval(np.percentile(values[indices], q, axis=1))
    return Metric(value, low, high, len(values))


def summarize(
    scores: Sequence[QuestionScore],
    ks: Sequence[int] = DEFAULT_KS,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> dict[str, Metric]:
    """Every metric over `scores`, with 95% percentile-bootstrap intervals (resampling questions)."""
    if not scores:
        return {name: Metric(None, None, None, 0) for name in metric_names(ks)}
    indices = bootstrap_indices(len(scores), samples, seed) if samples else None
    result = {name: ratio_metric(num, den, indices) for name, (num, den) in ratio_parts(scores, ks).items()}
    latency_ms = np.array([s.latency * 1000 for s in scores])
    result["latency_median_ms"] = percentile_metric(latency_ms, 50, indices)
    result["latency_p95_ms"] = percentile_metric(latency_ms, 95, indices)
    return {name: result[name] for name in metric_names(ks)}
