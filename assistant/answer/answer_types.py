"""What kind of answer a question asks for, and whether a sentence holds one.

"How many miles from Earth was the asteroid?" is not answered by "A NASA
spacecraft has intentionally slammed into an asteroid", however closely it
restates the question: the quote must hold a number the question does not
(or a count in words: "one", "several", "hundreds"; a duration for "how
long": "seconds", "almost a month"). "When" and "what year" questions need
some time in the quote: a number, a date word, an era, or a temporal relation
("after the vote", "during the Second World War"), since news and
encyclopaedias answer "when" with events as often as with dates. "Which
country" needs a country the question does not name ("Mexico", "Iranian"), and
"which state" a state (assistant.answer.places): "Roslyn made
landfall near Santa Cruz in northern Nayarit state" does not say in which
country. Checked on the quoted sentence itself: the answer is what is quoted,
not a sentence near it. Other who / what / where questions are left to the
scorer: their answers are as often descriptions ("the mayor", "a footbridge")
as names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.constraints import asking_part, mentions
from assistant.answer.places import named
from assistant.answer.support import numbers_in

NUMBER_QUESTION = re.compile(
    r"\bhow (?:many|much|old|long|far|tall|high)\b|\bwhat (?:percentage|percent|proportion|share|number|amount|age)\b",
    re.IGNORECASE,
)
DURATION_QUESTION = re.compile(r"\bhow (?:long|old)\b", re.IGNORECASE)
DATE_QUESTION = re.compile(r"^\W*(?:when|(?:in |on |by )?(?:what|which) (?:year|date|day|month|decade|century))\b", re.IGNORECASE)
# "When a pathogen has been eaten it becomes trapped in what vesicle?": the "when" sets a scene, another word asks
WHEN_SETS_A_SCENE = re.compile(r"^\W*when\b.*\b(?:what|which|who|whom|whose|where|why|how)\b", re.IGNORECASE)
PLACE_QUESTIONS = {
    "country": re.compile(r"\b(?:which|what) (?:island )?(?:country|nation)\b", re.IGNORECASE),
    # not "province": ISO spells many of them in transliterations news does not use (Ḩimş for Homs)
    "state": re.compile(r"\b(?:which|what) (?:us |u\.s\. )?state\b(?! of)", re.IGNORECASE),
}
ERA = re.compile(r"\b\d+\s*(?:BC|BCE|AD|CE)\b|\b(?:AD|CE)\s*\d+\b")
WORDS = re.compile(r"[a-z]+")
# Counts in words answer "how many" too ("one", "several", "hundreds of people"); "many" does not
COUNT_WORDS = frozenset(
    "one several few hundred hundreds thousand thousands million millions billion billions trillion trillions "
    "dozen dozens half twice double triple".split()
)
DURATION_WORDS = frozenset("second seconds minute minutes hour hours day days week weeks month months year years decade decades century centuries".split())
DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday "
    "mondays tuesdays wednesdays thursdays fridays saturdays sundays "
    "today yesterday tomorrow tonight week month year decade century centuries ago spring summer autumn fall winter "
    "dynasty dynasties era reign war "
    "after before during until since following beginning end early late earlier later immediately once when while".split()
)


@dataclass(frozen=True)
class AnswerType:
    """The kind of answer asked for (`label`, as the abstention names it) and the question's own mentions."""

    label: str  # "number" | "date"
    asked_numbers: frozenset[str]  # what the question itself mentions: restating it is not answering it
    asked_words: frozenset[str]
    durations: bool = False  # "how long" / "how old": "seconds", "almost a month" answer too

    def met_by(self, sentence: str) -> bool:
        if numbers_in(sentence) - self.asked_numbers:
            return True
        words = frozenset(WORDS.findall(sentence.lower())) - self.asked_words
        if self.label == "number":
            return bool(words & COUNT_WORDS) or (self.durations and bool(words & DURATION_WORDS))
        return bool(ERA.search(sentence)) or bool(words & DATE_WORDS)


@dataclass(frozen=True)
class PlaceAnswer:
    """A country ("country") or a state ("state", of any country) other than those the question names itself."""

    label: str
    asked: frozenset[str]

    def met_by(self, sentence: str) -> bool:
        return bool(named(sentence, self.label) - self.asked)


def answer_type(question: str) -> AnswerType | None:
    """A number for "how many / how much / what percentage", a date for "when / what year", else None."""
    asking = asking_part(question)
    asked = (numbers_in(asking) | mentions(asking).numbers, frozenset(WORDS.findall(asking.lower())))
    if NUMBER_QUESTION.search(asking):
        return AnswerType("number", *asked, durations=bool(DURATION_QUESTION.search(asking)))
    if DATE_QUESTION.search(asking) and not WHEN_SETS_A_SCENE.search(asking):
        return AnswerType("date", *asked)
    return None


def place_answer(question: str) -> PlaceAnswer | None:
    """A country for "which country / what nation", a state for "which state", else None."""
    asking = asking_part(question)
    for label, pattern in PLACE_QUESTIONS.items():
        if pattern.search(asking):
            return PlaceAnswer(label, named(question, label))
    return None


def wanted_answer(question: str) -> AnswerType | PlaceAnswer | None:
    """What the quoted sentence itself must hold: a number, a date, a country or a state (or nothing said)."""
    return answer_type(question) or place_answer(question)
