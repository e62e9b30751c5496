"""Figures as stated: value ranges after hedges, unit, event, who a figure is about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.outlets.conflicts.dates import MONTH, MONTHS, WEEKDAYS
from assistant.outlets.conflicts.polarity import IGNORED_STEMS
from assistant.text import stopwords, terms

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
