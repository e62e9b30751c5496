"""Cut an LLM's answer into sentences and read the evidence numbers each one cites.

Citations are bracketed numbers: `[2]`, `[2, 5]`, `[2][5]`, `[2-4]`, also
`[Evidence 2]` or `[E2]`. A citation standing after the full stop (or at the
start of the next sentence, as Punkt cuts it) belongs to the sentence before.
`DraftStream` does the same on streamed text, handing out a sentence only
once the next one has begun, so its citations are known. A reasoning
model's `<think>...</think>` block is not part of the answer and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.text import punkt

_REF = r"(?:(?:evidence|source|sentence|e|s)\s*)?#?\d{1,3}"
MARKER = re.compile(rf"\[\s*{_REF}(?:\s*(?:,|;|and|-|–)\s*{_REF})*\s*\]", re.IGNORECASE)
LEADING_MARKERS = re.compile(rf"^(?:\s*{MARKER.pattern})+", re.IGNORECASE)
OPEN_MARKER_AT_END = re.compile(r"\[[^\]]{0,40}$")
MAX_RANGE = 20
THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)


@dataclass
class Draft:
    """One sentence of the LLM's answer, markers included, and the numbers it cites."""

    text: str
    paragraph: int
    numbers: list[int] = field(default_factory=list)

    @property
    def bare(self) -> str:
        """The sentence without its citation markers."""
        return tidy(MARKER.sub("", self.text))


def tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return text.strip()


def cited_numbers(marker: str) -> list[int]:
    """The numbers one marker cites, ranges expanded: '[2-4]' -> [2, 3, 4]."""
    numbers: list[int] = []
    for match in re.finditer(r"(\d+)(?:\s*[-–]\s*(?:[a-z]+\s*)?#?(\d+))?", marker, re.IGNORECASE):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if last < first or last - first > MAX_RANGE:
            last = first
        numbers.extend(range(first, last + 1))
    return numbers


def _numbers(text: str) -> list[int]:
    found: list[int] = []
    for marker in MARKER.findall(text):
        found.extend(cited_numbers(marker))
    return list(dict.fromkeys(found))


def split_drafts(text: str) -> list[Draft]:
    """The answer's sentences in order; lines are paragraphs (list items stay separate)."""
    drafts: list[Draft] = []
    text = THINKING.sub("", text)  # an unclosed block is still being thought: nothing after it yet
    for paragraph, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        for start, end in punkt().span_tokenize(line):
            piece = line[start:end].strip()
            lead = LEADING_MARKERS.match(piece)
            if lead and drafts:  # "...Russia. [2] The FSA..." : [2] belongs to the sentence before
                drafts[-1].text += " " + lead.group(0).strip()
                piece = piece[lead.end() :].strip()
            if not piece:
                continue
            if drafts and not re.search(r"\w", MARKER.sub("", piece)):
                drafts[-1].text += " " + piece  # punctuation or markers only
                continue
            drafts.append(Draft(piece, paragraph))
    for draft in drafts:
        draft.numbers = _numbers(draft.text)
    return drafts


def _has_words(text: str) -> bool:
    """Whether text holds a word beyond citation markers (a partial '[2' at the end does not count)."""
    return bool(re.search(r"[^\W\d_]", OPEN_MARKER_AT_END.sub("", MARKER.sub("", text))))


class DraftStream:
    """Feed streamed text; get each sentence once it is complete with its citations."""

    def __init__(self) -> None:
        self.text = ""
        self.emitted = 0

    def feed(self, delta: str) -> list[Draft]:
        self.text += delta
        drafts = split_drafts(self.text)
        complete = len(drafts) - 1  # the last may still grow, or gain its citations
        if complete > 0 and not _has_words(drafts[-1].text):
            complete -= 1
        ready = drafts[self.emitted : max(complete, self.emitted)]
        self.emitted += len(ready)
        return ready

    def finish(self) -> list[Draft]:
        drafts = split_drafts(self.text)
        ready = drafts[self.emitted :]
        self.emitted = len(drafts)
        return ready
