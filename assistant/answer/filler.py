"""The short answer to who / where / which: the name the parse puts in the question's slot.

"Who won Eurovision?" over "Loreen, who won the competition with her power
ballad ..." is "Loreen": the subject of the question's relation in the
sentence. "Where did the FSA propose to meet?" is the place the proposal is
made "in" ("Cairo"); "Who is the spokesman for Division 13?" the holder of
"spokesman" ("Ahmad Saoud, the spokesman"). Only a name the parse singles out
is given: with two candidates, none (a wrong name in an exact quote would be a
confident error).
"""

from __future__ import annotations

from typing import Any

from assistant.answer.alignment import WHERE_PREPOSITIONS, matching_predicate
from assistant.answer.analysis import PARSES, PLACE_ENTITIES, QuestionAnalysis, subject_of

PERSON_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def filler(question: QuestionAnalysis | None, sentence: str) -> tuple[int, int] | None:
    """[start, end) in `sentence` of the name that fills the question's wanted slot: the subject (or object)
    of the question's relation for "who", the place it happens "in / at / near" for "where", the one new name
    of the kind asked for "which X". None when the parse does not single one out (a wrong name in an exact
    quote is a confident error)."""
    if question is None or question.relation is None or question.wanted not in {"person", "place", "name"}:
        return None
    doc = PARSES(sentence)
    verb = matching_predicate(doc, question.relation.lemma) if doc is not None else None
    if verb is None:
        return None
    asked = question.question.lower()
    if question.wanted == "place":
        places = [t for t in verb.subtree if t.dep_ == "pobj" and t.head.lower_ in WHERE_PREPOSITIONS and t.ent_type_ in PLACE_ENTITIES]
        spans = [entity_of(t) for t in places]
    else:
        kinds = PERSON_ENTITIES if question.wanted == "person" else PERSON_ENTITIES | {"WORK_OF_ART", "PRODUCT", "EVENT", "FAC", "LOC"}
        subject = holder_of(verb) if question.relation.nominal else subject_of(verb)
        if subject is not None and subject.lower_ in {"who", "which", "that"} and verb.dep_ == "relcl":
            subject = verb.head  # "Loreen, who won the competition": Loreen
        objects = [t for t in verb.children if t.dep_ in {"dobj", "attr"}]
        slot = [subject] if question.relation.nominal or not any(c.role == "agent" for c in question.conditions) else objects
        spans = [entity_of(t) for t in slot if t is not None and (t.ent_type_ in kinds or (not t.ent_type_ and t.pos_ == "PROPN"))]
    spans = [s for s in spans if s is not None and s.text.lower() not in asked]
    if len({(s.start, s.end) for s in spans}) != 1:
        return None
    span = spans[0]
    return span.start_char - doc[0].idx, span.end_char - doc[0].idx


def holder_of(noun: Any) -> Any | None:
    """Who a noun names: "Ahmad Saoud, the spokesman" (apposition, either way round), "spokesman Issam al-Rayyes"."""
    if noun.dep_ == "appos" or (noun.dep_ == "compound" and noun.head.pos_ == "PROPN"):
        return noun.head
    return next((t for t in noun.children if t.dep_ == "appos" and t.pos_ == "PROPN"), None) or subject_of(noun.head) if noun.dep_ == "attr" else next(
        (t for t in noun.children if t.dep_ == "appos"), None)


def entity_of(token: Any) -> Any | None:
    """The named entity a token belongs to (or, for a name the tagger missed, the token and its
    compounds: "Ticketmaster"), without a leading article."""
    for entity in token.doc.ents:
        if entity.start <= token.i < entity.end:
            words = [t for t in entity if t.lower_ not in {"the", "a", "an"}]
            return token.doc[words[0].i : words[-1].i + 1] if words else None
    parts = [t for t in token.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [token]
    return token.doc[parts[0].i : token.i + 1]
