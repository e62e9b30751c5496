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
  same slot, after or before the same words ("in Cairo" / "in Geneva",
  "Kirby said" / "Singh said"), or, when the two sentences are paraphrases
  of each other, when their names nearest the question's words differ.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.answer.name_answer import CALENDAR, POSSESSIVE, NameSpan, answer_names, asks_for_name, new_names, wants_a_name
from assistant.outlets.conflicts.same_entity import distinctive, named_in
from assistant.outlets.conflicts.statement import Finding, Statement
from assistant.text import nearest_to_words, terms

NUMBERED = re.compile(r"\s+\d")
ARTICLES = frozenset({"the", "a", "an"})
WORD = re.compile(r"[\w’'-]+")
ANSWER_COSINE = 0.4  # the same-topic gate for two sentences answering one question (dev split of data/answer_conflicts.jsonl)
PARAPHRASE_COSINE = 0.6  # above it, two sentences' names nearest the question are their answers, whatever their slots
SLOT_WORDS = 3  # words either side of a name that say which slot it fills


def answer_conflict(question: str, a: Statement, b: Statement) -> Finding | None:
    """Each sentence names a different answer to `question` in the same slot, or None."""
    if not wants_a_name(question):
        return None
    kind = asks_for_name(question) or "thing"
    asked = frozenset(terms(question))
    names_a, names_b = _names(question, a.text), _names(question, b.text)
    only_a = [x for x in names_a if not named_in(a.text[x.start : x.end], b.text, names_b, asked)]
    only_b = [y for y in names_b if not named_in(b.text[y.start : y.end], a.text, names_a, asked)]
    best_a = nearest_to_words(asked, a.text, names_a)
    best_b = nearest_to_words(asked, b.text, names_b)
    for x in only_a:
        for y in only_b:
            if _same_slot(a.text, x, b.text, y) or (x == best_a and y == best_b and _paraphrases(a, b)):
                name_a, name_b = a.text[x.start : x.end], b.text[y.start : y.end]
                # outlets naming the same answer stand on one side, however they word it
                stance_a, stance_b = " ".join(sorted(distinctive(name_a, asked))), " ".join(sorted(distinctive(name_b, asked)))
                return Finding("answer", _about(kind), name_a, name_b, f"answer:{kind}", stance_a, stance_b)
    return None


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
