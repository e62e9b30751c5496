"""Date and time conflicts: a different weekday, date, year or clock time for otherwise the same statement."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.outlets.conflicts.statement import Finding, Statement
from assistant.text import terms

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
]
MONTH = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sep(?:tember|t?\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
DATE = re.compile(rf"\b(?:(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})\b)")
YEAR = re.compile(r"\b(?:in|since|of|from|by|until)\s+(?P<year>1[89]\d\d|20\d\d)\b")
CLOCK = re.compile(r"\b(?P<h>\d{1,2})[:.](?P<m>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?", re.I)


def _dates(text: str) -> dict[str, set]:
    lower = text.lower()
    found: dict[str, set] = {
        "weekday": {d for d in WEEKDAYS if re.search(rf"\b{d}\b", lower)},
        "date": set(),
        "year": {m.group("year") for m in YEAR.finditer(text)},
        "clock": set(),
    }
    for match in DATE.finditer(text):
        month = (match.group("m1") or match.group("m2"))[:3].lower()
        day = int(match.group("d1") or match.group("d2"))
        found["date"].add((month, day))
    for match in CLOCK.finditer(text):
        hour, minute = int(match.group("h")), int(match.group("m"))
        ampm = (match.group("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        if hour < 24 and minute < 60:
            found["clock"].add((hour, minute))
    return found


@lru_cache(maxsize=8192)
def _date_frames(text: str) -> frozenset[str]:
    """Content stems just before each date or weekday: what happened then ("told Fox News on Sunday")."""
    found: set[str] = set()
    pattern = rf"((?:[\w’'-]+\s+){{1,4}})(?:on|at|since|in|by)?\s*(?:{'|'.join(WEEKDAYS)}|{MONTH}\s+\d|\d{{1,2}}\s+{MONTH}|\d{{1,2}}[:.]\d\d)"
    for match in re.finditer(pattern, text, re.I):
        found.update(terms(match.group(1)))
    return frozenset(found)


def date_conflict(a: Statement, b: Statement) -> Finding | None:
    da, db = _dates(a.text), _dates(b.text)
    if not _date_frames(a.text) & _date_frames(b.text):
        return None  # "told Fox News on Sunday" vs "the information we got on Friday": two different events
    for kind in ("date", "weekday", "clock", "year"):
        if da[kind] and db[kind] and not (da[kind] & db[kind]):
            show = lambda values: ", ".join(sorted(_show_date(kind, v) for v in values))  # noqa: E731
            return Finding("date", kind, show(da[kind]), show(db[kind]), f"date:{kind}")
    return None


def _show_date(kind: str, value) -> str:
    if kind == "date":
        return f"{value[0].title()} {value[1]}"
    if kind == "clock":
        return f"{value[0]:02d}:{value[1]:02d}"
    return str(value).title()
