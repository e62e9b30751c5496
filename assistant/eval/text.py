"""SQuAD-style text normalisation and whole-word containment: how answers and quotes are compared."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence

ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize(text: str) -> str:
    """SQuAD-style normalisation: lower case, no punctuation or symbols, no articles, single spaces.

    Punctuation becomes a space (not nothing) so both sides of a comparison
    split the same way: "al-Masri" and "al- Masri" both give "al masri".
    Unicode quotes and dashes count as punctuation, so “Squid Game” matches.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    text = ARTICLES.sub(" ", text)
    return " ".join(text.split())


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` as whole words, both normalised."""
    needle = normalize(needle)
    return bool(needle) and f" {needle} " in f" {normalize(haystack)} "


def contains_any(haystacks: Iterable[str], needles: Sequence[str]) -> bool:
    texts = list(haystacks)
    return any(contains(text, needle) for needle in needles for text in texts)
