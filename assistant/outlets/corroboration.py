"""Do two outlets report the same statement? The same quotation, the same sentence, or the same fact in other words."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.answer.extractive import jaccard
from assistant.outlets.comparison import Scored
from assistant.outlets.conflicts.dates import _dates
from assistant.outlets.conflicts.detect import claims_agree
from assistant.text import QUOTED_PASSAGES_OR_SINGLE, terms

COPY_JACCARD = 0.6  # wire copies repeat their sentences: only articles with such a pooled sentence are compared
SAME_FACT_COSINE = 0.6  # "the same fact in other words": cosine, with a shared date or figure
PARAPHRASE_COSINE = 0.8  # or this cosine with shared content words
SAME_QUOTE_SHARE = 0.6  # share of quoted words two quotations have in common
NEAR_THRESHOLD = 0.02  # cosines this near a threshold are taken again in fp32 (int8 moves them by up to ~0.02)


def same_statement(a: Scored, b: Scored, rare: frozenset[str] = frozenset()) -> bool:
    """The same quotation, the same sentence, or the same fact in other words; never two
    sentences whose figures, dates or names differ."""
    return alike(a, b, rare) and claims_agree(a.statement, b.statement)


def alike(a: Scored, b: Scored, rare: frozenset[str]) -> bool:
    quotes_a, quotes_b = _quotations(a.citation.quote), _quotations(b.citation.quote)
    if any(len(x & y) >= SAME_QUOTE_SHARE * min(len(x), len(y)) for x in quotes_a for y in quotes_b if x and y):
        return True
    if jaccard(a.sentence.terms, b.sentence.terms) >= 0.6:
        return True
    shared = a.sentence.terms & b.sentence.terms
    cosine = settled_cosine(a, b) if len(shared) >= 3 else float(a.statement.vector @ b.statement.vector)
    if cosine >= PARAPHRASE_COSINE and len(shared) >= 3:
        return True
    if cosine < SAME_FACT_COSINE or len(shared) < 3:
        return False
    # The same fact in other words: a shared figure or date, or two words the other sentences rarely use.
    return _shared_fact(a.citation.quote, b.citation.quote) or len(shared & rare) >= 2


def settled_cosine(a: Scored, b: Scored) -> float:
    """The two sentences' cosine, taken again from full-precision vectors when it falls near a threshold.

    The stored int8 vectors differ a little from fp32 (0.992-0.998 mean cosine by backend; onnxruntime's
    also move with their batch at index time), so a pair near PARAPHRASE_COSINE or SAME_FACT_COSINE would
    be one statement or two depending on the CPU's backend and how the articles were batched; fp32, one sentence a run, gives the same answer everywhere.
    """
    cosine = float(a.statement.vector @ b.statement.vector)
    if all(abs(cosine - threshold) > NEAR_THRESHOLD for threshold in (PARAPHRASE_COSINE, SAME_FACT_COSINE)):
        return cosine
    first, second = reference_vector(a.citation.quote), reference_vector(b.citation.quote)
    return float(first @ second) if first is not None and second is not None else cosine


@lru_cache(maxsize=4096)
def reference_vector(text: str):
    """A sentence's fp32 vector, embedded alone (None where no fp32 backend runs here)."""
    embedder = reference_embedder()
    return embedder.embed([text])[0] if embedder is not None else None


@lru_cache(maxsize=1)
def reference_embedder():
    from assistant.embed.onnx_embedder import OnnxEmbedder

    try:
        return OnnxEmbedder("onnx-fp32", batch_threads=1).warm_up()
    except Exception:  # noqa: BLE001 - any failure to load leaves the stored vectors to decide
        return None


@lru_cache(maxsize=8192)
def _quotations(text: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(terms(next(g for g in m.groups() if g))) for m in QUOTED_PASSAGES_OR_SINGLE.finditer(text))


@lru_cache(maxsize=8192)
def _facts(text: str) -> set[str]:
    """Figures, days, months and years a sentence states (the 'fact' two paraphrases must share)."""
    lower = text.lower()
    found = {m.replace(",", "") for m in re.findall(r"\b\d[\d,.]*\b", lower)}
    found |= set(re.findall(r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b", lower))
    found |= _dates(text)["weekday"]  # the weekdays the conflict checks read
    words = {"eighty": "80", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "ninety": "90"}
    found |= {words[w] for w in re.findall(r"\b(" + "|".join(words) + r")\b", lower)}
    return found


def _shared_fact(a: str, b: str) -> bool:
    return bool(_facts(a) & _facts(b))


def copy_candidates(pool: list[Scored]) -> list[int]:
    """Articles with a pooled sentence that nearly repeats one of another outlet's article.

    Only these can be wire copies of each other (copies repeat their sentences, and a repeated
    sentence scores alike in both); shingling every pooled article would cost ~3 ms an article.
    """
    docs: set[int] = set()
    for i, a in enumerate(pool):
        for b in pool[i + 1 :]:
            if a.source.key != b.source.key and a.sentence.doc != b.sentence.doc and jaccard(a.sentence.terms, b.sentence.terms) >= COPY_JACCARD:
                docs.update((a.sentence.doc, b.sentence.doc))
    return sorted(docs)
