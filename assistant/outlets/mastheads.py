"""Infer an article's outlet from what the page itself states, or its URL.

Only a masthead, dateline or sign-off line counts: a standalone line such as
"SBS News", "TRTWorld and agencies", or a dateline "Washington CNN —". A name
inside a sentence ("told Reuters") is a source the story quotes, not its
publisher, so it is ignored; so is a headline kicker ("News streaming wars":
an outlet's name is capitalised word by word) and a byline ("Frida Ghitis CNN").
Names are mapped to the outlet registry (`assistant.outlets.registry`);
`assistant.outlets.identity` puts the URL's outlet before the text's.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.ingest.clean import split_lines
from assistant.outlets.registry import registry

MEDIA_WORDS = re.compile(
    r"\b(News|TV|Times|Post|Press|Herald|Journal|Tribune|Guardian|Telegraph|Agency|"
    r"Radio|Daily|Gazette|Network|Television|Broadcasting|Wire|Chronicle|Observer|"
    r"Reuters|AFP|BBC|CNN|Al Jazeera)\b"
)
SIGN_OFF = re.compile(r"^(?P<name>[A-Z][\w.&' -]{1,40}?)\s+and agencies$")
INBOX_PROMO = re.compile(r"\bGet (?P<name>[A-Z][\w.&' -]{1,30}?) daily\b")
GENERIC = {"news", "world news", "top news", "latest news", "breaking news", "home", "television", "tv", "radio", "press"}
MINOR_WORDS = {"of", "the", "and", "de", "for", "on", "in", "at", "to", "&"}
MAX_MASTHEAD_WORDS = 5
EDGE_LINES = 40  # mastheads and sign-offs sit near the top or bottom of a page


def split_camel(name: str) -> str:
    """'TRTWorld' -> 'TRT World': mastheads often glue an acronym to a word."""
    return re.sub(r"([A-Z]{2,})([A-Z][a-z])", r"\1 \2", name).strip()


def _title_cased(line: str) -> bool:
    """'Iran Press TV', 'The News Journal': every word capitalised but the small ones; not 'News streaming wars'."""
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in MINOR_WORDS for w in line.split())


def _dateline_or_byline(line: str) -> bool:
    """'Washington CNN —', 'Frida Ghitis CNN', 'Role of the BBC': a known outlet's name inside a longer line."""
    reg = registry()
    if _known(line):
        return False
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", line) for entry in reg.entries for name in entry.names)


def _known(name: str) -> bool:
    return registry().entry_for_name(split_camel(name)) is not None or registry().entry_for_name(name) is not None


def outlet_from_text(text: str) -> str | None:
    """A masthead or sign-off line's outlet name, or None when the page states none."""
    lines = split_lines(text)
    edge = lines[:EDGE_LINES] + lines[-EDGE_LINES:] if len(lines) > 2 * EDGE_LINES else lines
    for line in reversed(edge):
        match = SIGN_OFF.match(line.text)
        if match:
            return split_camel(match.group("name"))
    candidates: set[str] = set()
    for line in edge:
        words = line.text.split()
        if (
            len(words) <= MAX_MASTHEAD_WORDS
            and MEDIA_WORDS.search(line.text)
            and line.text[0].isupper()
            and not re.search(r"[.!?:,/|—–]", line.text)
            and line.text.lower() not in GENERIC
            and _title_cased(line.text)
            and not _dateline_or_byline(line.text)
        ):
            candidates.add(line.text)
        for promo in INBOX_PROMO.finditer(line.text):
            candidates.add(promo.group("name"))
    candidates = {_credit_free(c) for c in candidates}
    if not candidates:
        return None
    counts = Counter({name: text.count(name) for name in candidates})
    best, _ = max(counts.items(), key=lambda item: (_known(item[0]), item[1], -len(item[0])))
    return split_camel(best)


def _credit_free(line: str) -> str:
    """'For the Courier-Post' -> 'Courier-Post', 'Free Press Staff Writer' -> 'Free Press': a credit line's outlet."""
    line = re.sub(r"^(?:Special to|For)\s+(?:the\s+)?", "", line)
    return re.sub(r"\s+(?:Staff Writer|Staff|Editorial Board|Correspondent)$", "", line) or line
