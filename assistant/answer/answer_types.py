"""What kind of answer a question asks for, and whether a sentence holds one.

"How many miles from Earth was the asteroid?" is not answered by "A NASA
spacecraft has intentionally slammed into an asteroid", however closely it
restates the question: the quote must hold a number the question does not.
The same for "when" and "what year" (a date, a year, a weekday or a month)
questions. Checked on the quoted sentence itself: the answer is what is
quoted, not a sentence near it. Who / what / where questions are left to
the scorer: their answers are as often descriptions ("the mayor", "a
footbridge") as names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.constraints import asking_part, mentions
from assistant.answer.support import numbers_in

NUMBER_QUESTION = re.compile(
    r"\bhow (?:many|much|old|long|far|tall|high)\b"
    r"|\bwhat (?:percentage|percent|proportion|share|number|amount|age)\b",
    re.IGNORECASE,
)
DATE_QUESTION = re.compile(r"^\W*(?:when|(?:in |on |by )?(?:what|which) (?:year|date|day|month|decade|century))\b", re.IGNORECASE)
# "When a pathogen has been eaten it becomes trapped in what vesicle?": the "when" sets a scene, another word asks
WHEN_SETS_A_SCENE = re.compile(r"^\W*when\b.*\b(?:what|which|who|whom|whose|where|why|how)\b", re.IGNORECASE)
ERA = re.compile(r"\b\d+\s*(?:BC|BCE|AD|CE)\b|\b(?:AD|CE)\s*\d+\b")
YEAR = re.compile(r"^(?:1[0-9]|20)\d\d$")
# Counts in words answer "how many" too: "hundreds of people", "a dozen", "millions"
COUNT_WORDS = re.compile(r"\b(?:hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|twice|double|triple)\b", re.IGNORECASE)
WORDS = re.compile(r"[a-z]+")
DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday "
    "today yesterday tomorrow tonight week month year decade century centuries ago spring summer autumn fall winter "
    "dynasty dynasties era reign".split()
)


@dataclass(frozen=True)
class AnswerType:
    """The kind of answer asked for (`label`, as the abstention names it) and the question's own mentions."""

    label: str  # "number" | "date"
    asked_numbers: frozenset[str]  # what the question itself mentions: restating it is not answering it
    asked_words: frozenset[str]

    def met_by(self, sentence: str) -> bool:
        new_numbers = numbers_in(sentence) - self.asked_numbers
        if self.label == "number":
            return bool(new_numbers) or bool(COUNT_WORDS.search(sentence))
        words = frozenset(WORDS.findall(sentence.lower()))
        return (any(YEAR.match(n) for n in new_numbers) or bool(ERA.search(sentence))
                or bool((words - self.asked_words) & DATE_WORDS))


def answer_type(question: str) -> AnswerType | None:
    """A number for "how many / how much / what percentage", a date for "when / what year", else None."""
    asking = asking_part(question)
    if NUMBER_QUESTION.search(asking):
        kind = "number"
    elif DATE_QUESTION.search(asking) and not WHEN_SETS_A_SCENE.search(asking):
        kind = "date"
    else:
        return None
    return AnswerType(kind, numbers_in(asking) | mentions(asking).numbers, frozenset(WORDS.findall(asking.lower())))
