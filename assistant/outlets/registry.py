"""The outlet registry: known outlets as data (registry.json beside this module).

Each outlet has one display name, its registered web domains (the first is its key), the other
names it goes by in fields, mastheads and datelines, and its desks (sub-brands: "CNN Business" is
CNN's Business desk, never a second outlet). `assistant.outlets.identity` names every article's
outlet through it; docs/outlets.md says how to extend it.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REGISTRY_FILE = Path(__file__).with_name("registry.json")
DESK_SIMILARITY = 0.75  # "CNN Buiness —" is still the Business desk


@dataclass(frozen=True)
class OutletEntry:
    """One known outlet of the registry."""

    name: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]
    desks: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.domains[0]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Registry:
    """The known outlets, indexed by domain and by every name they go by (case-insensitive)."""

    def __init__(self, entries: list[OutletEntry]) -> None:
        self.entries = entries
        self.by_domain: dict[str, OutletEntry] = {}
        self.by_name: dict[str, OutletEntry] = {}
        for entry in entries:
            for domain in entry.domains:
                self.by_domain[domain.lower()] = entry
            for name in entry.names:
                self.by_name[name_key(name)] = entry
        names = sorted({n for e in entries for n in e.names}, key=len, reverse=True)
        alternation = "|".join(re.escape(n) for n in names)
        # "Washington CNN —", "New York CNN Business —", "LONDON (Reuters) -", "(CNN) Charles has ...", "New York (CNNBusiness) About ..."
        self.dateline = re.compile(
            rf"^(?:(?P<city>[A-Z][\w.'’-]*(?:,? [A-Z][\w.'’-]*){{0,3}}),?\s+)?"
            rf"(?:\((?P<paren>{alternation})\s*(?P<pdesk>[A-Za-z]+)?\)(?:\s*[—–-]+)?(?=\s|$)"
            rf"|(?P<bare>{alternation})\s*(?P<bdesk>[A-Za-z]+)?\s*[—–]+(?=\s|$)"
            rf"|(?P<plain>{alternation})\s*(?P<ldesk>[A-Za-z]+)?\s+-(?=\s|$))"
        )

    @classmethod
    def load(cls, path: Path = REGISTRY_FILE) -> "Registry":
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [
            OutletEntry(
                name=item["name"],
                domains=tuple(d.lower() for d in item["domains"]),
                aliases=tuple(item.get("aliases", ())),
                desks=tuple(item.get("desks", ())),
            )
            for item in data["outlets"]
        ]
        return cls(entries)

    def entry_for_host(self, host: str) -> OutletEntry | None:
        """The outlet of a host or any of its parents ('abcnews.go.com' before 'go.com')."""
        parts = host.lower().split(".")
        for i in range(len(parts) - 1):
            found = self.by_domain.get(".".join(parts[i:]))
            if found:
                return found
        return None

    def entry_for_name(self, name: str) -> tuple[OutletEntry, str | None] | None:
        """(outlet, desk) for a name it goes by, a desk's name included ('CNN Business', 'CNNBusiness')."""
        key = name_key(name)
        if key in self.by_name:
            return self.by_name[key], None
        for known, entry in self.by_name.items():
            if key.startswith(known) and len(key) > len(known):
                desk = match_desk(entry, key[len(known):])
                if desk:
                    return entry, desk
        return None


def name_key(name: str) -> str:
    return re.sub(r"[\s.\-]+", "", name.casefold())


def match_desk(entry: OutletEntry, word: str | None) -> str | None:
    """The outlet's desk a word names, typos allowed ('Buiness' -> 'Business'), or None."""
    word = (word or "").strip(" ()-—–")
    if not word or not entry.desks:
        return None
    lowered = {d.casefold(): d for d in entry.desks}
    if word.casefold() in lowered:
        return lowered[word.casefold()]
    close = difflib.get_close_matches(word.casefold(), list(lowered), n=1, cutoff=DESK_SIMILARITY)
    return lowered[close[0]] if close else None


@lru_cache(maxsize=1)
def registry() -> Registry:
    return Registry.load()
