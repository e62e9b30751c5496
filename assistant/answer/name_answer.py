"""Names in a quote that could answer a who / which / where question.

"Which wildly popular show was green lit for a new season?" is not answered
by "Netflix announced Sunday that the wildly popular South Korean show is
green lit for a second season", however closely it restates the question:
the show's name stands in the sentence before. So the composer asks
`new_names` whether a quote names anything the question does not, and the
conflict check between outlets compares the `answer_names` of their quotes
("in Cairo" against "in Geneva").

A name is a run of capitalised words ("Lieutenant Colonel Ahmad Saoud",
"University of Chicago", "Bed Bath & Beyond"), minus a leading function word
("The"), months and weekdays, datelines ("WASHINGTON –", "(CNN)"), a
sentence's lone first word ("Sales of ...": capitalised because it comes
first), adjective compounds ("Grammy-winning") and demonyms before a noun
("the Egyptian capital", "South Korean show"). Names the question already
uses do not count (restating the question is not answering it), nor the
setting most readers share ("US").

Offsets are into the quote, so `quote[start:end]` is the name, character for
character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.answer_types import answer_type
from assistant.answer.constraints import NOT_CONSTRAINTS, asking_part, plain
from assistant.outlets.conflicts.dates import MONTHS, WEEKDAYS
from assistant.text import stopwords

WHO = re.compile(
    r"^\W*(?:who|whom|whose)\b|\b(?:which|what) (?:person|man|woman|company|firm|group|team|organi[sz]ation|party|"
    r"leader|president|player|club|band|agency|network|channel|newspaper|militia|rebel group|official|minister)\b",
    re.IGNORECASE,
)
WHERE = re.compile(r"^\W*where\b|\bin (?:which|what) (?:city|country|town|state|province|region|place|district|area)\b", re.IGNORECASE)
# "Which show", "which of the companies", "what brand": a name is wanted ("what did", "what happened": not)
WHICH = re.compile(
    r"^\W*which\b|\bwhich\b(?!\s+(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|may|might)\b)|"
    r"\bwhat (?:company|country|city|state|team|show|series|film|movie|song|album|book|band|brand|product|app|"
    r"airline|network|channel|character|organi[sz]ation|group|party|agency|virus|disease|drug|vaccine|"
    r"storm|hurricane|planet|island|region|nation|retailer|store|restaurant|chain|platform|website|game)\b",
    re.IGNORECASE,
)
CONNECTOR = r"(?:of|de|del|da|di|du|la|le|von|van|bin|ibn|al|el|&|the|for)"  # not "and", "on": "Vietnam and Siti Aisyah", "Fox News on Sunday"
# initials keep their dots ("U.S."); any other dot ends a name ("Agence France-Presse.- Conflicting")
CAPITALISED_WORD = r"(?:[A-Z]\.(?:[A-Z]\.)+|[A-Z][\w’'&-]*|[a-z][A-Z][\w’'&-]*|al-[A-Z][\w’'-]*)"  # "iPhone" too
NAME_RUN = re.compile(rf"{CAPITALISED_WORD}(?:\s+(?:{CONNECTOR}\s+)*{CAPITALISED_WORD})*")
PLACE_BEFORE = re.compile(
    r"\b(?:in|at|to|near|from|outside|inside|into|across|toward|towards|throughout|within|around|via|visit(?:ed|ing|s)?)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:[\w-]+,\s+)?$",
    re.IGNORECASE,
)
DEMONYM = re.compile(r"(?:an|ian|ese|ish|i|ic|ch|ek|ss|ine)$")  # "Egyptian", "Iraqi", "French", "Greek", "Swiss", "Byzantine"
IRREGULAR_DEMONYMS = frozenset("arab dutch welsh thai swiss scots".split())
DIRECTION = frozenset("north south east west northern southern eastern western central latin".split())
NATIONALITY = re.compile(r"\bwhose\b|\b(?:country|nation)['’]s\b|\bnationality\b", re.IGNORECASE)
DATELINE = re.compile(r"[A-Z][A-Z.,' -]+\s*[–—-]\s|CNN\)")
ADJECTIVE_COMPOUND = re.compile(r"-[a-z]+$")
INNER_CAPITAL = re.compile(r".[A-Z0-9]")
PLACE_JUST_BEFORE = re.compile(r"\b(?:in|at|near|from|outside|inside|into)\s+(?:the\s+)?$", re.IGNORECASE)
POSSESSIVE = re.compile(r"['’]s?$")
CALENDAR = frozenset(MONTHS + WEEKDAYS)
SETTING = frozenset(word.lower() for word in NOT_CONSTRAINTS)  # "US", "American": news readers' setting, rarely an answer
HONORIFIC = frozenset("mr mrs ms dr sir".split())
WORDS = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class NameSpan:
    """[start, end) of a name inside the quote."""

    start: int
    end: int


def asks_for_name(question: str) -> str | None:
    """'place' for where / in which city (an answer after "in", "at", "near"), 'person' for who / which
    company, else None ("which airport", "which country is she from": any name may answer)."""
    asking = asking_part(question)
    if WHERE.search(asking):
        return "place"
    if WHO.search(asking):
        return "person"
    return None


def wants_a_name(question: str) -> bool:
    """Whether a name answers the question: who, where, which show, what company (not how many, not when)."""
    if answer_type(question) is not None:
        return False
    return asks_for_name(question) is not None or bool(WHICH.search(asking_part(question)))


def new_names(question: str, quote: str) -> list[NameSpan]:
    """The names in `quote` that the question does not already use (demonyms too when it asks "whose"
    or "which country's": "a Russian air strike" answers "Whose air strike ...?")."""
    asked = {_bare(word) for word in WORDS.findall(asking_part(question))}
    abbreviations = {word.lower() for word in re.findall(r"\b[A-Z]{2,}\b", plain(asking_part(question)))}
    nationality = bool(NATIONALITY.search(asking_part(question)))
    common = stopwords()
    found = []
    for span in _names(quote):
        words = [_bare(w) for w in WORDS.findall(plain(quote[span.start : span.end]))]  # "U.S." reads "US"
        if all(w in asked or w in common or w in SETTING for w in words) or _initials(words) in abbreviations:
            continue  # the question's own name ("United States" for "US"), or the setting most readers share ("US")
        following = re.match(r"\s+([a-z]+)", quote[span.end : span.end + 30])
        demonym_shaped = (DEMONYM.search(words[-1]) or words[-1] in IRREGULAR_DEMONYMS) and (len(words) == 1 or (len(words) == 2 and words[0] in DIRECTION))
        if not nationality and demonym_shaped and following and following.group(1) not in common and not following.group(1).endswith("ed"):
            continue  # "the French crown", "the South Korean show": a demonym before a noun
        found.append(span)
    return found


def answer_names(question: str, quote: str) -> list[NameSpan]:
    """The names in `quote` that stand where an answer to a who / where question does: for where, a name
    after a place preposition ("in Cairo", "in the Egyptian capital, Cairo"); for who, a name that is not
    right after one ("in Istanbul") and not a possessor ("Richard's fleet"). Empty for other questions."""
    kind = asks_for_name(question)
    if kind is None:
        return []
    found = []
    for span in new_names(question, quote):
        if POSSESSIVE.search(quote[span.start : span.end]):
            continue
        before = quote[max(0, span.start - 60) : span.start]
        if kind == "place" and PLACE_BEFORE.search(before):
            found.append(span)
        elif kind == "person" and not PLACE_JUST_BEFORE.search(before):  # "in Istanbul"; not "at Spanish side Sevilla"
            found.append(span)
    return found


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w not in stopwords()) if len(words) > 1 else ""


def _bare(word: str) -> str:
    return re.sub(r"['’]s?$", "", word.lower())


def _names(quote: str) -> list[NameSpan]:
    """Runs of capitalised words, trimmed of a leading function word or honorific; not dates, not a lone first word."""
    common = stopwords()
    spans = []
    for match in NAME_RUN.finditer(quote):
        start, text = match.start(), match.group()
        while True:  # "The Kremlin" -> "Kremlin"; "But Moscow" -> "Moscow"; "Monday Kremlin" -> "Kremlin"
            first = re.match(r"([\w’']+)\s+", text)
            if not first or first.group(1).lower() not in common | HONORIFIC | CALENDAR:
                break
            start += first.end()
            text = text[first.end() :]
        last = re.search(r"\s+([\w’']+)$", text)
        while last and last.group(1).lower() in CALENDAR:  # "the Denver Broncos Tuesday" -> "Denver Broncos"
            text = text[: last.start()]
            last = re.search(r"\s+([\w’']+)$", text)
        if DATELINE.match(quote[match.start() :]) and not quote[: match.start()].strip(" ("):
            continue  # "SAN FRANCISCO — Apple is...", "(CNN) Apple is...": where it was filed, not a name in the news
        words = [w.lower() for w in WORDS.findall(text)]
        if not words or all(w in common or w in CALENDAR for w in words):
            continue
        if ADJECTIVE_COMPOUND.search(text):
            continue  # "Grammy-winning", "Los Angeles-area": an adjective
        if len(words) == 1 and not quote[:start].strip(" \"'“‘(") and not INNER_CAPITAL.search(text):
            continue  # "Sales of the processed cheese...": capitalised only because it comes first ("AAA", "GasBuddy" are names)
        spans.append(NameSpan(start, start + len(text)))
    return spans
