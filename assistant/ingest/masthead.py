"""Infer an article's outlet from what the page itself states, or its URL.

Only a masthead or sign-off line counts: a standalone line such as
"SBS News" or "TRTWorld and agencies". A name inside a sentence ("told
Reuters") is a source the story quotes, not its publisher, so it is ignored.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlparse

from assistant.ingest.clean import split_lines

MEDIA_WORDS = re.compile(
    r"\b(News|TV|Times|Post|Press|Herald|Journal|Tribune|Guardian|Telegraph|Agency|"
    r"Radio|Daily|Gazette|Network|Television|Broadcasting|Wire|Chronicle|Observer|"
    r"Reuters|AFP|BBC|CNN|Al Jazeera)\b"
)
SIGN_OFF = re.compile(r"^(?P<name>[A-Z][\w.&' -]{1,40}?)\s+and agencies$")
INBOX_PROMO = re.compile(r"\bGet (?P<name>[A-Z][\w.&' -]{1,30}?) daily\b")
GENERIC = {"news", "world news", "top news", "latest news", "breaking news", "home"}
MAX_MASTHEAD_WORDS = 5
EDGE_LINES = 40  # mastheads and sign-offs sit near the top or bottom of a page


def split_camel(name: str) -> str:
    """'TRTWorld' -> 'TRT World': mastheads often glue an acronym to a word."""
    return re.sub(r"([A-Z]{2,})([A-Z][a-z])", r"\1 \2", name).strip()


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    host = re.sub(r"^(www\d?|m|amp|edition|europe)\.", "", host.lower())
    return host or None


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
            and not re.search(r"[.!?:,/|]", line.text)
            and line.text.lower() not in GENERIC
        ):
            candidates.add(line.text)
        for promo in INBOX_PROMO.finditer(line.text):
            candidates.add(promo.group("name"))
    if not candidates:
        return None
    counts = Counter({name: text.count(name) for name in candidates})
    best, _ = max(counts.items(), key=lambda item: (item[1], -len(item[0])))
    return split_camel(best)


def infer_outlet(text: str, url: str | None = None) -> tuple[str | None, str | None]:
    """(outlet, how it was found): masthead text first, then the URL's domain."""
    name = outlet_from_text(text)
    if name:
        return name, "masthead"
    domain = outlet_from_url(url)
    if domain:
        return domain, "url"
    return None, None
