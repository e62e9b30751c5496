"""How outlets label the same actor: "militant group" or "rebels"?

When a question asks how something is described ("How do the outlets
describe the Free Syrian Army?"), the disagreement is in the labels, not in
a fact: one outlet calls a group "militants" or "terrorists", another
"rebels" or "the opposition". This module finds those labels next to the
actor the question names and sorts them into two camps. It only runs for
questions about description, because every story about a contested actor
carries such labels, and flagging them on every question would drown the
factual disagreements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import QUOTED_SPANS

DESCRIPTION_QUESTION = re.compile(
    r"\b(?:describe[sd]?|describing|description|call(?:s|ed)?|label(?:s|led|ed)?|characteri[sz]e[sd]?|portray(?:s|ed)?|"
    r"refer(?:s|red)? to|term(?:s|ed)?|how .* (?:seen|viewed|presented))\b",
    re.I,
)
CAMPS: dict[str, tuple[str, ...]] = {
    "hostile": ("militant", "militants", "terrorist", "terrorists", "jihadist", "jihadists", "extremist", "extremists", "insurgent", "insurgents", "so-called", "foreign-backed"),
    "sympathetic": ("rebel", "rebels", "opposition", "fighters", "moderate", "western-backed", "revolutionaries", "activists", "patriotic"),
}
WINDOW = 6  # words either side of the actor's name


@dataclass
class Label:
    camp: str
    words: list[str]


def asks_for_description(question: str) -> bool:
    return bool(DESCRIPTION_QUESTION.search(question))


def actor_in(question: str) -> str | None:
    """The capitalised name the question asks about ("Free Syrian Army")."""
    names = re.findall(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w-]*(?:\s+(?:of\s+)?[A-Z][\w-]*)*", question)
    names = [n for n in names if n.lower() not in {"how", "what", "which", "who", "the"}]
    return max(names, key=len) if names else None


def _mentions(text: str, actor: str) -> list[tuple[int, int]]:
    short = "".join(word[0] for word in actor.split() if word[:1].isupper())
    pattern = re.escape(actor) + (rf"|\b{re.escape(short)}\b" if len(short) >= 2 else "")
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.I)]


def label(text: str, actor: str) -> Label | None:
    """The camp of the labels a sentence puts next to the actor, if it uses labels of one camp only.

    Words inside quotation marks are someone else's, not the outlet's, and are ignored.
    """
    text = QUOTED_SPANS.sub(lambda m: " " * len(m.group(0)), text)
    found: dict[str, list[str]] = {}
    for start, end in _mentions(text, actor):
        left = re.findall(r"[\w-]+", text[:start])[-WINDOW:]
        right = re.findall(r"[\w-]+", text[end:])[:WINDOW]
        for word in left + right:
            for camp, words in CAMPS.items():
                if word.lower() in words:
                    found.setdefault(camp, []).append(word.lower())
    if len(found) != 1:
        return None
    camp, words = next(iter(found.items()))
    return Label(camp, list(dict.fromkeys(words)))
