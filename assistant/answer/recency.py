"""Questions about "this week" are answered from that week's articles first.

"Who became the new prime minister of the United Kingdom this week?", asked
in late October 2022, is about Rishi Sunak; an index holding years of news
also reports Liz Truss (September) and Boris Johnson (2019) becoming prime
minister, in sentences that match the question as closely. A question that
says which time it is about (today, yesterday, this week, in recent days,
recently, this month) is answered from the articles published in that
window up to the day it is asked (`as_of`: today unless told) when one of
them answers; otherwise from the articles of the HORIZON windows before it
(a month for "this week") and the undated ones: "The Revenant topped the box
office", from 2016, does not answer "this week" in 2022, and "the articles
don't say" is the honest answer then. When no dated article falls in that
horizon (an archive that does not reach that time), all articles answer, as
before. Articles without a publication date are never in the window.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np

from assistant.answer.constraints import asking_part
from assistant.index.store import IndexData

# the days before `as_of` each phrase reaches back; a day more than it says, for articles filed late
WINDOWS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"\b(?:today|tonight|yesterday|this (?:morning|afternoon|evening))\b", re.IGNORECASE), 2),
    (re.compile(r"\b(?:this|past) week(?:end)?\b|\bin (?:recent|the past few|the last few) days\b", re.IGNORECASE), 8),
    (re.compile(r"\blast week(?:end)?\b|\brecent(?:ly)?\b", re.IGNORECASE), 15),
    (re.compile(r"\b(?:this|past) month\b", re.IGNORECASE), 32),
    (re.compile(r"\blast month\b", re.IGNORECASE), 62),
]

HORIZON = 4  # how many windows back a time-relative question may still be answered from ("this week": a month)


def recent_days(question: str) -> int | None:
    """How many days back a time-relative question reaches ("this week": 8), or None when it names no such time."""
    for pattern, days in WINDOWS:
        if pattern.search(question):
            return days
    return None


def known_by(data: IndexData, as_of: date | None) -> np.ndarray | None:
    """Mask over `data.articles` of those a reader could have read on `as_of`: published that day or
    before, or undated. None when that is every article (always so for today's questions)."""
    if as_of is None:
        return None
    known = data.published_ordinals <= as_of.toordinal()  # undated: 0
    return None if known.all() else known


def window_start(question: str, as_of: date | None = None, windows: int = 1) -> date | None:
    """The first day of the question's time window ("this week": 7 days before `as_of`), or of `windows`
    such windows back; None when the question names no time. The asking sentence's phrase comes first."""
    days = recent_days(asking_part(question)) or recent_days(question)
    return None if days is None else (as_of or date.today()) - timedelta(days=windows * days - 1)


def published_between(data: IndexData, first: date, last: date) -> np.ndarray:
    """Mask over `data.articles` of those published from `first` to `last`, both included (undated: never)."""
    published = data.published_ordinals
    return (published >= first.toordinal()) & (published <= last.toordinal())


def recent_articles(data: IndexData, question: str, as_of: date | None = None) -> np.ndarray | None:
    """Mask over `data.articles` of those published in the question's window up to `as_of`;
    None when the question names no time or no article falls in the window."""
    first = window_start(question, as_of)
    if first is None:
        return None
    mask = published_between(data, first, as_of or date.today())
    return mask if mask.any() else None


def horizon_articles(data: IndexData, question: str, as_of: date | None = None) -> np.ndarray | None:
    """Mask over `data.articles` of those a time-relative question may be answered from at all: published
    in the HORIZON windows up to `as_of`, or undated. None when the question names no time or no dated
    article falls in that horizon (an archive that does not reach that time: every article)."""
    first = window_start(question, as_of, HORIZON)
    if first is None:
        return None
    dated = published_between(data, first, as_of or date.today())
    return (dated | (data.published_ordinals == 0)) if dated.any() else None
