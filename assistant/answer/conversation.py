"""Follow-up questions: rewrite them with the context of earlier turns.

"What did he say about elections?" means nothing on its own. Without an
LLM, a follow-up is rewritten by rules: a personal pronoun is replaced by the
name it most likely points to (a name from the previous question, else from
the previous answer's quotes), and an elliptic follow-up ("and in Aleppo?")
is searched together with the previous question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.model import Answer

PERSON_PRONOUNS = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
GROUP_PRONOUNS = re.compile(r"\b(they|them|their|theirs)\b", re.IGNORECASE)
OTHER_REFERENCES = re.compile(r"\b(it|its|this|that|these|those|there|then)\b", re.IGNORECASE)
# "did he", "does she", "was he", "has she": a person the question itself does not name.
SUBJECT_PRONOUN = re.compile(r"\b(did|does|do|is|was|were|are|has|have|had|will|would|can|could)\s+(he|she|they)\b", re.IGNORECASE)
NATIONALITY = re.compile(r"[A-Z][a-z]+(?:ian|ean|can|ese|ish|i)")  # Russian, Chinese, British, Iraqi: adjectives, not referents
ELLIPTIC_OPENERS = re.compile(r"^\s*(and|but|also|what about|how about|why|so)\b", re.IGNORECASE)
NAME = re.compile(r"\b(?:[A-Z][\w’'-]+)(?:\s+(?:al-|Al-|bin\s|de\s)?[A-Z][\w’'-]+)*")
QUESTION_WORDS = {"What", "Who", "Whom", "Whose", "Where", "When", "Why", "How", "Which", "Did", "Does", "Do", "Is", "Are", "Was", "Were", "Has", "Have", "Can", "Could", "Will", "Would", "And", "But", "So", "The", "A", "An", "In", "On"}
GROUP_WORDS = re.compile(r"\b(Army|Coalition|Front|Division|Group|Council|Ministry|Department|Government|Forces|Rebels|Party|Agency|Union|Nations)\b")


def is_follow_up(question: str) -> bool:
    """An elliptic opener, a subject pronoun ("what did he say"), or a pronoun with nothing
    in the question it could point to ("its" in "When did Russia start its campaign?" points to Russia)."""
    if ELLIPTIC_OPENERS.search(question) or SUBJECT_PRONOUN.search(question):
        return True
    has_pronoun = any(p.search(question) for p in (PERSON_PRONOUNS, GROUP_PRONOUNS, OTHER_REFERENCES))
    return has_pronoun and not [n for n in names(question) if not NATIONALITY.fullmatch(n)]


def names(text: str) -> list[str]:
    """Capitalised names in order of appearance, without sentence-initial question words."""
    found = []
    for match in NAME.finditer(text):
        words = [w for w in match.group().split() if w not in QUESTION_WORDS]
        if words:
            found.append(" ".join(words))
    return list(dict.fromkeys(found))


def _pick(candidates: list[str], group: bool) -> str | None:
    for name in candidates:
        if bool(GROUP_WORDS.search(name)) == group:
            return name
    return None


def _referent(previous_question: str, previous_answer: Answer, group: bool) -> str | None:
    quoted = [n for c in previous_answer.citations for n in names(c.quote)]
    return _pick(names(previous_question), group) or _pick(quoted, group)


@dataclass
class Conversation:
    """The turns so far; `condense` turns a follow-up into a standalone search query."""

    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def condense(self, question: str) -> str:
        if not self.turns or not is_follow_up(question):
            return question
        previous_question, previous_answer = self.turns[-1]
        previous = previous_answer.query or previous_question
        rewritten = question
        for pattern, group in ((PERSON_PRONOUNS, False), (GROUP_PRONOUNS, True)):
            referent = _referent(previous, previous_answer, group)
            if referent:
                rewritten = pattern.sub(lambda m: _replace(m.group(), referent), rewritten)
        if rewritten != question and not OTHER_REFERENCES.search(rewritten) and not ELLIPTIC_OPENERS.search(rewritten):
            return rewritten
        return with_context(rewritten, previous)

    def quoted(self) -> frozenset[tuple[str, int, int]]:
        """(doc_id, start, end) of every quote so far: a follow-up should tell something new."""
        return frozenset((c.doc_id, c.start, c.end) for _, answer in self.turns for c in answer.citations)

    def add(self, question: str, answer: Answer) -> None:
        self.turns.append((question, answer))

    def clear(self) -> None:
        self.turns.clear()


def with_context(follow_up: str, previous: str) -> str:
    """A follow-up searched together with the previous question: "and in Aleppo? (Who ...?)"."""
    return f"{follow_up} ({previous})"


def own_part(query: str) -> str:
    """The user's follow-up without the previous question `with_context` appended."""
    return query.split(" (", 1)[0] if query.endswith(")") and " (" in query else query


def _replace(pronoun: str, referent: str) -> str:
    return f"{referent}'s" if pronoun.lower() in {"his", "hers", "their", "theirs"} else referent
