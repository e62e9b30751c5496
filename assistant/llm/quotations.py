"""Quotation marks in an LLM's sentence: each quotation must be copied from cited evidence.

An LLM may put words in someone's mouth. A quotation in its sentence is
accepted only when the cited evidence contains it (ignoring case, quote
style, dashes and spacing; an ellipsis may skip words); the quoted words are
then replaced by the evidence's own characters, so a quotation shown to the
user is verbatim. A quotation found nowhere in the cited evidence makes the
sentence unsupported: it is never shown as a quote.

Only double quotation marks (straight, curly, guillemets) are read: single
ones cannot be told from apostrophes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from assistant.text import QUOTATIONS_IN_LLM_TEXT

ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*")
FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
EDGE_PUNCTUATION = " \t\n.,;:!?'\"“”‘’"


@dataclass
class Quotation:
    """Quoted words in a sentence: [start, end) of the words inside the marks."""

    start: int
    end: int
    text: str


def quotations(sentence: str) -> list[Quotation]:
    found = []
    for match in QUOTATIONS_IN_LLM_TEXT.finditer(sentence):
        group = next(g for g in range(1, 4) if match.group(g) is not None)
        found.append(Quotation(match.start(group), match.end(group), match.group(group)))
    return found


def _normalize(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each of its characters, the index it came from."""
    chars: list[str] = []
    where: list[int] = []
    for i, original in enumerate(text):
        for ch in original.translate(FOLD).casefold():  # casefold may yield two characters ("ß")
            if ch.isspace():
                if chars and chars[-1] == " ":
                    continue
                ch = " "
            chars.append(ch)
            where.append(i)
    return "".join(chars), where


def locate(quote: str, evidence: str) -> tuple[int, int] | None:
    """Where `quote` stands in `evidence` as [start, end), or None when it does not."""
    pieces = [p.strip(EDGE_PUNCTUATION) for p in ELLIPSIS.split(quote)]
    pieces = [p for p in pieces if p]
    if not pieces:
        return None
    folded, where = _normalize(evidence)
    position, first = 0, None
    for piece in pieces:
        needle, _ = _normalize(piece)
        found = folded.find(needle, position)
        if found < 0:
            return None
        first = found if first is None else first
        position = found + len(needle)
    return where[first], where[position - 1] + 1


def verify_quotations(sentence: str, evidence: Sequence[str]) -> tuple[str, list[str]]:
    """The sentence with each verified quotation replaced by the evidence's exact words,
    and the quotations that no cited evidence contains."""
    unverified: list[str] = []
    replacements: list[tuple[int, int, str]] = []
    for quotation in quotations(sentence):
        if not quotation.text.strip(EDGE_PUNCTUATION):
            continue
        for text in evidence:
            span = locate(quotation.text, text)
            if span is not None:
                if not ELLIPSIS.search(quotation.text):
                    core = quotation.text.strip(EDGE_PUNCTUATION)
                    head = quotation.text.index(core)
                    replacements.append(
                        (quotation.start + head, quotation.start + head + len(core), text[span[0] : span[1]])
                    )
                break
        else:
            unverified.append(quotation.text)
    for start, end, exact in sorted(replacements, reverse=True):  # from the end: offsets stay valid
        sentence = sentence[:start] + exact + sentence[end:]
    return sentence, unverified
