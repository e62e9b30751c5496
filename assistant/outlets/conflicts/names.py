"""Name conflicts: a different agent for the same act, or the same quotation put in different mouths."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from assistant.outlets.conflicts.statement import Finding, Statement
from assistant.text import QUOTED_PASSAGES, terms

AGENT = re.compile(
    r"\b(?P<verb>killed|claimed|carried out|caused|bombed|destroyed|targeted|hit|attacked|shot|poisoned|organi[sz]ed|ordered)"
    r"(?:[^.;:]{0,40}?)(?:\bby\b|,\s*(?:mainly|mostly|largely|chiefly))\s+(?P<agent>(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,3})",
    re.I,
)


def _agents(text: str) -> dict[str, tuple[frozenset[str], str]]:
    """Who did it, per verb: 'killed by militancy' -> {'killed': ({'milit'}, 'by militancy')}."""
    found = {}
    for match in AGENT.finditer(text):
        agent = frozenset(terms(match.group("agent"))) - {"syria", "sinc", "year"}
        if agent:
            found[match.group("verb").lower()] = (agent, text[match.start("agent") - 1 : match.end("agent")].strip(" ,"))
    return found


def _same_person(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\b(?:al|el)-\s?", "", s.lower())  # noqa: E731
    ta, tb = norm(a).split(), norm(b).split()
    if set(ta) & set(tb):
        return True
    return SequenceMatcher(None, " ".join(ta), " ".join(tb)).ratio() >= 0.7


@lru_cache(maxsize=8192)
def _quotes(text: str) -> list[frozenset[str]]:
    return [frozenset(terms(m.group(1) or m.group(2))) for m in QUOTED_PASSAGES.finditer(text)]


def name_conflict(a: Statement, b: Statement) -> Finding | None:
    agents_a, agents_b = _agents(a.text), _agents(b.text)
    for verb in agents_a.keys() & agents_b.keys():
        if not agents_a[verb][0] & agents_b[verb][0]:
            return Finding(
                "name", f"who {verb}", agents_a[verb][1], agents_b[verb][1], f"agent:{verb}",
                " ".join(sorted(agents_a[verb][0])), " ".join(sorted(agents_b[verb][0])),
            )
    if a.speaker and b.speaker and not _same_person(a.speaker, b.speaker):
        for qa in _quotes(a.text):
            for qb in _quotes(b.text):
                if qa and qb and len(qa & qb) / min(len(qa), len(qb)) >= 0.6:
                    return Finding("name", "who said it", a.speaker, b.speaker, "speaker")
    return None
