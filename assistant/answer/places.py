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
from functools import lru_cache

ALIASES = {
    "Britain": "United Kingdom", "Great Britain": "United Kingdom", "UK": "United Kingdom", "U.K.": "United Kingdom",
    "England": "United Kingdom", "Scotland": "United Kingdom", "Wales": "United Kingdom", "Northern Ireland": "United Kingdom",
    "US": "United States", "U.S.": "United States", "USA": "United States", "America": "United States",
    "Russia": "Russian Federation", "Iran": "Iran", "Syria": "Syria", "Vietnam": "Viet Nam", "Laos": "Lao",
    "North Korea": "North Korea", "South Korea": "South Korea", "Holland": "Netherlands", "Ivory Coast": "Côte d'Ivoire",
    "Congo": "Congo", "Kosovo": "Kosovo", "Palestine": "Palestine", "Czech Republic": "Czechia", "Turkey": "Türkiye",
}
# adjectives of nationality that no spelling rule derives from the country's name (see `_demonyms` for the rest)
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


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Every name and adjective of a country -> the country it names."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name and "," not in name:  # "Korea, Republic of" is not how a text names it
                names[name] = canonical
    names.update(ALIASES)
    names.update(_demonyms(names))
    return names


def _demonyms(names: dict[str, str]) -> dict[str, str]:
    """Iran -> Iranian, Colombia -> Colombian, Italy -> Italian, Mexico -> Mexican, Kenya -> Kenyan."""
    found: dict[str, str] = {}
    for name, country in names.items():
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


def named(text: str, kind: str) -> frozenset[str]:
    """The countries ("country") or states and provinces ("state") that `text` names."""
    table = countries() if kind == "country" else regions()
    found = set()
    for match in CAPITALISED.finditer(text):
        words = match.group(0).split()
        for i in range(len(words)):  # every run of words inside the capitalised stretch
            for j in range(i + 1, len(words) + 1):
                for phrase in _spellings(" ".join(words[i:j])):
                    if phrase in table:
                        found.add(table[phrase])
    return frozenset(found)


def _spellings(phrase: str) -> set[str]:
    """The phrase, without a sentence's full stop and without a possessive: "Mexico.", "Mississippi’s"."""
    bare = phrase[:-1] if phrase.endswith(".") else phrase
    forms = {phrase, bare}
    for suffix in ("'s", "’s", "'", "’"):
        if bare.endswith(suffix):
            forms.add(bare[: -len(suffix)])
    return forms
