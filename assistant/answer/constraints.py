"""The question's named constraints: the names, numbers and years an answer must be about.

"Where did the FSA propose to hold talks with Turkey?" is not answered by a
sentence about talks with Russia, however alike the two read to cosine and
keyword overlap. The composer asks `missing(...)` of each candidate's
neighbourhood (the sentence and the sentences around it) and quotes only
candidates that leave no constraint unmet, or abstains.

The rule is deliberately lenient, because a wrong abstention costs too:
a name matches its demonym or plural ("Syria" / "Syrian", "Iraq" / "Iraqi"),
a multi-word name matches its last word ("Sergei Lavrov" / "Lavrov") or its
initials ("Free Syrian Army" / "FSA", and back), a longer name one typo
("ARPNET" / "ARPANET"), a capital the country it stands for in news
writing ("Moscow" / "Russia", "Washington" / "US"), accents and dots don't count ("Temur" / "Temür",
"US" / "U.S."); numbers match digit for digit ("250,000" / "250000", "four" /
"4", "Phase II" / "2", "the 1970s" / "1977"). Only the sentence that asks
counts (a scene set before it is context), and lower-case questions carry no
name constraints.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable, Protocol

import numpy as np

from assistant.index.store import IndexData
from assistant.text import stopwords

NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?=s?\b)")  # "1950s" mentions 1950
DECADE = re.compile(r"\b(1\d|20)\d0s\b")
NUMBER_WORDS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
ROMAN = {"II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6", "VII": "7", "VIII": "8", "IX": "9", "X": "10"}
ROMAN_AFTER_NAME = re.compile(r"\b[A-Z][a-z]+ (I{1,3}|IV|VI{0,3}|IX|X)\b")  # "Class I", "Phase II"
DOTTED_INITIALS = re.compile(r"\b(?:[A-Z]\.){2,}")  # "U.S." reads as "US"
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
CAPITALISED = re.compile(r"^[A-Z]")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z\"“])")
# "I", and the setting most news readers share: "US gas prices", "the US box office" rarely name the US in the answer
NOT_CONSTRAINTS = frozenset({"I", "US", "USA", "America", "American", "Americans"})
# How far from a candidate sentence the question's constraints may be met: a number or year must sit
# next to it ("Division 13", "since March 2011" one sentence earlier); a name may be a few sentences
# away or in the title (the article's subject), never in the outlet's own name. Whole-article
# names let "in Iraq" through on an article about Syria that mentions "the Islamic State of Iraq" once.
# Capitals that news writing uses for their governments ("Moscow offered ..."): each group's words stand for each other
METONYMS = [
    {"moscow", "kremlin", "russia", "russian", "russians"},
    {"washington", "us", "america", "american", "americans"},
    {"beijing", "china", "chinese"},
    {"tehran", "iran", "iranian", "iranians"},
    {"damascus", "syria", "syrian", "syrians"},
    {"ankara", "turkey", "turkish"},
    {"kyiv", "kiev", "ukraine", "ukrainian", "ukrainians"},
    {"london", "britain", "british", "uk"},
    {"paris", "france", "french"},
    {"berlin", "germany", "german"},
    {"tokyo", "japan", "japanese"},
    {"riyadh", "saudi"},
]
STANDS_FOR = {word: frozenset(group - {word}) for group in METONYMS for word in group}
NUMBER_NEIGHBOURS = 1
NAME_NEIGHBOURS = 3
MIN_MISSPELT = 6  # names this long may carry one typo
MIN_PREFIX = 4  # "Iraq" matches "Iraqi"; shorter words must match whole
MAX_SUFFIX = 3  # ... and "Syria" "Syrians", but "Turk" not "Turkmenistan"


@dataclass(frozen=True)
class Constraint:
    """One thing the answer must be about, as the question wrote it (`label`) and as it is matched."""

    label: str
    words: tuple[str, ...]  # lower-case words of a name; a number's digits in `number`
    number: str = ""

    def met_by(self, found: "Mentions") -> bool:
        if self.number.endswith("0s"):  # "the 1970s": any year of the decade
            return any(len(n) == len(self.number) - 1 and n.startswith(self.number[:-2]) for n in found.numbers)
        if self.number:
            return self.number in found.numbers
        if len(self.words) > 1 and (initials(self.words) in found.words or "".join(self.words) in found.words):
            return True  # "Free Syrian Army" / "FSA", "Apple Talk" / "AppleTalk"
        last = self.words[-1]
        if last in found.words or (len(self.words) == 1 and STANDS_FOR.get(last, frozenset()) & found.words):
            return True
        if len(self.words) == 1 and self.label.isupper() and any(i.startswith(last) for i in found.initials):
            return True  # "NY" / "New York Times"
        return any(same_name(last, word) for word in found.words) or any(misspelt(last, word) for word in found.words)


@dataclass(frozen=True)
class Mentions:
    """What a stretch of article text mentions: its words (lower-case), numbers and the initials of its names."""

    words: frozenset[str]
    numbers: frozenset[str]
    initials: frozenset[str]

    @staticmethod
    def union(parts: Iterable["Mentions"]) -> "Mentions":
        parts = list(parts)
        return Mentions(
            frozenset().union(*(p.words for p in parts)),
            frozenset().union(*(p.numbers for p in parts)),
            frozenset().union(*(p.initials for p in parts)),
        )


def plain(text: str) -> str:
    """Accents off ("Temür" -> "Temur") and dotted initials joined ("U.S." -> "US")."""
    text = DOTTED_INITIALS.sub(lambda m: m.group().replace(".", ""), text)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def digits(number: str) -> str:
    return number.replace(",", "").rstrip(".")


def initials(words: tuple[str, ...] | list[str]) -> str:
    return "".join(word[0] for word in words)


def same_name(wanted: str, word: str) -> bool:
    """Equal, or one the other's demonym / plural ("syria" / "syrian", "iraq" / "iraqis", "mexico" / "mexican")."""
    if wanted == word:
        return True
    short, long = sorted((wanted, word), key=len)
    if len(short) < MIN_PREFIX or len(long) - len(short) > MAX_SUFFIX:
        return False
    shared = next((i for i, (a, b) in enumerate(zip(short, long)) if a != b), len(short))
    return shared >= max(MIN_PREFIX, len(short) - 1)


def misspelt(wanted: str, word: str) -> bool:
    """One letter added, dropped or changed in a longer name ("ARPNET" / "ARPANET")."""
    if len(wanted) < MIN_MISSPELT or abs(len(wanted) - len(word)) > 1 or wanted[0] != word[0]:
        return False
    return SequenceMatcher(None, wanted, word).ratio() >= 0.85


def name_runs(text: str) -> list[list[str]]:
    """Runs of capitalised words ("Lieutenant Colonel Ahmad Saoud"), each word as written."""
    runs: list[list[str]] = []
    current: list[str] = []
    last_end = -1
    for match in WORD.finditer(text):
        word = match.group().split("'")[0].split("’")[0]
        gap = text[last_end : match.start()] if last_end >= 0 else ""
        if CAPITALISED.match(word) and (not current or gap.strip() in {"", "-"}):
            current.append(word)
        else:
            if current:
                runs.append(current)
            current = [word] if CAPITALISED.match(word) else []
        last_end = match.end()
    if current:
        runs.append(current)
    return runs


def mentions(text: str) -> Mentions:
    text = plain(text)
    words = frozenset(w.lower().split("'")[0].split("’")[0] for w in WORD.findall(text))
    numbers = {digits(n) for n in NUMBER.findall(text)} | {NUMBER_WORDS[w] for w in words if w in NUMBER_WORDS}
    numbers |= {ROMAN.get(m, "1") for m in ROMAN_AFTER_NAME.findall(text)}
    common = stopwords()
    runs = [[w.lower() for w in run if w.lower() not in common] for run in name_runs(text)]  # "The Free Syrian Army": fsa
    return Mentions(
        words=words,
        numbers=frozenset(numbers),
        initials=frozenset(initials(run) for run in runs if len(run) > 1),
    )


def asking_part(question: str) -> str:
    """The sentence that asks: RealTime QA's "US gas prices have been falling for 50 days. What was the
    record high ...?" sets a scene first, and the scene's names are context, not constraints."""
    sentences = [s for s in SENTENCE_END.split(question.strip()) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return (asking or sentences or [question])[-1]


def question_constraints(question: str) -> list[Constraint]:
    """Names (capitalised words after the first, stopwords, question words and the US setting aside),
    numbers and years, of the sentence that asks."""
    question = plain(asking_part(question))
    decades = {m.group()[:-1] for m in DECADE.finditer(question)}
    found = [Constraint(n + "s", (), n + "s") if n in decades else Constraint(n, (), digits(n))
             for n in dict.fromkeys(NUMBER.findall(question))]
    common = stopwords()
    first = WORD.search(question)
    for run in name_runs(question):
        if first and run == [first.group()]:  # "Describe ...": a first word alone is capitalised anyway
            continue
        run = [word for word in run if word.lower() not in common and word not in NOT_CONSTRAINTS
               and not (len(word) <= 2 and not word.isupper())]  # "Jr", "Sr", "Mr"
        if run:
            found.append(Constraint(" ".join(run), tuple(word.lower() for word in run)))
    return found


def missing(constraints: list[Constraint], found: Mentions) -> list[Constraint]:
    """The constraints this text leaves unmet."""
    return [c for c in constraints if not c.met_by(found)]


class WantedAnswer(Protocol):
    """The kind of answer a question asks for (assistant/answer/answer_types.py): met by the sentence itself."""

    label: str

    def met_by(self, sentence: str) -> bool: ...


class Neighbourhoods:
    """Which of one question's constraints each candidate sentence leaves unmet, every sentence read once;
    with `wanted`, also whether the sentence itself holds the kind of answer asked for (a number, a date)."""

    def __init__(self, data: IndexData, constraints: list[Constraint], wanted: WantedAnswer | None = None) -> None:
        self.data = data
        self.constraints = constraints
        self.wanted = wanted
        self._sentences: dict[int, Mentions] = {}
        self._headings: dict[int, Mentions] = {}
        self._unmet: dict[int, list] = {}

    @property
    def active(self) -> bool:
        """Whether anything is demanded of a candidate at all."""
        return bool(self.constraints) or self.wanted is not None

    def unmet(self, row: int) -> list:
        """Numbers and years missing from the sentence, its neighbours and its article's publication year; names missing from a wider stretch,
        and the title; then the wanted kind of answer, if the sentence itself has none."""
        if row not in self._unmet:
            doc = int(self.data.sentences[row, 0])
            near = Mentions.union([self.dated(doc), *(self.sentence(r) for r in self.around(row, NUMBER_NEIGHBOURS))])
            wide = Mentions.union([self.heading(doc), *(self.sentence(r) for r in self.around(row, NAME_NEIGHBOURS))])
            outlet = self.data.articles[doc].outlet_name
            unmet = [c for c in self.constraints if not c.met_by(near if c.number else wide) and not names_outlet(c, outlet)]
            if self.wanted is not None and not self.wanted.met_by(self.data.sentence_text(row)):
                unmet.append(self.wanted)
            self._unmet[row] = unmet
        return self._unmet[row]

    def around(self, row: int, neighbours: int) -> range:
        return neighbour_rows(self.data, row, neighbours)

    def sentence(self, row: int) -> Mentions:
        if row not in self._sentences:
            self._sentences[row] = mentions(self.data.sentence_text(row))
        return self._sentences[row]

    def dated(self, doc: int) -> Mentions:
        """The year the article was published: "the 2022 Emmy Awards" is met by a 2022 article about the Emmys."""
        day = self.data.articles[doc].published_day
        return mentions(str(day.year) if day else "")

    def heading(self, doc: int) -> Mentions:
        if doc not in self._headings:
            article = self.data.articles[doc]
            self._headings[doc] = mentions(article.title or "")  # not the outlet: "Iran Press TV" says nothing of Iran
        return self._headings[doc]


def names_outlet(constraint: Constraint, outlet: str) -> bool:
    """"according to SBS News" names the article's outlet, and the article meets it; a part of the outlet's
    name meets nothing ("Iran" is not met by "Iran Press TV", which is no news about Iran)."""
    words = tuple(w.lower() for w in WORD.findall(plain(outlet)) if w.lower() != "the")
    return bool(constraint.words) and constraint.words == words


def sentence_row(data: IndexData, doc_id: str, start: int) -> int | None:
    """The row of the sentence of article `doc_id` that starts at `start` (rows are sorted by article, then
    start), or None when the index has no such sentence (a stale citation)."""
    doc = data.doc_index.get(doc_id)
    if doc is None:
        return None
    rows = data.sentences
    lo, hi = np.searchsorted(rows[:, 0], [doc, doc + 1])
    row = int(lo + np.searchsorted(rows[lo:hi, 1], start))
    return row if row < hi and int(rows[row, 1]) == start else None


def neighbour_rows(data: IndexData, row: int, neighbours: int) -> range:
    """Rows of the sentence and up to `neighbours` sentences of its article either side."""
    rows = data.sentences
    doc = rows[row, 0]
    first, last = row, row
    while first > 0 and row - first < neighbours and rows[first - 1, 0] == doc:
        first -= 1
    while last + 1 < len(rows) and last - row < neighbours and rows[last + 1, 0] == doc:
        last += 1
    return range(first, last + 1)


def name_context(data: IndexData, row: int) -> list[str]:
    """Where a name may be met for the sentence at `row`: its wider neighbourhood, its article's title and outlet."""
    article = data.articles[int(data.sentences[row, 0])]
    return [*(data.sentence_text(r) for r in neighbour_rows(data, row, NUMBER_NEIGHBOURS)), article.title or "", article.outlet_name]
