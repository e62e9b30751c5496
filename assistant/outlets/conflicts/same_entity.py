"""Whether two names, as two outlets write them, name the same entity.

"Donald Trump" and "Trump", "Free Syrian Army" and "FSA", "NewSTART" and
"New Start", "Fed" and "Federal Reserve", "Qaeda" and "al-Qaida", "Moscow"
and "Russia" are one answer each; "Niagara County Sheriff's Office" and
"Erie County Sheriff's Office", "China Eastern Airlines" and "China Southern
Airlines" are two. A name is compared by its distinctive words: not function
words, not the question's own words, not generic heads ("County", "Office").
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Sequence

from assistant.answer.constraints import Constraint, initials, mentions
from assistant.answer.name_answer import NameSpan
from assistant.text import stopwords, terms

# heads that many names share: "Erie County Sheriff's Office" and "Niagara County Sheriff's Office" differ by their first word
GENERIC = frozenset(
    "county office department ministry agency airport airlines airline city state university party group company "
    "news international national united council committee court house sheriff's sheriff police service day".split()
)
WORD = re.compile(r"[\w’'-]+")
LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][\w’'-]*")


def named_in(name: str, text: str, names: Sequence[NameSpan], asked: frozenset[str]) -> bool:
    """Whether `text` (with its `names`) names the same entity: one name's own words within the other's
    ("Trump" / "Donald Trump"; "County", "Office" and the question's words aside, so "Niagara County
    Sheriff's Office" is not "Erie County Sheriff's Office"), or the forms the named-constraint rule
    accepts for a one-word name or initials ("FSA" / "Free Syrian Army", "Moscow" / "Russia")."""
    own = distinctive(name, asked)
    if not own:
        return True  # nothing of its own to differ by
    squeezed = _squeezed(name)
    if any(squeezed == _squeezed(text[s.start : s.end]) for s in names):
        return True  # "NewSTART" / "New Start"
    if len(own) == 1 and any(w.startswith(next(iter(own))) for s in names for w in distinctive(text[s.start : s.end], asked)):
        return True  # "Fed" / "Federal Reserve"
    last = _last_word(name)
    for other in (text[s.start : s.end] for s in names):
        theirs = distinctive(other, asked)
        if theirs and (own <= theirs or theirs <= own or (last and last == _last_word(other))):
            return True  # "Tom Price" / "Health Secretary Thomas E Price"
        other_last = _last_word(other)
        if last and other_last and _spelt_alike(last.removeprefix("al-"), other_last.removeprefix("al-")):
            return True  # "Qaeda" / "al-Qaida", "Zawahiri" / "Zawahri": one name transliterated two ways
    words = tuple(w.lower() for w in WORD.findall(name) if w.lower() not in stopwords())
    found = mentions(LOWER_WORD.sub(" . ", text))  # a name is met by names, not by common words ("SpaceX" / "deep space")
    if len(own) == 1 or len(words) == 1:
        return Constraint(name, tuple(sorted(own)) if len(own) == 1 else words).met_by(found)
    return initials(words) in found.words or own <= found.words


def _spelt_alike(a: str, b: str) -> bool:
    """One spelling of a transliterated name against another: same first letter, about the same length
    and letters ("Aisyah" / "Aishah"), which "Kansas" / "Arkansas" and "Austria" / "Australia" are not."""
    return len(a) >= 5 and a[0] == b[0] and abs(len(a) - len(b)) <= 1 and SequenceMatcher(None, a, b).ratio() >= 0.8


def _squeezed(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower())


def _last_word(name: str) -> str | None:
    """A person's family name: the last word, unless it is a generic head ("Office")."""
    words = [re.sub(r"['’]s?$", "", w.lower()) for w in WORD.findall(name)]
    return words[-1] if words and words[-1] not in GENERIC and words[-1] not in stopwords() else None


def distinctive(name: str, asked: frozenset[str]) -> frozenset[str]:
    """A name's words that tell it apart: not function words, not the question's, not generic heads."""
    words = {re.sub(r"^(?:al|el)-|['’]s?$", "", w.lower()) for w in WORD.findall(name)}  # "al-Qaida" -> "qaida"
    return frozenset(w for w in words if w not in stopwords() and w not in GENERIC and not set(terms(w)) <= asked)
