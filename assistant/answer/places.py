"""Which countries, and which states or provinces, a text names.

"Hurricane Roslyn made landfall in which country?" is not answered by
"Roslyn made landfall near Santa Cruz in northern Nayarit state", however
closely it restates the question: the quote must name a country. Names come
from pycountry (ISO 3166 countries and their subdivisions), plus the short
forms news uses ("Britain", "the US") and the adjectives of nationality
("Iranian lawmakers" names Iran).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ALIASES = {
    "Britain": "United Kingdom", "Great Britain": "United Kingdom", "UK": "United Kingdom", "U.K.": "United Kingdom",
    "England": "United Kingdom", "Scotland": "United Kingdom", "Wales": "United Kingdom", "Northern Ireland": "United Kingdom",
    "US": "United States", "U.S.": "United States", "USA": "United States", "America": "United States",
    "Russia": "Russian Federation", "Iran": "Iran", "Syria": "Syria", "Vietnam": "Viet Nam", "Laos": "Lao",
    "North Korea": "North Korea", "South Korea": "South Korea", "Holland": "Netherlands", "Ivory Coast": "Côte d'Ivoire",
    "Congo": "Congo", "Kosovo": "Kosovo", "Palestine": "Palestine", "Czech Republic": "Czechia", "Turkey": "Türkiye",
}
# adjectives of nationality that no spelling rule derives from the country's name (`nationalities` derives the rest)
IRREGULAR_DEMONYMS = {
    "American": "United States", "British": "United Kingdom", "English": "United Kingdom", "Scottish": "United Kingdom",
    "Welsh": "United Kingdom", "French": "France", "Dutch": "Netherlands", "Spanish": "Spain", "Filipino": "Philippines",
    "Philippine": "Philippines", "Irish": "Ireland", "Swiss": "Switzerland", "Thai": "Thailand", "Polish": "Poland",
    "Danish": "Denmark", "Finnish": "Finland", "Swedish": "Sweden", "Turkish": "Türkiye", "Afghan": "Afghanistan",
    "Saudi": "Saudi Arabia", "Icelandic": "Iceland", "Greek": "Greece", "Czech": "Czechia", "Slovak": "Slovakia",
    "Emirati": "United Arab Emirates", "Kiwi": "New Zealand", "Israeli": "Israel", "Pakistani": "Pakistan", "Iraqi": "Iraq",
    "Kuwaiti": "Kuwait", "Qatari": "Qatar", "Yemeni": "Yemen", "Omani": "Oman", "Bangladeshi": "Bangladesh",
    "Chinese": "China", "Japanese": "Japan", "Vietnamese": "Viet Nam", "Portuguese": "Portugal", "Lebanese": "Lebanon",
    "Sudanese": "Sudan", "Taiwanese": "Taiwan", "Nepalese": "Nepal", "Congolese": "Congo", "Senegalese": "Senegal",
    "Norwegian": "Norway", "Peruvian": "Peru", "Belgian": "Belgium", "Croatian": "Croatia", "Serbian": "Serbia",
    "Hungarian": "Hungary", "Cuban": "Cuba", "Haitian": "Haiti", "Ukrainian": "Ukraine", "Venezuelan": "Venezuela",
}
GENERIC = frozenset("North South East West Northern Southern Eastern Western Central Capital Upper Lower Middle Coast City".split())
CAPITALISED = re.compile(r"(?<![\w.])(?:[A-Z][\w'’.-]*)(?:\s+(?:of\s+|the\s+|and\s+)?[A-Z][\w'’.-]*)*")


@dataclass(frozen=True)
class PlaceMention:
    """`text[start:end]` names `place`; `adjective` when it is a nationality ("Iranian"), not the name."""

    start: int
    end: int
    place: str
    adjective: bool = False


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Every name of a country ("Mexico", "United Mexican States", "Britain") -> the country it names."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name and "," not in name:  # "Korea, Republic of" is not how a text names it
                names[name] = canonical
    names.update(ALIASES)
    return names


@lru_cache(maxsize=1)
def nationalities() -> dict[str, str]:
    """Iran -> Iranian, Colombia -> Colombian, Italy -> Italian, Mexico -> Mexican, Kenya -> Kenyan; and the irregular ones."""
    found: dict[str, str] = {}
    for name, country in country_names().items():
        if " " in name or not name.isalpha():
            continue
        stems = {name, name[:-1]} if name[-1] in "aeoy" else {name}
        for stem in stems:
            for ending in ("ian", "an", "n", "i"):
                found.setdefault(stem + ending, country)
    found.update(IRREGULAR_DEMONYMS)
    return found


@lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    """States, provinces and the like of every country (Nayarit, Kerala, Ohio) -> themselves."""
    import pycountry

    return {s.name: s.name for s in pycountry.subdivisions if not set(s.name.split()) <= GENERIC}  # not "Central", "Northern"


def mentions_of(text: str, kind: str) -> list[PlaceMention]:
    """Where `text` names a country ("country") or a state ("state"), longest phrases first at each place."""
    names = country_names() if kind == "country" else regions()
    adjectives = nationalities() if kind == "country" else {}
    found: list[PlaceMention] = []
    for match in CAPITALISED.finditer(text):
        words = [(m.start() + match.start(), m.end() + match.start()) for m in re.finditer(r"\S+", match.group(0))]
        for i in range(len(words)):  # every run of words inside the capitalised stretch
            for j in range(len(words), i, -1):
                start, end = words[i][0], words[j - 1][1]
                phrase = " ".join(text[start:end].split())
                for spelled in _spellings(phrase):
                    stop = end - (len(phrase) - len(spelled))  # a spelling only drops characters at the end
                    if spelled in names:
                        found.append(PlaceMention(start, stop, names[spelled]))
                    elif spelled in adjectives:
                        found.append(PlaceMention(start, stop, adjectives[spelled], adjective=True))
    return found


def named(text: str, kind: str) -> frozenset[str]:
    """The countries ("country") or states ("state") that `text` names, by name or adjective."""
    return frozenset(m.place for m in mentions_of(text, kind))


def _spellings(phrase: str) -> list[str]:
    """The phrase, without a sentence's full stop and without a possessive: "Mexico.", "Mississippi’s"."""
    bare = phrase[:-1] if phrase.endswith(".") else phrase
    forms = [phrase, bare]
    for suffix in ("'s", "’s", "'", "’"):
        if bare.endswith(suffix):
            forms.append(bare[: -len(suffix)])
    return list(dict.fromkeys(forms))
