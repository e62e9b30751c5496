"""Follow-up questions: rewrite them with the context of earlier turns.

"What did he say about elections?" means nothing on its own. Without an
LLM, a follow-up (a question with a pronoun or an elliptic opener) is
searched together with the previous question and the names in the previous
answer's quotes, which is where "he" most likely points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.types import Answer

FOLLOW_UP_WORDS = re.compile(
    r"\b(he|she|they|him|her|them|his|hers|their|theirs|it|its|this|that|these|those|there|then)\b",
    re.IGNORECASE,
)
FOLLOW_UP_OPENERS = re.compile(r"^\s*(and|but|also|what about|how about|why|so)\b", re.IGNORECASE)
NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:al-|Al-)?[A-Z][a-z]+)+\b")
MAX_NAMES = 4


def is_follow_up(question: str) -> bool:
    return bool(FOLLOW_UP_WORDS.search(question) or FOLLOW_UP_OPENERS.search(question))


def names_in(answer: Answer) -> list[str]:
    """Multi-word capitalised names in the answer's quotes, most frequent first."""
    found: dict[str, int] = {}
    for citation in answer.citations:
        for name in NAME.findall(citation.quote):
            found[name] = found.get(name, 0) + 1
    return sorted(found, key=lambda n: -found[n])[:MAX_NAMES]


@dataclass
class Conversation:
    """The turns so far; `condense` turns a follow-up into a standalone search query."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def condense(self, question: str) -> str:
        if not self.turns or not is_follow_up(question):
            return question
        previous_question, previous_answer = self.turns[-1]
        context = [previous_answer.query or previous_question, *names_in(previous_answer)]
        return f"{question} ({'; '.join(context)})"

    def add(self, question: str, answer: Answer) -> None:
        self.turns.append((question, answer))

    def clear(self) -> None:
        self.turns.clear()
