"""Do two outlets' statements contradict each other?

No NLI model runs offline here, so the detector reads what news
contradictions are made of, and only between statements that are about the
same thing (embedding cosine and shared content words above a gate):

- polarity: the same predicate asserted by one and negated by the other
  ("has rejected a Russian offer" vs "did not refuse a Russian offer"), with
  antonym classes so that "rejects" and "does not accept" agree and "turned
  down" and "didn't turn down" do not;
- numbers: different figures for the same quantity (same event and unit:
  "killing 12 policemen" vs "killing 11 policemen"), read with their hedges,
  so "nearly 250" agrees with 246 and "more than 30" with "at least 36", while
  the tallies "at least 72" and "at least 75" differ;
- dates and times: a different weekday, date, year or clock time for what is
  otherwise the same statement;
- names: a different agent for the same event ("killed by militancy" vs
  "killed, mainly Bashar al Assad regime"), or the same quotation put in
  different mouths.

Each check returns a `Finding` with a short label for each side, so that a
disagreement among many outlets can be shown as two (or more) camps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from assistant.index.bm25 import stopwords, terms

# Gates: how alike two statements must be before a difference between them means a contradiction.
TOPIC_COSINE = 0.5  # polarity and numbers (tuned on the dev split of data/conflict_pairs.jsonl)
TOPIC_SHARED_TERMS = 2
SAME_STATEMENT_COSINE = 0.72  # dates, times and agents: only for what is otherwise the same statement

NEGATION = {
    "not", "no", "never", "n't", "without", "neither", "nor", "none", "nobody", "nothing", "cannot",
    "deny", "denies", "denied", "denying", "refute", "refuted",
}
NOT_NEGATING = re.compile(
    r"\b(?:not only|not just|no less than|no more than|not least|nothing but|no doubt|no longer than|"
    r"no fewer than|not to mention|whether or not|if not|or not)\b",
    re.I,
)
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
CLASS_COSINE = 0.3  # antonym classes are a strong cue: a looser gate, but the objects must agree
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
    "guilt": {
        **{w: +1 for w in "guilty convicted".split()},
        **{w: -1 for w in "innocent acquitted acquittal".split()},
    },
}
PHRASAL = {("turn", "down"): ("acceptance", -1), ("turned", "down"): ("acceptance", -1),
           ("turns", "down"): ("acceptance", -1), ("turning", "down"): ("acceptance", -1)}

WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|\d+(?:[.,]\d+)*(?:\s?(?:%|bn|m|k)\b)?|\$|%|[“”\"']")

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "bn": 1e9, "m": 1e6, "k": 1e3}
HEDGES = [
    ("at_least", r"at least|no less than|no fewer than|a minimum of"),
    ("more_than", r"more than|over|upwards of|in excess of|just over"),
    ("nearly", r"nearly|almost|close to|just under"),
    ("about", r"about|around|some|roughly|approximately|an estimated|estimated|up to around"),
    ("up_to", r"up to|as many as|as much as"),
    ("less_than", r"less than|fewer than|under|below"),
]
NUMBER = re.compile(
    r"(?P<hedge>\b(?:" + "|".join(p for _, p in HEDGES) + r")\s+)?"
    r"(?P<currency>[$€£]\s?)?"
    r"(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:" + "|".join(NUMBER_WORDS) + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?\b)"
    r"(?:\s?-\s?(?P<upper>\d+(?:\.\d+)?)|\s+or\s+(?P<alt>\d+|" + "|".join(NUMBER_WORDS) + r")\b)?"
    r"(?P<scale>\s?(?:hundred|thousand|million|billion|bn|m|k)\b)?"
    r"(?P<after>[- ]?(?:percent|per cent|%|year-old|years? old|-year|-month|-day|-week))?",
    re.I,
)
UNIT_NOUNS = {
    "people": "people", "persons": "people", "individuals": "people", "civilians": "people", "person": "people",
    "children": "children", "kids": "children", "students": "students", "pupils": "students", "soldiers": "soldiers",
    "troops": "soldiers", "policemen": "police", "police": "police", "officers": "police", "seats": "seats",
    "votes": "votes", "percent": "percent", "%": "percent", "planes": "planes", "aircraft": "planes",
    "missiles": "missiles", "tests": "tests", "years": "years", "year": "years", "months": "months",
    "days": "days", "hours": "hours", "minutes": "minutes", "countries": "countries", "parties": "parties",
    "candidates": "candidates", "suspects": "suspects", "members": "members", "migrants": "people",
    "refugees": "people", "deaths": "deaths", "lives": "deaths", "dollars": "money", "euros": "money",
    "pounds": "money", "homes": "homes", "houses": "homes", "victims": "people", "passengers": "people",
    "workers": "people", "employees": "people", "residents": "people", "fighters": "fighters",
    "militants": "fighters", "rebels": "fighters", "teachers": "teachers", "women": "women", "men": "men",
    "others": "people", "test": "tests", "explosions": "tests", "launches": "tests", "seat": "seats",
    "plane": "planes", "airliners": "planes", "missile": "missiles", "year": "years",
    "fatalities": "deaths", "dead": "deaths", "weeks": "weeks", "decades": "decades",
}
EVENTS = {
    "death": "kill killed killing kills dead died die dies death deaths lives fatalities perished",
    "injury": "injured injuring injuries wounded wounding hurt",
    "arrest": "arrested arrest detained custody held",
    "evacuation": "evacuate evacuated evacuation evacuating",
    "missing": "missing",
}
EVENT_OF = {word: event for event, words in EVENTS.items() for word in words.split()}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
]
MONTH = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sep(?:tember|t?\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
DATE = re.compile(rf"\b(?:(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})\b)")
YEAR = re.compile(r"\b(?:in|since|of|from|by|until)\s+(?P<year>1[89]\d\d|20\d\d)\b")
CLOCK = re.compile(r"\b(?P<h>\d{1,2})[:.](?P<m>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?", re.I)
AGENT = re.compile(
    r"\b(?P<verb>killed|claimed|carried out|caused|bombed|destroyed|targeted|hit|attacked|shot|poisoned|organi[sz]ed|ordered)"
    r"(?:[^.;:]{0,40}?)(?:\bby\b|,\s*(?:mainly|mostly|largely|chiefly))\s+(?P<agent>(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,3})",
    re.I,
)
QUOTED = re.compile(r"“([^”]{12,})”|\"([^\"]{12,})\"")


@dataclass
class Statement:
    """A sentence as the detector sees it: text, embedding, stemmed terms, optional speaker."""

    text: str
    vector: np.ndarray | None = None
    terms: frozenset[str] = field(default_factory=frozenset)
    speaker: str | None = None

    def __post_init__(self) -> None:
        if not self.terms:
            self.terms = frozenset(terms(self.text))


@dataclass
class Finding:
    """Why two statements contradict: the kind, what about, and each side's claim in a few words."""

    kind: str  # "polarity" | "number" | "date" | "name"
    about: str
    claim_a: str  # each side's claim as its sentence words it: "has rejected", "did not refuse"
    claim_b: str
    key: str  # what the disagreement is about, for grouping many pairs into one disagreement
    stance_a: str = ""  # statements with the same key and stance stand on the same side
    stance_b: str = ""

    def __post_init__(self) -> None:
        self.stance_a = self.stance_a or self.claim_a
        self.stance_b = self.stance_b or self.claim_b


@dataclass(frozen=True)
class Quantity:
    """A figure as stated: its range after hedges, unit, event, who it is about and the words around it."""

    low: float
    high: float
    text: str
    unit: str
    event: str
    anchor: frozenset[str] = frozenset()  # the person an age belongs to
    entity: frozenset[str] = frozenset()  # the nearest name: "Labour Party which won 38 seats" -> {labour}
    frame: frozenset[str] = frozenset()  # content stems within a few words of the figure
    scoped: bool = False  # "last year", "in 2012", "since": a figure for a period

    def compatible(self, other: "Quantity") -> bool:
        return self.low <= other.high + 1e-6 and other.low <= self.high + 1e-6


# --- polarity ----------------------------------------------------------------------------------------


ISIS = re.compile(r"\b(?:IS|ISIS|ISIL|Daesh|Islamic State(?: group)?)\b")


def _tokens(text: str) -> list[str]:
    cleaned = ISIS.sub("isis", NOT_NEGATING.sub(" ", text))  # one name for the group, and "IS" is not "is"
    cleaned = re.sub(r"n[\"?]t\b", "n't", cleaned)  # "doesn"t": apostrophes mangled upstream
    cleaned = re.sub(r"\b(?:failed|fails|failing|unable) to\b", "not", cleaned, flags=re.I)
    words = []
    for token in WORD.findall(cleaned):
        lower = token.lower().replace("’", "'")
        if lower.endswith("n't"):
            words.extend([lower[:-3] or "n't", "n't"])
        else:
            words.append(lower)
    return words


def _negated_positions(words: list[str]) -> set[int]:
    """Positions of words a negation applies to: the first word after the cue that is not skippable."""
    negated: set[int] = set()
    for i, word in enumerate(words):
        if word == "against" and i + 1 < len(words) and words[i + 1].endswith("ing"):
            negated.add(i + 1)  # "advise against releasing"
            continue
        if word not in NEGATION:
            continue
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


# --- numbers -----------------------------------------------------------------------------------------


def _value(token: str) -> float | None:
    token = token.lower().replace(",", "")
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    parts = re.split(r"[- ]", token)
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        return float(NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]])
    try:
        return float(token)
    except ValueError:
        return None


def _round(value: float) -> bool:
    """A figure a writer rounds: from 20 up, ending in zero, at most two significant digits (30, 250, 6,500)."""
    if value < 20 or value != int(value) or int(value) % 10:
        return False
    return len(str(int(value)).rstrip("0")) <= 2


def _granularity(value: float) -> float:
    """The unit of a figure's last significant digit: 780 -> 10, 3,000 -> 1,000, 246 -> 1, 1.5 -> 0.1."""
    if value != int(value):
        decimals = len(repr(value).split(".")[1].rstrip("0")) if "." in repr(value) else 0
        return 10.0 ** -decimals
    number, unit = int(value), 1
    while number and number % 10 == 0:
        number //= 10
        unit *= 10
    return float(unit)


def _range(value: float, hedge: str | None) -> tuple[float, float]:
    """What a hedged figure allows: "about 780" is 775-785, "nearly 250" 240-250, "at least 72" a tally of 72."""
    unit = _granularity(value)
    if hedge == "at_least":
        return (value, float("inf")) if _round(value) else (value, value)
    if hedge == "more_than":
        return (value * 1.0001, float("inf"))
    if hedge == "nearly":
        return (value - unit, value)
    if hedge == "about":
        return (value - unit / 2, value + unit / 2 - 1e-3)
    if hedge == "up_to":
        return (0.0, value)
    if hedge == "less_than":
        return (0.0, value)
    if _round(value) and value >= 100:
        return (value - unit / 2, value + unit / 2 - 1e-3)
    return (value, value)


def _hedge_kind(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip().lower()
    for kind, pattern in HEDGES:
        if re.fullmatch(pattern, text):
            return kind
    return None


def _skip_number(text: str, match: re.Match) -> bool:
    """Years, clock times, days of dates, ordinals and numbers that are part of a name."""
    value = match.group("value")
    start, end = match.start("value"), match.end()
    before = text[max(0, start - 12) : start]
    after = text[end : end + 3]
    if re.fullmatch(r"1[89]\d\d|20\d\d", value) and not match.group("after") and not match.group("scale"):
        return True
    if re.match(r"\s?[:.]\d", text[match.end("value") :]) and not match.group("scale"):
        return True  # clock time or decimal handled elsewhere
    if re.search(rf"{MONTH}\s+$", before, re.I) or re.match(rf"\s*(?:st|nd|rd|th)?\s+{MONTH}\b", text[match.end('value'):], re.I):
        return True
    if re.match(r"(?:st|nd|rd|th)\b", after):
        return True
    previous = re.findall(r"([A-Za-z][\w-]*)\s*$", text[:start])
    if previous and previous[0][:1].isupper() and previous[0].lower() not in {"at", "about", "around", "some", "nearly", "almost", "over", "than", "least"} and start > 0 and not match.group("hedge"):
        return True  # "Division 13", "Article 50", "Rossiya 1"
    return False


@lru_cache(maxsize=8192)
def quantities(text: str) -> tuple[Quantity, ...]:
    """Figures in a sentence with their hedge-widened range, unit and event (death, injury, ...)."""
    found: list[Quantity] = []
    words = [w.lower() for w in re.findall(r"[A-Za-z%]+", text)]
    for match in NUMBER.finditer(text):
        if _skip_number(text, match):
            continue
        value = _value(match.group("value"))
        if value is None:
            continue
        scale = (match.group("scale") or "").strip().lower()
        if scale:
            value *= SCALES[scale]
        after = (match.group("after") or "").lower()
        tail = text[match.end() : match.end() + 60]
        before = text[: match.start()]
        if _change_or_ratio(text, match):
            continue  # "eight fewer seats", "a loss of 29", "62 to 38 percent", "2-1": not a count
        if re.search(r"\b(?:other|another|remaining|further|additional)\s+$", before, re.I):
            continue  # "the other three", "another 12": part of a count, not the count
        if re.search(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:out\s+)?of\s+(?:the\s+|\w+['’]s\s+)?$", before, re.I):
            continue  # "one of four crew members": a total, not the count reported
        clause = re.split(r"[,;:]", before)[-1]
        if NOT_A_CLAIM.search(clause):
            continue  # "hasn't been spending 2 percent", "asks members to spend 2 percent": not a reported figure
        unit, anchor = _unit(after, tail, match.group("currency"))
        if not unit and TOLL_BEFORE.search(clause):
            unit = "deaths"  # "the death toll ... was at least eight"
        if _age_apposition(text, match):
            unit = "age"
        if unit == "age":
            anchor = _age_anchor(text, match)
        low, high = _range(value, _hedge_kind(match.group("hedge")))
        if match.group("upper"):
            high = float(match.group("upper")) * (SCALES.get(scale, 1) if scale else 1)
        if match.group("alt") and (_value(match.group("alt")) or 0) > value:
            high = max(high, _value(match.group("alt")) or high)  # "eight or nine"
        event = "" if unit in DURATIONS else _event(text, match.start(), match.end(), words)
        entity = _entity(text, match.start(), match.end())
        frame = _frame(text, match.start(), match.end(), unit)
        clause = re.split(r"[,;:]", text[: match.start()])[-1] + text[match.start() : match.end()] + re.split(r"[,;:]", text[match.end() :])[0]
        scoped = bool(TIME_SCOPE.search(clause))
        found.append(Quantity(low, high, match.group(0).strip(), unit, event, anchor, entity, frame, scoped))
    return tuple(found)


CHANGE_BEFORE = re.compile(r"\b(?:increase|gain|loss|rise|drop|fall|decrease|jump|cut|reduction|majority|margin) of\s+$|\bby\s+$", re.I)
CHANGE_AFTER = re.compile(r"^(?:\s+\w+){0,2}?\s+(?:more|fewer|less|extra|higher|lower)\b|^\s*(?:-|to)\s*\d", re.I)
ENTITY_WINDOW = 16
TIME_SCOPE = re.compile(r"\b(?:last|this|next) (?:year|month|week)\b|\bin (?:19|20)\d\d\b|\bsince\b|\bso far\b|\bin total\b", re.I)
GENERIC_NAME_WORDS = {
    "party", "the", "mr", "mrs", "ms", "dr", "a", "an", "in", "on", "at", "with", "his", "her", "their",
    "its", "prime", "minister", "president", "some", "about", "least", "nearly", "more", "than", "and",
    "of", "but", "since", "after", "with", "by", "for", "from", "as", "it", "this", "that", "read",
} | set(WEEKDAYS) | set(MONTHS)


def _change_or_ratio(text: str, match: re.Match) -> bool:
    if match.group("upper") and float(match.group("upper")) < (_value(match.group("value")) or 0):
        return True  # "2-1", "55-45"
    before, after = text[: match.start()], text[match.end() :]
    if CHANGE_BEFORE.search(before) or CHANGE_AFTER.search(after):
        return True
    return bool(re.search(r"\d\s*(?:-|to)\s*$", before))


def _entity(text: str, start: int, end: int) -> frozenset[str]:
    """The capitalised name nearest to a figure in its clause ("the Labour Party which won 38 seats")."""
    pieces = re.split(r"[;:—]|\s-\s", text[:start])
    left, at_sentence_start = pieces[-1], len(pieces) == 1
    right = re.split(r"[;:—,.]|\s-\s", text[end:])[0]
    candidates: list[tuple[int, frozenset[str]]] = []
    for sign, chunk in ((-1, left), (1, right)):
        words = re.findall(r"[\w’'-]+", chunk)
        if sign < 0:
            words = list(reversed(words[1:] if at_sentence_start else words))  # a sentence's first word is capitalised anyway
        run: list[str] = []
        first = 0
        for distance, word in enumerate(words[:ENTITY_WINDOW]):
            core = re.sub(r"['’]s$", "", word)
            parts = [p.lower() for p in core.split("-") if p[:1].isupper() and p.lower() not in GENERIC_NAME_WORDS]
            if parts:
                first = first if run else distance
                run.extend(parts)
            elif run:
                break
        if run:
            candidates.append((first, frozenset(run)))
    return min(candidates, key=lambda c: c[0])[1] if candidates else frozenset()


def _frame(text: str, start: int, end: int, unit: str) -> frozenset[str]:
    left = re.findall(r"[A-Za-z]+", text[:start])[-5:]
    right = re.findall(r"[A-Za-z]+", text[end:])[:5]
    found = set()
    for word in left + right:
        lower = word.lower()
        if lower in stopwords() or lower in NUMBER_WORDS or lower in UNIT_NOUNS or lower in EVENT_OF or len(lower) < 3:
            continue
        stem = terms(lower)
        if stem and stem[0] not in IGNORED_STEMS:
            found.add(stem[0])
    return frozenset(found)


def _unit(after: str, tail: str, currency: str | None) -> tuple[str, frozenset[str]]:
    if currency:
        return "money", frozenset()
    if "percent" in after or "per cent" in after or "%" in after:
        return "percent", frozenset()
    if "old" in after:
        return "age", frozenset()
    if after.startswith("-"):
        return after.strip("- ") + "s", frozenset()
    words = re.findall(r"[A-Za-z%]+", tail)[:5]
    if words and words[0].lower() in {"of"}:
        words = words[1:]
    for word in words:
        unit = UNIT_NOUNS.get(word.lower())
        if unit:
            return unit, frozenset()
    for word in words:
        if word.lower() not in stopwords() and word.isalpha() and not word[:1].isupper():
            stem = terms(word)
            return (stem[0] if stem else word.lower()), frozenset()
    return "", frozenset()


NOT_A_CLAIM = re.compile(
    r"\b(?:not|no|never|n't|asks?|asked|require[sd]?|must|should|needs?|target|goal|aims?|wants?)\b|n't\b", re.I
)


TOLL_BEFORE = re.compile(r"\b(?:death toll|toll|number of (?:dead|deaths|people killed|fatalities))\b", re.I)
DURATIONS = {"years", "months", "days", "hours", "minutes", "weeks", "decades"}


def _age_apposition(text: str, match: re.Match) -> bool:
    """'Doan Thi Huong, 28, from ...': a bare number between commas right after a name."""
    return (
        not match.group("hedge")
        and not match.group("after")
        and re.match(r"\s*,", text[match.end() :]) is not None
        and re.search(r"[A-Z][\w-]+,\s*$", text[: match.start()]) is not None
        and 10 <= (_value(match.group("value")) or 0) < 110
    )


def _age_anchor(text: str, match: re.Match) -> frozenset[str]:
    """The person an age belongs to: the name right after 'N-year-old' or right before ', N,'."""
    after = re.match(r"\s*(?:[a-z]+\s+){0,3}?((?:[A-Z][\w-]+\s?){1,4})", text[match.end() :])
    before = re.search(r"((?:[A-Z][\w-]+\s?){1,4}),\s*(?:a\s+)?$", text[: match.start()])
    name = (after.group(1) if after else "") or (before.group(1) if before else "")
    return frozenset(w.lower() for w in name.split() if len(w) > 2)


def _event(text: str, start: int, end: int, words: list[str]) -> str:
    """The event word (killed, injured, arrested, ...) nearest to the number, within 60 characters."""
    best, distance = "", 61
    lower = text.lower()
    for match in re.finditer(r"[a-z]+", lower[max(0, start - 60) : end + 60]):
        if match.group(0) in EVENT_OF:
            position = max(0, start - 60) + match.start()
            gap = start - position if position < start else position - end
            if gap < distance:
                best, distance = EVENT_OF[match.group(0)], gap
    return best


def _same_quantity(a: Quantity, b: Quantity) -> bool:
    unit_a = "age" if a.unit in {"age", "age?"} else a.unit
    unit_b = "age" if b.unit in {"age", "age?"} else b.unit
    if unit_a != unit_b or not unit_a:
        return False
    if unit_a == "age":
        return bool(a.anchor and b.anchor and a.anchor & b.anchor)
    if a.event != b.event:
        return False
    if a.event:
        return True  # a count of the killed, injured, arrested, evacuated or missing
    if a.entity and b.entity and not a.entity & b.entity:
        return False  # "Labour ... 38 seats" and "VVD ... 31 seats": two parties
    # Any other figure must be about the same named thing, over the same period.
    return bool(a.entity & b.entity) and a.scoped == b.scoped


RELATIVE_TIME = re.compile(
    r"\b(?:yesterday|today|tonight|last (?:week|month|year|night)|earlier this (?:week|month|year)|the day before|recent days)\b",
    re.I,
)
COMPASS = re.compile(r"\b(?:north|south|east|west)(?:ern|east|west)?\b|\bcentral\b", re.I)
PLACE = re.compile(r"\b(?:in|at|near|from|outside)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:(?:city|town|province|region) of\s+)?([A-Z][\w-]+)")


@lru_cache(maxsize=8192)
def _anchors(text: str) -> set[str]:
    """Where and when a statement is set: places, weekdays, months, relative times, compass points."""
    found = {m.group(0).lower() for m in RELATIVE_TIME.finditer(text)}
    found |= {m.group(0).lower() for m in COMPASS.finditer(text)}
    found |= {d for d in WEEKDAYS if re.search(rf"\b{d}\b", text.lower())}
    found |= {m.group(1).lower() for m in PLACE.finditer(text)}
    return found


def different_settings(a: Statement, b: Statement) -> bool:
    """Both name a place or time the other lacks: likely two different events of one story."""
    only_a = {x for x in _anchors(a.text) if x not in b.text.lower()}
    only_b = {x for x in _anchors(b.text) if x not in a.text.lower()}
    return bool(only_a) and bool(only_b)


def _mentions(text: str, figure: Quantity, others: Sequence[Quantity]) -> bool:
    """Whether a statement also gives this figure: with any unit, or as the sum of two of its figures."""
    if any(figure.compatible(q) for q in others if q.unit == figure.unit):
        return True
    other_units = {q.low for q in others if q.unit and q.unit != figure.unit}
    values = [_value(m.group("value")) for m in NUMBER.finditer(text)]
    values = [v for v in values if v is not None and v not in other_units]
    if figure.low == figure.high and figure.low in values:
        return True  # "up from 9,000 on Sunday": the figure, given without its unit
    same = [q.low for q in others if q.unit == figure.unit or not q.unit or (figure.event and q.event == figure.event)]
    return any(figure.low <= x + y <= figure.high for i, x in enumerate(same) for y in same[i + 1 :])


def number_conflict(a: Statement, b: Statement) -> Finding | None:
    if different_settings(a, b):
        return None
    qa, qb = quantities(a.text), quantities(b.text)
    for x in qa:
        same_a = [q for q in qa if _same_quantity(q, x)]
        same_b = [q for q in qb if _same_quantity(q, x)]
        if not same_b:
            continue
        if any(p.compatible(q) for p in same_a for q in same_b):
            continue
        # A figure the other statement also gives (under any reading, or as a sum) is not a disagreement.
        if _mentions(b.text, x, qb) or all(_mentions(a.text, y, qa) for y in same_b):
            continue
        about = " ".join(filter(None, [x.unit.rstrip("?"), {"death": "killed", "injury": "injured", "arrest": "arrested", "evacuation": "evacuated"}.get(x.event, x.event)])) or "figure"
        y = same_b[0]
        return Finding(
            "number", about, same_a[0].text, y.text, f"number:{x.unit.rstrip('?')}:{x.event}:{'-'.join(sorted(x.anchor))}",
            _stance(same_a[0]), _stance(y),
        )
    return None


def _stance(q: Quantity) -> str:
    show = lambda v: f"{v:g}"  # noqa: E731
    if q.high == float("inf"):
        return f">={show(q.low)}"
    return show(q.low) if q.low == q.high else f"{show(q.low)}-{show(q.high)}"


def shared_figure(a: Statement, b: Statement) -> bool:
    """Both give the same figure for the same kind of thing ("more than 250,000 killed").

    A toll counts as the same figure whatever noun carries it ("250,000 people have been
    killed", "250,000 Syrians were killed"): the same number of the dead anchors two
    statements far more firmly than a cosine gate that embedding backends move by ~0.03.
    """
    return any(
        (_same_quantity(x, y) or (x.event and x.event == y.event and x.low == y.low)) and x.compatible(y)
        for x in quantities(a.text)
        for y in quantities(b.text)
    )


# --- dates, times ------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _dates(text: str) -> dict[str, set]:
    lower = text.lower()
    found: dict[str, set] = {
        "weekday": {d for d in WEEKDAYS if re.search(rf"\b{d}\b", lower)},
        "date": set(),
        "year": {m.group("year") for m in YEAR.finditer(text)},
        "clock": set(),
    }
    for match in DATE.finditer(text):
        month = (match.group("m1") or match.group("m2"))[:3].lower()
        day = int(match.group("d1") or match.group("d2"))
        found["date"].add((month, day))
    for match in CLOCK.finditer(text):
        hour, minute = int(match.group("h")), int(match.group("m"))
        ampm = (match.group("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        if hour < 24 and minute < 60:
            found["clock"].add((hour, minute))
    return found


@lru_cache(maxsize=8192)
def _date_frames(text: str) -> frozenset[str]:
    """Content stems just before each date or weekday: what happened then ("told Fox News on Sunday")."""
    found: set[str] = set()
    pattern = rf"((?:[\w’'-]+\s+){{1,4}})(?:on|at|since|in|by)?\s*(?:{'|'.join(WEEKDAYS)}|{MONTH}\s+\d|\d{{1,2}}\s+{MONTH}|\d{{1,2}}[:.]\d\d)"
    for match in re.finditer(pattern, text, re.I):
        found.update(terms(match.group(1)))
    return frozenset(found)


def date_conflict(a: Statement, b: Statement) -> Finding | None:
    da, db = _dates(a.text), _dates(b.text)
    if not _date_frames(a.text) & _date_frames(b.text):
        return None  # "told Fox News on Sunday" vs "the information we got on Friday": two different events
    for kind in ("date", "weekday", "clock", "year"):
        if da[kind] and db[kind] and not (da[kind] & db[kind]):
            show = lambda values: ", ".join(sorted(_show_date(kind, v) for v in values))  # noqa: E731
            return Finding("date", kind, show(da[kind]), show(db[kind]), f"date:{kind}")
    return None


def _show_date(kind: str, value) -> str:
    if kind == "date":
        return f"{value[0].title()} {value[1]}"
    if kind == "clock":
        return f"{value[0]:02d}:{value[1]:02d}"
    return str(value).title()


# --- names -------------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _agents(text: str) -> dict[str, tuple[frozenset[str], str]]:
    """Who did it, per verb: 'killed by militancy' -> {'killed': ({'milit'}, 'by militancy')}."""
    found = {}
    for match in AGENT.finditer(text):
        agent = frozenset(terms(match.group("agent"))) - {"syria", "sinc", "year"}
        if agent:
            found[match.group("verb").lower()] = (agent, text[match.start("agent") - 1 : match.end("agent")].strip(" ,"))
    return found


def _same_person(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    norm = lambda s: re.sub(r"\b(?:al|el)-\s?", "", s.lower())  # noqa: E731
    ta, tb = norm(a).split(), norm(b).split()
    if set(ta) & set(tb):
        return True
    return SequenceMatcher(None, " ".join(ta), " ".join(tb)).ratio() >= 0.7


@lru_cache(maxsize=8192)
def _quotes(text: str) -> list[frozenset[str]]:
    return [frozenset(terms(m.group(1) or m.group(2))) for m in QUOTED.finditer(text)]


def name_conflict(a: Statement, b: Statement) -> Finding | None:
    agents_a, agents_b = _agents(a.text), _agents(b.text)
    for verb in agents_a.keys() & agents_b.keys():
        if not agents_a[verb][0] & agents_b[verb][0]:
            return Finding(
                "name", f"who {verb}", agents_a[verb][1], agents_b[verb][1], f"agent:{verb}",
                " ".join(sorted(agents_a[verb][0])), " ".join(sorted(agents_b[verb][0])),
            )
    if a.speaker and b.speaker and not _same_person(a.speaker, b.speaker):
        for qa in _quotes(a.text):
            for qb in _quotes(b.text):
                if qa and qb and len(qa & qb) / min(len(qa), len(qb)) >= 0.6:
                    return Finding("name", "who said it", a.speaker, b.speaker, "speaker")
    return None


# --- the detector ------------------------------------------------------------------------------------


def _cosine(a: Statement, b: Statement) -> float | None:
    if a.vector is None or b.vector is None:
        return None
    return float(np.dot(a.vector, b.vector))


def same_topic(a: Statement, b: Statement, cosine: float | None = None, threshold: float = TOPIC_COSINE) -> bool:
    cosine = _cosine(a, b) if cosine is None else cosine
    shared = len(a.terms & b.terms)
    if cosine is None:
        return shared >= TOPIC_SHARED_TERMS + 1 and shared / max(1, len(a.terms | b.terms)) >= 0.2
    return cosine >= threshold and shared >= TOPIC_SHARED_TERMS


def detect(a: Statement, b: Statement, cosine: float | None = None, focus: frozenset[str] = frozenset()) -> Finding | None:
    """A contradiction between two statements about the same thing, or None (`focus`: the question's terms)."""
    cosine = _cosine(a, b) if cosine is None else cosine
    if not same_topic(a, b, cosine, CLASS_COSINE):
        return None
    found = polarity_conflict(a, b, cosine, focus)
    if found or not same_topic(a, b, cosine):
        return found
    found = number_conflict(a, b)
    if found:
        return found
    if same_topic(a, b, cosine, SAME_STATEMENT_COSINE):
        return date_conflict(a, b) or name_conflict(a, b)
    if shared_figure(a, b):
        return name_conflict(a, b)  # the same toll, blamed on different agents
    return None


def claims_agree(a: Statement, b: Statement) -> bool:
    """Whether two similar sentences may count as one claim ("also reported by"): every figure either
    states, the other states too (hedges read as ranges: "nearly 250" and 246 agree, 2,500 and 250 do
    not; "killed 2,500 and injured 9,000" is not "killed 2,500"); their dates and clock times do not
    differ; neither names another agent for the same act or puts the same quotation in another mouth. Stricter than the absence of a conflict: a
    sentence with a figure is not corroborated by one without it."""
    qa, qb = quantities(a.text), quantities(b.text)
    if not all(any(x.compatible(y) for y in qb) for x in qa) or not all(any(y.compatible(x) for x in qa) for y in qb):
        return False
    da, db = _dates(a.text), _dates(b.text)
    if any(da[kind] and db[kind] and not da[kind] & db[kind] for kind in ("date", "weekday", "clock", "year")):
        return False
    return name_conflict(a, b) is None and number_conflict(a, b) is None  # another agent; one quotation, two speakers


def detect_all(statements: Iterable[Statement]) -> list[tuple[int, int, Finding]]:
    """Every contradicting pair among the statements, as (i, j, finding) with i < j."""
    items = list(statements)
    found = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            finding = detect(items[i], items[j])
            if finding:
                found.append((i, j, finding))
    return found
