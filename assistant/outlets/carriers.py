"""Who quoted whom: the news outlet an article's sentence says it took a claim from.

"Fahad al-Masri ... told Russian RIA Novosti news agency on Sunday" in an
article of unknown outlet, "Issam al- Rayyes ... told the BBC" in TRT World,
"One leading rebel told Reuters", "According to Reuters, ...", "Press TV,
citing RIA Novosti", "as per the AFP news organization": the words were first
carried by another outlet, and the article carries them on. The chain a
reader wants is speaker (when named), first outlet, then the outlet quoted
here: "Issam al- Rayyes -> BBC -> TRT World".

`carried_from(sentence)` finds that first outlet: a name after a cue ("told",
"speaking to", "in an interview with", "citing", "quoted by", "according
to", "as per", "reported by") or before "reported" / "reports", that the
registry of known outlets names (assistant/outlets/registry.json: "RIA",
"Reuters", "the BBC", "Agence France-Presse"), or that ends in a media word
("Interfax news agency", "Kommersant newspaper"). People and officials after
the same cues ("told reporters", "according to officials") are no outlets.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.outlets.registry import registry

CUE = re.compile(
    r"\b(?:told|tells|telling|tell|said to|speaking to|spoke to|speaks to|talking to|in an interview with|"
    r"interviewed by|quoted by|citing|cited by|according to|as per|reported by|reporting by|wrote in|writing in)\s+"
    r"(?P<name>[^,.;:!?“”\"]{1,80})",
    re.I,
)
REPORTED = re.compile(r"(?P<name>(?:[A-Z][\w’'&-]*\s+){0,4}[A-Z][\w’'&-]*(?:\s+(?:news agency|agency|newspaper|television|TV|radio))?)\s+(?:has\s+|had\s+)?(?:reported|reports)\b")
MEDIA_WORDS = ("news agency", "news organization", "news organisation", "newspaper", "daily", "television", "radio", "broadcaster", "news channel", "agency", "TV")
WORD = re.compile(r"[\w’'&.-]+")
MAX_WORDS = 8


@lru_cache(maxsize=4096)
def carried_from(sentence: str, outlet: str | None = None) -> str | None:
    """The outlet the sentence credits with the claim (its display name when the registry knows it), or None;
    never `outlet` itself (a Reuters article saying "told Reuters" carries its own interview)."""
    for match in list(CUE.finditer(sentence)) + list(REPORTED.finditer(sentence)):
        name = outlet_named(match.group("name"))
        if name and not _same_outlet(name, outlet):
            return name
    return None


def outlet_named(phrase: str) -> str | None:
    """The outlet at the start of `phrase` ("Russian RIA Novosti news agency on Sunday" -> "RIA Novosti"):
    a registry name (longest first, a national adjective before it allowed), or capitalised words before
    a media word ("Interfax news agency" -> "Interfax")."""
    words = WORD.findall(phrase)[:MAX_WORDS]
    known = registry()
    for start in range(min(3, len(words))):  # "the BBC", "Russian RIA Novosti", "the Russian RIA news agency"
        if start and not words[start - 1][:1].isupper() and words[start - 1].lower() != "the":
            break
        for end in range(len(words), start, -1):
            found = known.entry_for_name(" ".join(words[start:end]).strip(".")) if words[start][:1].isupper() else None
            if found:
                return found[0].name
    text = " ".join(words)
    for media in MEDIA_WORDS:
        head = re.match(rf"^(?:the\s+)?(?P<name>(?:[A-Z][\w’'&-]*\s+){{1,4}}){re.escape(media)}\b", text + " ")
        if head:
            return head.group("name").strip()
    return None


def _same_outlet(name: str, outlet: str | None) -> bool:
    if not outlet:
        return False
    found = registry().entry_for_name(outlet)
    return name.casefold() == outlet.casefold() or (found is not None and found[0].name == name)

