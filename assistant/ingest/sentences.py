"""Sentence segmentation with character offsets into the original text.

Uses NLTK's Punkt model for English, which llama-index ships inside its
package (no download), run by assistant/ingest/punkt.py (nltk's spans, without
importing nltk). A quotation that Punkt cut into pieces is joined again
so a quote never opens a quotation mark it does not close, and an overlong
"sentence" (a list, a run-on caption) is cut at clause boundaries so every
quote stays readable and fits the embedding model.
"""

from __future__ import annotations

import re
from typing import Iterable

from assistant.ingest.clean import body_spans
from assistant.model import Span
from assistant.text import punkt

WORD_CHARACTER = re.compile(r"\w")
MAX_SENTENCE_CHARS = 600
MAX_JOINED_QUOTE_CHARS = 500
OPENING_QUOTES = "“\""
CLOSING_QUOTES = "”\""


def _open_quotes(text: str) -> bool:
    """True when the text opens a double quotation it does not close."""
    curly = text.count("“") - text.count("”")
    straight = text.count('"') % 2
    return curly > 0 or straight == 1


def _continues(text: str, previous: Span, span: Span) -> bool:
    """Whether `span` belongs to the sentence before it.

    True inside an unclosed quotation, and for an attribution Punkt cut off
    after a quoted question or exclamation ('...at all!" the spokesman said.').
    """
    if span.end - previous.start > MAX_JOINED_QUOTE_CHARS:
        return False
    head = text[span.start : span.start + 1]
    return _open_quotes(text[previous.start : previous.end]) or head.islower()


def _join_split_quotes(text: str, spans: list[Span]) -> list[Span]:
    joined: list[Span] = []
    for span in spans:
        if joined:
            previous = joined[-1]
            if _continues(text, previous, span):
                joined[-1] = Span(previous.start, span.end)
                continue
        joined.append(span)
    return joined


def _cut_long(text: str, span: Span) -> Iterable[Span]:
    """Cut a sentence longer than MAX_SENTENCE_CHARS after '; ' or ', ' or a space."""
    start = span.start
    while span.end - start > MAX_SENTENCE_CHARS:
        window = text[start : start + MAX_SENTENCE_CHARS]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < MAX_SENTENCE_CHARS // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = MAX_SENTENCE_CHARS - 1
        yield Span(start, start + cut + 1)
        start += cut + 1
        while start < span.end and text[start].isspace():
            start += 1
    if start < span.end:
        yield Span(start, span.end)


def split_sentences(text: str, paragraphs: list[Span] | None = None) -> list[Span]:
    """Quotable sentence spans of the article body, in reading order."""
    splitter = punkt()
    spans: list[Span] = []
    for paragraph in paragraphs if paragraphs is not None else body_spans(text):
        chunk = text[paragraph.start : paragraph.end]
        pieces = [Span(paragraph.start + a, paragraph.start + b) for a, b in splitter.span_tokenize(chunk)]
        for piece in _join_split_quotes(text, pieces):
            spans.extend(_strip(text, cut) for cut in _cut_long(text, piece))
    return [span for span in spans if WORD_CHARACTER.search(text, span.start, span.end)]


def _strip(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)
