"""One outlet, one name: the canonical outlet of an article.

Every article gets one outlet, found in this order:

1. what the user says (a record's `outlet` field, a `sources.json` manifest);
2. else the registered domain of its URL (`news.bbc.co.uk` and `www.bbc.co.uk`
   are both `bbc.co.uk`), read with `tldextract`'s bundled public-suffix
   snapshot, never the network;
3. else a masthead or dateline in the text ("Washington CNN —", "(CNN)",
   "LONDON (Reuters) -", a standalone "SBS News" line, "TRTWorld and agencies").

Whatever the route, a known outlet is named by the registry
(`assistant/outlets/registry.json`: domain -> display name, aliases, desks), so
"cnn.com", "www.cnn.com", "CNN —" and "New York CNN Business —" are all "CNN".
A sub-brand ("CNN Business") is the outlet's desk (`Article.desk`), never a
second outlet. An outlet the registry does not know shows its registered
domain (from a URL) or the name as written (from the user or a masthead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlparse

from assistant.outlets.mastheads import outlet_from_text
from assistant.outlets.registry import OutletEntry, Registry, match_desk, name_key, registry

__all__ = ["Identity", "OutletEntry", "Registry", "canonical_name", "dateline", "identify", "match_desk", "outlet_for_name",
           "outlet_for_url", "registered_domain", "registry"]

DATELINE_LINES = 12  # a dateline opens the story: only the first lines are read


@dataclass(frozen=True)
class Identity:
    """An article's outlet: the display name, its domain key when known, the desk, and how it was found."""

    name: str
    domain: str | None = None
    desk: str | None = None
    source: str | None = None  # field, manifest, html, url, dateline, masthead

    @property
    def known(self) -> bool:
        """Whether the registry knows this outlet."""
        return self.domain is not None and registry().by_domain.get(self.domain) is not None




@lru_cache(maxsize=1)
def _extractor():
    import tldextract

    # The public-suffix list bundled with the package: no download, no cache directory.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def hostname(url: str | None) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    try:
        host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return None
    host = host.lower().rstrip(".")
    if not re.fullmatch(r"[\w.-]+|[0-9a-f:]+", host):  # "not a url", a stray space: no host at all
        return None
    return host or None


@lru_cache(maxsize=4096)
def registered_domain(url: str | None) -> str | None:
    """'https://news.bbc.co.uk/x' -> 'bbc.co.uk'; a host outside the public-suffix list keeps its name without 'www.'."""
    host = hostname(url)
    if not host:
        return None
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    parts = _extractor()(host)
    domain = parts.top_domain_under_public_suffix if hasattr(parts, "top_domain_under_public_suffix") else parts.registered_domain
    if domain:
        return domain
    return re.sub(r"^(www\d?|m|amp|edition|europe)\.", "", host) or None


def outlet_for_url(url: str | None) -> Identity | None:
    """The outlet a URL belongs to: a registry outlet, or its registered domain."""
    host = hostname(url)
    domain = registered_domain(url)
    if not host or not domain:
        return None
    entry = registry().entry_for_host(host)
    if entry:
        return Identity(entry.name, entry.key, None, "url")
    return Identity(domain, domain, None, "url")


def _looks_like_domain(name: str) -> bool:
    return " " not in name.strip() and bool(re.search(r"[a-z0-9-]\.[a-z]{2,}(?:[/:]|$)", name.strip().lower()))


def outlet_for_name(name: str | None, source: str | None = None) -> Identity | None:
    """A name as given (a field, a manifest, a masthead): a registry outlet when it is one of its names or
    domains ('www.cnn.com', 'CNN Business', 'PressTV'), else the name as written."""
    name = (name or "").strip()
    if not name:
        return None
    if _looks_like_domain(name):
        found = outlet_for_url(name)
        if found:
            return Identity(found.name, found.domain, None, source)
    known = registry().entry_for_name(name)
    if known:
        entry, desk = known
        return Identity(entry.name, entry.key, desk, source)
    stated = dateline(name)  # a dateline given as a name: "Washington CNN —", "LONDON (Reuters) -"
    if stated:
        return Identity(stated.name, stated.domain, stated.desk, source)
    return Identity(name, None, None, source)


def dateline(text: str) -> Identity | None:
    """The outlet (and desk) of a dateline opening the story: 'Washington CNN —', '(CNN)', 'LONDON (Reuters) -'."""
    reg = registry()
    lines = [line.strip() for line in text[:3000].splitlines() if line.strip()][:DATELINE_LINES]
    for line in lines:
        match = reg.dateline.match(line)
        if not match:
            continue
        alias = match.group("paren") or match.group("bare") or match.group("plain")
        desk_word = match.group("pdesk") or match.group("bdesk") or match.group("ldesk")
        entry = reg.by_name[name_key(alias)]
        desk = match_desk(entry, desk_word)
        if desk_word and not desk and (match.group("bare") or match.group("plain")):
            continue  # "CNN Headline —": not a desk, not a dateline
        return Identity(entry.name, entry.key, desk, "dateline")
    return None


def identify(text: str, url: str | None = None, given: str | None = None, given_source: str = "field") -> Identity | None:
    """The article's one outlet: the user's name, else its URL's domain, else a dateline or masthead in the text.

    A desk is kept from whichever route names one; a dateline naming the same outlet adds its desk
    ('New York CNN Business —' in a cnn.com article: CNN, desk Business).
    """
    found = outlet_for_name(given, given_source) if given else None
    if found is None:
        found = outlet_for_url(url)
    if found is None:
        found = dateline(text)
        if found is None:
            name = outlet_from_text(text)
            found = outlet_for_name(name, "masthead") if name else None
        return found
    if found.desk is None and found.domain:
        stated = dateline(text)
        if stated and stated.domain == found.domain and stated.desk:
            found = Identity(found.name, found.domain, stated.desk, found.source)
    return found


def canonical_name(name: str | None) -> str | None:
    """The registry's display name for any name or domain an outlet goes by ('cnn.com', 'CNN —' aside); others unchanged."""
    if not name:
        return name
    found = outlet_for_name(name)
    return found.name if found else name
