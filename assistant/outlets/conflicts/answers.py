"""Different answers: two outlets name a different place, person or organisation for what the question asks.

"Where will the talks be held?" -- one outlet quotes "talks ... in Cairo",
another "talks ... in Geneva". Neither sentence contradicts the other's
wording (no negation, no figure), so the statement checks in `detect` cannot
see it; only the question says that both sentences fill the same slot. So
this check is asked per question, of two sentences about the same thing:

- the names each sentence gives where an answer stands
  (`assistant.answer.name_answer.answer_names`: for where, names after a
  place preposition; for who, names that are not places; for which-X
  questions, any name the question does not use);
- a name counts as given by both when the other sentence names the same
  entity in any form (`same_entity.named_in`: "Donald Trump" / "Trump",
  "Free Syrian Army" / "FSA", "Qaeda" / "Qaida", "Moscow" / "Russia");
- the answers differ when each sentence has a name the other lacks in the
  same slot: the same slot of the dependency parse
  (`assistant.outlets.conflicts.slots`: who said it, whom it was told to,
  the doer or object of the same verb, the same preposition of the same
  word: "the Kremlin said" / "RIA news agency reports", "to Macau" / "to
  Beijing"), or after or before the same words ("in Cairo" / "in Geneva",
  "Kirby said" / "Singh said"), or, when the two sentences are paraphrases
  of each other, their names nearest the question's words;
- who said it and who did it are different slots: "Will Smith slapped" and
  "according to The Arizona Republic" are not two answers to "Who slapped
  Chris Rock?".

Measured by bench/answer_conflicts.py on data/answer_conflicts.jsonl
(docs/outlets.md has the figures): on the dev split the parse's slots took
precision from 0.83 to 0.92 at the same recall (0.76); on the test split
they did not carry over (precision 0.74, recall 0.58, against 0.78 / 0.58
before), short of the 0.8 / 0.8 target. A rounded figure ("about 250,000")
is never a different answer: this check takes names only (`wants_a_name`),
and figures are the number check's (`conflicts.numbers`), which reads
rounding; a fuller name ("Sergei Lavrov" / "Lavrov") is the same entity
(`same_entity.named_in`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from assistant.answer.name_answer import CALENDAR, POSSESSIVE, NameSpan, answer_names, asks_for_name, new_names, wants_a_name
from assistant.answer.analysis import QuestionAnalysis, analyse
from assistant.outlets.attribution import drop_possessor
from assistant.outlets.conflicts.same_entity import distinctive, named_in
from assistant.outlets.conflicts.slots import Filled, answer_slots, fillers, same_slot
from assistant.outlets.conflicts.statement import Finding, Statement
from assistant.text import nearest_to_words, terms

NUMBERED = re.compile(r"\s+\d")
ARTICLES = frozenset({"the", "a", "an"})
WORD = re.compile(r"[\w’'-]+")
ANSWER_COSINE = 0.4  # the same-topic gate for two sentences answering one question (dev split of data/answer_conflicts.jsonl)
PARAPHRASE_COSINE = 0.6  # above it, two sentences' names nearest the question are their answers, whatever their slots
SLOT_WORDS = 3  # words either side of a name that say which slot it fills
SPEECH = frozenset({"source", "recipient"})


@dataclass(frozen=True)
class Candidate:
    """A name of one sentence that may answer: where it stands, its slot in the parse (None without one),
    its entity type, and which reading found it (the word windows' names, the parse's slots, or both)."""

    start: int
    end: int
    text: str
    filled: Filled | None
    kind: str
    by_words: bool
    by_parse: bool

    @property
    def role(self) -> str | None:
        return self.filled.slot.role if self.filled is not None else None


def answer_conflict(question: str, a: Statement, b: Statement) -> Finding | None:
    """Each sentence names a different answer to `question` in the same slot, or None.

    A pair of names, one of each sentence and neither named in the other in any form, are two answers
    when the parse puts them in the same slot (`slots.same_slot`), or the words around them do
    (`_same_slot`), or each is its sentence's name nearest the question's words and the sentences are
    paraphrases of each other. Who said it, whom it was told to and who did it are three slots: a
    speaker and a doer are never two answers to one question."""
    if not wants_a_name(question):
        return None
    kind = asks_for_name(question) or "thing"
    asked = frozenset(terms(question))
    analysis = _analysis(question)
    place = analysis is not None and analysis.wanted == "place"
    names_a, names_b = _names(question, a.text), _names(question, b.text)
    only_a = _own_candidates(question, analysis, a.text, names_a, b.text, names_b, asked)
    only_b = _own_candidates(question, analysis, b.text, names_b, a.text, names_a, asked)
    best_a = nearest_to_words(asked, a.text, names_a)
    best_b = nearest_to_words(asked, b.text, names_b)
    for x in only_a:
        for y in only_b:
            if _speech_clash(x, y):
                continue
            if (
                (x.by_parse and y.by_parse and same_slot(x.filled, y.filled, place))
                or (x.by_words and y.by_words and _same_slot(a.text, x, b.text, y))
                or (_at(x, best_a) and _at(y, best_b) and _paraphrases(a, b))
            ):
                return _finding(kind, asked, x.text, y.text)
    return None


def _own_candidates(
    question: str,
    analysis: QuestionAnalysis | None,
    text: str,
    names: Sequence[NameSpan],
    other: str,
    other_names: Sequence[NameSpan],
    asked: frozenset[str],
) -> list[Candidate]:
    """The names of `text` that may answer and that `other` does not name: the word windows' names
    (`_names`) and the parse's names in a slot the question asks about (`slots.answer_slots`)."""
    filled = fillers(text)
    slotted = {(f.start, f.end): f for f in answer_slots(analysis, question, filled)}
    other_spans = list(other_names) + [NameSpan(f.start, f.end) for f in fillers(other)]
    found: list[Candidate] = []
    for start, end in dict.fromkeys([(n.start, n.end) for n in names] + list(slotted)):
        by_words = any((n.start, n.end) == (start, end) for n in names)
        own = slotted.get((start, end)) or next((f for f in filled if f.start < end and start < f.end), None)
        name = text[start:end]
        if POSSESSIVE.search(name):
            continue  # "Chairman Burr's committee": the committee answers, not its owner
        # a speaker is compared without its possessor: "Malaysia's health minister" / "Malaysia's police chief"
        parsed = (start, end) in slotted
        compared = drop_possessor(name) if parsed and own.slot.role in SPEECH else name
        # the word windows' names are compared with the other's names as those windows read them
        if distinctive(compared, asked) and not named_in(compared, other, other_spans if parsed else other_names, asked):
            found.append(Candidate(start, end, name, own, own.kind if own is not None else "", by_words, parsed))
    return found


def _at(candidate: Candidate, span: NameSpan | None) -> bool:
    return span is not None and (candidate.start, candidate.end) == (span.start, span.end)


def _speech_clash(x: Candidate, y: Candidate) -> bool:
    """One is who said it (or whom it was told to), the other is not: "Smith slapped" / "according to The
    Arizona Republic"."""
    return (x.role in SPEECH or y.role in SPEECH) and x.role != y.role


def _finding(kind: str, asked: frozenset[str], name_a: str, name_b: str) -> Finding:
    # outlets naming the same answer stand on one side, however they word it
    stance_a, stance_b = " ".join(sorted(distinctive(name_a, asked))), " ".join(sorted(distinctive(name_b, asked)))
    return Finding("answer", _about(kind), name_a, name_b, f"answer:{kind}", stance_a, stance_b)


@lru_cache(maxsize=256)
def _analysis(question: str) -> QuestionAnalysis | None:
    return analyse(question)


@lru_cache(maxsize=1024)
def _names(question: str, text: str) -> tuple[NameSpan, ...]:
    """Names that may answer, possessors aside ("Europe's top court": the court answers). Cached: the
    comparer pairs each pooled sentence with every other one."""
    spans = answer_names(question, text) if asks_for_name(question) else new_names(question, text)
    return tuple(
        _owned(text, span) for span in spans
        if not POSSESSIVE.search(text[span.start : span.end]) and not NUMBERED.match(text, span.end)
    )  # "Game 4", "Division 13": a numbered part, not an answer's name


def _owned(text: str, span: NameSpan) -> NameSpan:
    """"Saudi Arabia's King Salman" -> "King Salman": the name after a possessor, unless it is only a
    generic head ("Niagara County Sheriff's Office" stays whole)."""
    owner = re.search(r"['’]s\s+", text[span.start : span.end])
    if owner and distinctive(text[span.start + owner.end() : span.end], frozenset()):
        return NameSpan(span.start + owner.end(), span.end)
    return span


def _context(text: str, span: NameSpan) -> tuple[frozenset[str], frozenset[str]]:
    """The words just before and just after a name (its slot): lower case and stemmed, articles aside."""
    before = " ".join(WORD.findall(text[: span.start])[-SLOT_WORDS:])
    after = " ".join(WORD.findall(text[span.end :])[:SLOT_WORDS])
    return _slot_words(before), _slot_words(after)


def _slot_words(words: str) -> frozenset[str]:
    lowered = [w for w in words.lower().split() if w not in CALENDAR]  # "Tuesday" says when, not which slot
    return frozenset(w for w in lowered if w not in ARTICLES) | frozenset(terms(" ".join(lowered)))


def _same_slot(text_a: str, x: NameSpan, text_b: str, y: NameSpan) -> bool:
    before_a, after_a = _context(text_a, x)
    before_b, after_b = _context(text_b, y)
    return bool(before_a & before_b) or bool(after_a & after_b)


def _about(kind: str) -> str:
    return {"place": "where", "person": "who"}.get(kind, "which")


def _paraphrases(a: Statement, b: Statement) -> bool:
    """The two sentences say the same thing in other words, so their names nearest the question answer it."""
    return a.vector is not None and b.vector is not None and float(a.vector @ b.vector) >= PARAPHRASE_COSINE
