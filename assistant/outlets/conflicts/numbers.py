"""Number conflicts: different figures for the same quantity (same event and unit), read with their hedges."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from assistant.outlets.conflicts.dates import WEEKDAYS
from assistant.outlets.conflicts.quantities import NUMBER, Quantity, _value, quantities
from assistant.outlets.conflicts.statement import Finding, Statement


def _same_quantity(a: Quantity, b: Quantity) -> bool:
    unit_a = "age" if a.unit in {"age", "age?"} else a.unit
    unit_b = "age" if b.unit in {"age", "age?"} else b.unit
    if unit_a != unit_b or not unit_a:
        return False
    if unit_a == "age":
        return bool(a.anchor and b.anchor and a.anchor & b.anchor)
    if a.event != b.event:
        return False
    if a.event:
        return True  # a count of the killed, injured, arrested, evacuated or missing
    if a.entity and b.entity and not a.entity & b.entity:
        return False  # "Labour ... 38 seats" and "VVD ... 31 seats": two parties
    # Any other figure must be about the same named thing, over the same period.
    return bool(a.entity & b.entity) and a.scoped == b.scoped


RELATIVE_TIME = re.compile(
    r"\b(?:yesterday|today|tonight|last (?:week|month|year|night)|earlier this (?:week|month|year)|the day before|recent days)\b",
    re.I,
)
COMPASS = re.compile(r"\b(?:north|south|east|west)(?:ern|east|west)?\b|\bcentral\b", re.I)
PLACE = re.compile(r"\b(?:in|at|near|from|outside)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:(?:city|town|province|region) of\s+)?([A-Z][\w-]+)")


@lru_cache(maxsize=8192)
def _anchors(text: str) -> set[str]:
    """Where and when a statement is set: places, weekdays, months, relative times, compass points."""
    found = {m.group(0).lower() for m in RELATIVE_TIME.finditer(text)}
    found |= {m.group(0).lower() for m in COMPASS.finditer(text)}
    found |= {d for d in WEEKDAYS if re.search(rf"\b{d}\b", text.lower())}
    found |= {m.group(1).lower() for m in PLACE.finditer(text)}
    return found


def different_settings(a: Statement, b: Statement) -> bool:
    """Both name a place or time the other lacks: likely two different events of one story."""
    only_a = {x for x in _anchors(a.text) if x not in b.text.lower()}
    only_b = {x for x in _anchors(b.text) if x not in a.text.lower()}
    return bool(only_a) and bool(only_b)


def _mentions(text: str, figure: Quantity, others: Sequence[Quantity]) -> bool:
    """Whether a statement also gives this figure: with any unit, or as the sum of two of its figures."""
    if any(figure.compatible(q) for q in others if q.unit == figure.unit):
        return True
    other_units = {q.low for q in others if q.unit and q.unit != figure.unit}
    values = [_value(m.group("value")) for m in NUMBER.finditer(text)]
    values = [v for v in values if v is not None and v not in other_units]
    if figure.low == figure.high and figure.low in values:
        return True  # "up from 9,000 on Sunday": the figure, given without its unit
    same = [q.low for q in others if q.unit == figure.unit or not q.unit or (figure.event and q.event == figure.event)]
    return any(figure.low <= x + y <= figure.high for i, x in enumerate(same) for y in same[i + 1 :])


def number_conflict(a: Statement, b: Statement) -> Finding | None:
    if different_settings(a, b):
        return None
    qa, qb = quantities(a.text), quantities(b.text)
    for x in qa:
        same_a = [q for q in qa if _same_quantity(q, x)]
        same_b = [q for q in qb if _same_quantity(q, x)]
        if not same_b:
            continue
        if any(p.compatible(q) for p in same_a for q in same_b):
            continue
        # A figure the other statement also gives (under any reading, or as a sum) is not a disagreement.
        if _mentions(b.text, x, qb) or all(_mentions(a.text, y, qa) for y in same_b):
            continue
        about = " ".join(filter(None, [x.unit.rstrip("?"), {"death": "killed", "injury": "injured", "arrest": "arrested", "evacuation": "evacuated"}.get(x.event, x.event)])) or "figure"
        y = same_b[0]
        return Finding(
            "number", about, same_a[0].text, y.text, f"number:{x.unit.rstrip('?')}:{x.event}:{'-'.join(sorted(x.anchor))}",
            _stance(same_a[0]), _stance(y),
        )
    return None


def _stance(q: Quantity) -> str:
    show = lambda v: f"{v:g}"  # noqa: E731
    if q.high == float("inf"):
        return f">={show(q.low)}"
    return show(q.low) if q.low == q.high else f"{show(q.low)}-{show(q.high)}"


def shared_figure(a: Statement, b: Statement) -> bool:
    """Both give the same figure for the same kind of thing ("more than 250,000 killed").

    A toll counts as the same figure whatever noun carries it ("250,000 people have been
    killed", "250,000 Syrians were killed"): the same number of the dead anchors two
    statements far more firmly than a cosine gate that embedding backends move by ~0.03.
    """
    return any(
        (_same_quantity(x, y) or (x.event and x.event == y.event and x.low == y.low)) and x.compatible(y)
        for x in quantities(a.text)
        for y in quantities(b.text)
    )
