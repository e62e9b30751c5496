"""Do two outlets' statements contradict each other?

No NLI model runs offline here, so the detector reads what news
contradictions are made of, and only between statements that are about the
same thing (embedding cosine and shared content words above a gate):

- polarity: the same predicate asserted by one and negated by the other
  ("has rejected a Russian offer" vs "did not refuse a Russian offer"), with
  antonym classes so that "rejects" and "does not accept" agree and "turned
  down" and "didn't turn down" do not;
- numbers: different figures for the same quantity (same event and unit:
  "killing 12 policemen" vs "killing 11 policemen"), read with their hedges,
  so "nearly 250" agrees with 246 and "more than 30" with "at least 36", while
  the tallies "at least 72" and "at least 75" differ;
- dates and times: a different weekday, date, year or clock time for what is
  otherwise the same statement;
- names: a different agent for the same event ("killed by militancy" vs
  "killed, mainly Bashar al Assad regime"), or the same quotation put in
  different mouths.

Each check returns a `Finding` with a short label for each side, so that a
disagreement among many outlets can be shown as two (or more) camps.
"""
from __future__ import annotations

from typing import Iterable

from assistant.outlets.conflicts.dates import _dates, date_conflict
from assistant.outlets.conflicts.names import name_conflict
from assistant.outlets.conflicts.numbers import number_conflict, shared_figure
from assistant.outlets.conflicts.polarity import polarity_conflict
from assistant.outlets.conflicts.quantities import quantities
from assistant.outlets.conflicts.statement import CLASS_COSINE, SAME_STATEMENT_COSINE, Finding, Statement, _cosine, same_topic


def detect(a: Statement, b: Statement, cosine: float | None = None, focus: frozenset[str] = frozenset()) -> Finding | None:
    """A contradiction between two statements about the same thing, or None (`focus`: the question's terms)."""
    cosine = _cosine(a, b) if cosine is None else cosine
    if not same_topic(a, b, cosine, CLASS_COSINE):
        return None
    found = polarity_conflict(a, b, cosine, focus)
    if found or not same_topic(a, b, cosine):
        return found
    found = number_conflict(a, b)
    if found:
        return found
    if same_topic(a, b, cosine, SAME_STATEMENT_COSINE):
        return date_conflict(a, b) or name_conflict(a, b)
    if shared_figure(a, b):
        return name_conflict(a, b)  # the same toll, blamed on different agents
    return None


def claims_agree(a: Statement, b: Statement) -> bool:
    """Whether two similar sentences may count as one claim ("also reported by"): every figure either
    states, the other states too (hedges read as ranges: "nearly 250" and 246 agree, 2,500 and 250 do
    not; "killed 2,500 and injured 9,000" is not "killed 2,500"); their dates and clock times do not
    differ; neither names another agent for the same act or puts the same quotation in another mouth. Stricter than the absence of a conflict: a
    sentence with a figure is not corroborated by one without it."""
    qa, qb = quantities(a.text), quantities(b.text)
    if not all(any(x.compatible(y) for y in qb) for x in qa) or not all(any(y.compatible(x) for x in qa) for y in qb):
        return False
    da, db = _dates(a.text), _dates(b.text)
    if any(da[kind] and db[kind] and not da[kind] & db[kind] for kind in ("date", "weekday", "clock", "year")):
        return False
    return name_conflict(a, b) is None and number_conflict(a, b) is None  # another agent; one quotation, two speakers


def detect_all(statements: Iterable[Statement]) -> list[tuple[int, int, Finding]]:
    """Every contradicting pair among the statements, as (i, j, finding) with i < j."""
    items = list(statements)
    found = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            finding = detect(items[i], items[j])
            if finding:
                found.append((i, j, finding))
    return found
