"""Which slot of its sentence a name fills, read from the dependency parse (spaCy's English pipeline).

Two outlets answer one question differently when each names, in the slot
the question asks about, something the other does not: "talks will be held
in Cairo" / "talks will take place in Geneva" (the place of "hold" / "take
place"), "Malaysia's health minister said" / "Malaysia's police chief said"
(who said it), "The Federal Reserve raised" / "The European Central Bank
raised" (who did it). The words right beside a name do not tell its slot
("Puerto Rico" is what Fiona "reached", "the Dominican Republic" the coast
it made landfall "along"); the parse does:

- `source`: who the sentence's words come from: the subject of a speech verb
  ("the Kremlin said", "AFP reported"), the object of "according to";
- `recipient`: whom they were told to ("told Fox News", "speaking to CBS");
- otherwise the name's grammatical role with the word it depends on: the
  doer of a verb (its subject, or "by" in the passive), what is done to
  (object, or passive subject), a preposition with its head ("in" of
  "flood"), or a noun it qualifies ("Russian air strike").

Two slots are the same when their roles agree and their heads are the same
word, one word's derivation, or one ending the other ("strike" / "airstrike");
for "where", the same place preposition is enough. Which slots may answer
depends on the question (`answer_slots`): who spoke for "who said / which
agency reported / who gave the figure", never otherwise. Without the
pipeline, `fillers` returns nothing and the word-window check of
`assistant.outlets.conflicts.answers` stands alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.answer.analysis import PARSES, QuestionAnalysis, named_spans, span_text
from assistant.outlets.speaker_parse import SPEECH_LEMMAS

NOT_ANSWERS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})
PLACE_PREPOSITIONS = frozenset("in at near outside inside from into across along to on off over".split())
PLACE_KINDS = frozenset({"GPE", "LOC", "FAC"})
MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod"})
SOURCE_WORDS = frozenset({"source", "report", "say", "tell", "announce", "reveal", "cite", "give", "confirm", "speak"})
RECIPIENT_VERBS = frozenset({"tell", "speak", "talk", "give"})
# what a source writes rather than who: "Mr Musk's statement said" is Mr Musk's
DOCUMENTS = frozenset("statement report letter tweet post filing website release announcement study survey data account".split())
SPEECH_WORDS = re.compile(
    r"\b(?:say|says|said|tell|tells|told|give|gives|gave|announce[sd]?|report(?:s|ed)?|source|according|"
    r"confirm(?:s|ed)?|reveal(?:s|ed)?|cite[sd]?|speak|speaks|spoke)\b",
    re.I,
)
PRONOUNS = frozenset("he she it they we i you this that who which".split())
MIN_STEM = 5


@dataclass(frozen=True)
class Slot:
    """A role and the word it is a role of: ("agent", "raise"), ("in", "flood"), ("source", "")."""

    role: str
    head: str = ""

    def matches(self, other: "Slot") -> bool:
        if self.role != other.role:
            return False
        if self.role in {"source", "recipient"}:
            return True
        return _same_word(self.head, other.head)


@dataclass(frozen=True)
class Filled:
    """A name and the slot it fills: [start, end) in the sentence."""

    start: int
    end: int
    text: str
    slot: Slot
    kind: str  # the entity type ("GPE", "PERSON", ...), "" when the tagger gives none


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    stem = min(len(a), len(b)) - 1
    return stem >= MIN_STEM and (a[:stem] == b[:stem] or a.endswith(b) or b.endswith(a))


@lru_cache(maxsize=4096)
def fillers(text: str) -> tuple[Filled, ...]:
    """The names of a sentence with their slots (and who it says its words come from), or () without the pipeline."""
    doc = PARSES(text)
    if doc is None:
        return ()
    offset = doc[0].idx if len(doc) else 0
    found: dict[tuple[int, int], Filled] = {}
    for span in named_spans(doc):
        if span.root.ent_type_ in NOT_ANSWERS or all(t.pos_ == "NUM" for t in span):
            continue
        slot = slot_of(span.root)
        if slot is not None:
            words = _trimmed(span)
            found[(words.start_char, words.end_char)] = Filled(
                words.start_char - offset, words.end_char - offset, span_text(span), slot, span.root.ent_type_
            )
    for token in doc:  # a source need not be a name: "officials", "Malaysia's police chief"
        if token.pos_ in {"NOUN", "PROPN"} and token.lower_ not in PRONOUNS and _is_source(token):
            owner = next((t for t in token.children if t.dep_ == "poss" and t.pos_ == "PROPN"), None)
            if token.lemma_.lower() in DOCUMENTS and owner is not None:
                token = owner  # "Mr Musk's statement added": Mr Musk
            phrase = doc[min(t.i for t in token.subtree if t.dep_ in MODIFIER_DEPS | {"det"} or t == token) : token.i + 1]
            phrase = _trimmed(phrase)
            key = (phrase.start_char, phrase.end_char)
            if not any(s <= key[0] < e or key[0] <= s < key[1] for s, e in found if found[(s, e)].slot.role == "source"):
                found[key] = Filled(key[0] - offset, key[1] - offset, phrase.text, Slot("source"), token.ent_type_)
    return tuple(sorted(found.values(), key=lambda f: f.start))


def _trimmed(span: Any) -> Any:
    words = [t for t in span if not (t.i == span.start and t.lower_ in {"the", "a", "an"})]
    return span.doc[words[0].i : words[-1].i + 1] if words else span


def _is_source(token: Any) -> bool:
    head = token.head
    if token.dep_ == "compound" and head.lower_ == "reports" and _last_word(head):
        return True  # "..., RIA news agency reports.": the tagger reads "reports" as a noun
    if token.dep_ in {"nsubj"} and head.lemma_.lower() in SPEECH_LEMMAS:
        return True
    if token.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ == "according":
        return True
    return token.dep_ == "pobj" and head.lower_ == "by" and head.dep_ == "agent" and head.head.lemma_.lower() in SPEECH_LEMMAS


def _last_word(token: Any) -> bool:
    return all(t.is_punct for t in token.doc[token.i + 1 :])


def slot_of(token: Any) -> Slot | None:
    """The slot a name (by its head word) fills in its sentence."""
    for _ in range(3):  # through an apposition or a title to the noun that has the role
        if token.dep_ == "appos" or (token.dep_ == "compound" and token.head.pos_ == "PROPN"):
            token = token.head
        else:
            break
    head = token.head
    dep = token.dep_
    if _is_source(token):
        return Slot("source")
    if dep in {"dobj", "dative"} and head.lemma_.lower() in RECIPIENT_VERBS:
        return Slot("recipient")
    if dep == "pobj" and head.lower_ == "to" and head.head.lemma_.lower() in RECIPIENT_VERBS:
        return Slot("recipient")
    if dep == "nsubj":
        return Slot("agent", head.lemma_.lower())
    if dep == "pobj" and head.lower_ == "by" and head.dep_ == "agent":
        return Slot("agent", head.head.lemma_.lower())
    if dep in {"nsubjpass", "dobj"}:
        return Slot("patient", head.lemma_.lower())
    if dep == "pobj":
        return Slot(head.lower_, head.head.lemma_.lower())
    if dep in MODIFIER_DEPS and head.pos_ in {"NOUN", "PROPN"}:
        return Slot("of", head.lemma_.lower())
    if dep == "attr":
        return Slot("is", head.lemma_.lower())
    return None


def asks_source(question: QuestionAnalysis | None, text: str) -> bool:
    """Whether the question asks whose words these are ("Who said ...", "Which agency reported ...", "Who
    gave the figure"): then only who speaks (or whom it was told) answers it; otherwise who speaks never does."""
    words = set(text.lower().replace("?", " ").split())
    if words & {"source", "sources", "reported", "according"}:
        return True
    if question is None or question.relation is None:  # the parse missed the relation: the question's words tell
        return bool(SPEECH_WORDS.search(text))
    lemma = question.relation.lemma.split()[0]
    if lemma in SPEECH_LEMMAS or lemma in SOURCE_WORDS:
        # "Which body did Maduro say could ...": the speaker is given, the answer is in what he said
        return not any(c.role == "agent" for c in question.conditions)
    return False


def answer_slots(question: QuestionAnalysis | None, question_text: str, filled: tuple[Filled, ...]) -> list[Filled]:
    """The names of a sentence that may answer the question, by slot: sources for "who said", a place
    after a place preposition for "where", and no source for other questions."""
    source = asks_source(question, question_text)
    relation = question.relation.lemma.split()[0] if question is not None and question.relation is not None else None
    recipient = relation in RECIPIENT_VERBS or (source and relation is None)
    wanted = question.wanted if question is not None else None
    kept = []
    for item in filled:
        role = item.slot.role
        if role == "source" and not source:
            continue
        if role == "recipient" and not recipient:
            continue
        if source and role not in {"source", "recipient"}:
            continue
        if wanted == "place" and not (role in PLACE_PREPOSITIONS or item.kind in PLACE_KINDS):
            continue
        kept.append(item)
    return kept


def same_slot(x: Filled, y: Filled, place: bool) -> bool:
    """Two names fill the same slot; for "where", the same place preposition is enough ("to Macau" of
    "board", "to Beijing" of "flight")."""
    if place and x.slot.role == y.slot.role and x.slot.role in PLACE_PREPOSITIONS:
        return True
    return x.slot.matches(y.slot)
