"""Polarity conflicts: the same predicate asserted by one outlet and negated by the other ("rejected" vs "did not refuse")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.outlets.conflicts.statement import TOPIC_COSINE, Finding, Statement, _tokens
from assistant.text import stopwords, terms

NEGATION = {
    "not", "no", "never", "n't", "without", "neither", "nor", "none", "nobody", "nothing", "cannot",
    "deny", "denies", "denied", "denying", "refute", "refuted",
}
# Words that may stand between a negation and what it negates: "did not even refuse", "has not been targeting".
SKIPPABLE = {
    "be", "been", "being", "is", "are", "was", "were", "am", "have", "has", "had", "do", "does", "did",
    "yet", "even", "really", "ever", "also", "the", "a", "an", "he", "she", "it", "they", "we", "that",
    "any", "to", "get", "got", "so", "as", "this", "their", "its", "his", "her", "our", "immediately",
    "actually", "necessarily", "formally", "officially", "directly", "there", "quite", "fully", "at",
    "all", "completely", "entirely", "seriously", "currently", "will", "would", "could", "should",
    "can", "may", "might", "must", '"', "“", "”", "'",
}
# What an accepted or rejected thing is called: "rejected the offer" and "did not refuse the proposal" agree on it.
OFFER_WORDS = {"offer", "help", "propos", "idea", "support", "assist", "deal", "plan", "invit", "aid", "cooper", "bid", "request", "call", "demand", "terms"}
# Too common to show that two sentences talk about the same thing.
GENERIC_WORDS = {
    "now", "also", "just", "even", "still", "would", "could", "should", "said", "says", "say", "told", "new",
    "one", "two", "year", "years", "time", "like", "get", "make", "take", "us", "way", "well", "back", "many",
    "much", "more", "most", "some", "any", "all", "who", "which", "while", "first", "last", "since", "according",
}
HEDGED = {"if", "whether", "unless", "alleged", "allegedly", "reported", "reportedly", "rumoured", "rumored", "possible", "suspected", "claimed"}
DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those"}
WINDOW = 5  # words either side of a negated word that must overlap between the statements

# Antonym classes: each word carries +1 or -1 within its class.
POLARITY_CLASSES: dict[str, dict[str, int]] = {
    "acceptance": {
        **{w: +1 for w in "accept accepts accepted accepting acceptance agree agrees agreed welcome welcomes welcomed embrace embraced embraces".split()},
        **{w: -1 for w in "reject rejects rejected rejecting rejection refuse refuses refused refusing refusal dismiss dismisses dismissed rebuff rebuffed spurn spurned".split()},
    },
    "honesty": {
        **{w: +1 for w in "lie lied lies lying mislead misled misleading deceive deceived deceptive".split()},
        **{w: -1 for w in "honest truthful".split()},
    },
    "outcome": {
        **{w: +1 for w in "win wins won winning".split()},
        **{w: -1 for w in "lose loses lost losing".split()},
    },
    "stance": {
        **{w: +1 for w in "back backs backed backing endorse endorses endorsed endorsing praise praised praises".split()},
        **{w: -1 for w in "denounce denounces denounced denouncing condemn condemns condemned condemning".split()},
    },
    "continuation": {
        **{w: +1 for w in "continue continues continued continuing persist persisted".split()},
        **{w: -1 for w in "stop stops stopped cease ceases ceased halt halts halted".split()},
    },
    "guilt": {
        **{w: +1 for w in "guilty convicted".split()},
        **{w: -1 for w in "innocent acquitted acquittal".split()},
    },
}
PHRASAL = {("turn", "down"): ("acceptance", -1), ("turned", "down"): ("acceptance", -1),
           ("turns", "down"): ("acceptance", -1), ("turning", "down"): ("acceptance", -1)}


OBJECT_NEGATION = {"no", "nothing", "none"}  # negate the verb before them as well as the word after


def _negated_positions(words: list[str]) -> set[int]:
    """Positions of words a negation applies to: the first word after the cue that is not skippable."""
    negated: set[int] = set()
    for i, word in enumerate(words):
        if word == "against" and i + 1 < len(words) and words[i + 1].endswith("ing"):
            negated.add(i + 1)  # "advise against releasing"
            continue
        if word not in NEGATION:
            continue
        if word in OBJECT_NEGATION and i > 0 and words[i - 1].isalpha() and words[i - 1] not in SKIPPABLE:
            negated.add(i - 1)  # "received no answer" is "did not receive an answer"
        j = i + 1
        while j < len(words) and (words[j] in SKIPPABLE or words[j] in NEGATION):
            j += 1
        if j < len(words):
            negated.add(j)
            if j + 1 < len(words) and (words[j], words[j + 1]) in PHRASAL:
                negated.add(j + 1)
    return negated


@dataclass(frozen=True)
class PolarityProfile:
    """Net sign per antonym class (with the words around it), and negated-or-not per content stem."""

    classes: dict[str, int]
    class_context: dict[str, frozenset[str]]
    stems: dict[str, bool]
    context: dict[str, frozenset[str]]


@lru_cache(maxsize=4096)
def _polarity_profile(text: str) -> PolarityProfile:
    words = _tokens(text)
    negated = _negated_positions(words)
    content = [
        (i, terms(w)[0]) for i, w in enumerate(words) if w.isalpha() and len(w) > 2 and terms(w) and w not in GENERIC_WORDS
    ]
    classes: dict[str, set[int]] = {}
    class_context: dict[str, set[str]] = {}
    stems: dict[str, set[bool]] = {}
    context: dict[str, set[str]] = {}
    for position, (i, stem) in enumerate(content):
        word = words[i]
        around = {s for j, s in content if abs(j - i) <= WINDOW and s != stem}
        hit = PHRASAL.get((word, words[i + 1])) if i + 1 < len(words) else None
        for name, lexicon in POLARITY_CLASSES.items():
            if word in lexicon:
                hit = (name, lexicon[word])
        if hit:
            name, sign = hit
            classes.setdefault(name, set()).add(-sign if i in negated else sign)
            class_context.setdefault(name, set()).update(around)
        if word not in stopwords() and word not in NEGATION:
            nominal = i not in negated and not _predicate_position(words, i)
            nominal = nominal or (i not in negated and bool(HEDGED & set(words[max(0, i - 4) : i])))
            stems.setdefault(stem, set()).add("nominal" if nominal else i in negated)
            context.setdefault(stem, set()).update(around)
    return PolarityProfile(
        {name: next(iter(v)) for name, v in classes.items() if len(v) == 1},
        {name: frozenset(v) for name, v in class_context.items()},
        {stem: next(iter(v)) for stem, v in stems.items() if len(v) == 1 and "nominal" not in v},
        {stem: frozenset(v) for stem, v in context.items()},
    )


AUXILIARIES = {
    "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "will", "would", "can",
    "could", "shall", "should", "may", "might", "must", "do", "does", "did", "to", "he", "she", "it", "they",
    "we", "i", "you", "who", "that", "which",
}


def _predicate_position(words: list[str], i: int) -> bool:
    """Whether a word is used as what a clause asserts ("is foreign-born", "they refused"), not as a noun."""
    previous = [w for w in words[max(0, i - 3) : i] if not w.endswith("ly")][-1:]
    return bool(previous and previous[0] in AUXILIARIES) or (words[i].endswith("ed") and i > 0 and words[i - 1] not in DETERMINERS)


def _objects_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a & b) or bool(a & OFFER_WORDS and b & OFFER_WORDS)


CLASS_WORDS = {
    ("acceptance", +1): "accepted",
    ("acceptance", -1): "rejected",
    ("honesty", +1): "misled",
    ("honesty", -1): "did not mislead",
    ("guilt", +1): "guilty",
    ("guilt", -1): "not guilty",
    ("outcome", +1): "won",
    ("outcome", -1): "lost",
    ("stance", +1): "backed",
    ("stance", -1): "denounced",
    ("continuation", +1): "continued",
    ("continuation", -1): "stopped",
}


def polarity_conflict(
    a: Statement, b: Statement, cosine: float | None = None, focus: frozenset[str] = frozenset()
) -> Finding | None:
    """Opposite signs in an antonym class about the same object, or a predicate negated in only one.

    `focus`: the question's stemmed terms. A predicate the question itself asks
    about ("What are the strikes targeting?") needs less overall similarity,
    since both sentences were already found relevant to it.
    """
    pa, pb = _polarity_profile(a.text), _polarity_profile(b.text)
    for name in sorted(set(pa.classes) & set(pb.classes)):
        if pa.classes[name] != pb.classes[name] and _objects_agree(pa.class_context[name], pb.class_context[name]):
            forms = set(POLARITY_CLASSES[name]) | ({"turn", "turned", "turns", "turning"} if name == "acceptance" else set())
            return Finding(
                "polarity", name, _phrase(a.text, forms), _phrase(b.text, forms), f"class:{name}",
                CLASS_WORDS[(name, pa.classes[name])], CLASS_WORDS[(name, pb.classes[name])],
            )
    if set(pa.classes) & set(pb.classes):
        return None
    loose = cosine is not None and cosine < TOPIC_COSINE
    for stem, negated in pa.stems.items():
        if stem in IGNORED_STEMS or stem not in pb.stems or pb.stems[stem] == negated:
            continue
        if loose and stem not in focus:
            continue
        if not pa.context[stem] & pb.context[stem] and (pa.context[stem] or pb.context[stem]):
            continue  # the same word about different things: "not targeting IS" vs "targeting our bases"
        word = _surface(a.text if negated else b.text, stem)
        forms = {w.lower() for w in re.findall(r"[A-Za-z]+", a.text + " " + b.text) if (terms(w) or [""])[0] == stem}
        return Finding(
            "polarity", word, _phrase(a.text, forms), _phrase(b.text, forms), f"stem:{stem}",
            f"not {word}" if negated else word, f"not {word}" if pb.stems[stem] else word,
        )
    return None


def _phrase(text: str, forms: set[str]) -> str:
    """The predicate as the sentence words it, with its negation: "did not refuse", "didn't turn down"."""
    for match in re.finditer(r"[A-Za-z]+", text):
        if match.group(0).lower() not in forms:
            continue
        start, end = match.start(), match.end()
        down = re.match(r"\s+down\b", text[end:])
        end += down.end() if down else 0
        before = re.search(
            r"(?:\b(?:(?:do|does|did|has|have|had|is|are|was|were|will|would|could|can|should)\s+)?(?:not|never|no)\b|\bcannot|\bwithout|\w+n['’]t)"
            r"(?:\s+[\w’']+){0,2}\s+$",
            text[:start],
            re.I,
        )
        if before:
            start = before.start()
        return text[start:end]
    return sorted(forms)[0] if forms else ""


IGNORED_STEMS = {"said", "say", "told", "also", "one", "two", "time", "year", "peopl"}


def _surface(text: str, stem: str) -> str:
    for word in re.findall(r"[A-Za-z-]+", text):
        found = terms(word)
        if found and found[0] == stem:
            return word.lower()
    return stem
