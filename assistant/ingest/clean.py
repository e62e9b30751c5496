"""Find the article body inside page text, without touching the text itself.

Web copies of news articles carry page furniture: share buttons, newsletter
sign-ups, comment forms, repeated headlines, "Read More" teasers. Instead of
rewriting the text (which would break citation offsets), `body_spans` returns
the character ranges of the original text that are article body. Everything
downstream works on those ranges, so a quote is always a slice of the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.model import Span

# Whole lines that are never article body.
FURNITURE = re.compile(
    r"""^(
        share | tweet | email | print | comments? | advertisement | sponsored
      | related(\ (articles|stories|news|content))?
      | read\ more.* | more\ from\ .* | click\ here.* | follow\ us.*
      | sign\ up.* | subscribe.* | .*\bnewsletter\b.* | by\ subscribing.*
      | join\ (now|the\ mailing\ list|our\ .*).* | .*\bjoin\ now\b.*
      | leave\ a\ (reply|comment).* | your\ email\ address\ will\ not\ be\ published.*
      | required\ fields\ are\ marked.* | download\ our\ apps? | listen\ to\ our\ podcasts
      | watch\ on\ .* | share\ this\ .* | get\ .*\ daily\ and\ direct\ to\ your\ inbox
      | (photo|image|picture)(\ by)?\s*:.* | getty\ images | dmca.* | copyright.* | ©.*
      | all\ rights\ reserved.* | published | updated | \d+\ min(ute)?s?\ read
      | home\s*/.* | .*\ and\ agencies | posted\ (on|by)\ .* | loading.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Lines after which, near the end of a page, only furniture follows.
TAIL_MARKERS = re.compile(
    r"^(share|leave a (reply|comment).*|join the mailing list|sign up.*|"
    r"download our apps?|comments?|related( articles| stories)?|more from .*)$",
    re.IGNORECASE,
)

SENTENCE_END = re.compile(r"[.!?…:;\"”’']$")
MAX_TAIL_LINE = 200  # a body paragraph after a tail marker is longer than this
MAX_HEADING_WORDS = 14
MAX_FURNITURE_LINE = 160  # longer lines are prose, whatever words they contain


@dataclass(frozen=True)
class Line:
    """A stripped, non-empty line of the original text with its position."""

    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def is_heading(self) -> bool:
        """Short and without closing punctuation: a headline, label or date."""
        return self.words <= MAX_HEADING_WORDS and not SENTENCE_END.search(self.text)


QUOTE_STYLES = tuple(zip("‘’‚‛“”„«»", "''''\"\"\"\"\""))
QUOTE_MAP = dict(QUOTE_STYLES)


def normalise(text: str) -> str:
    """Compare lines regardless of case, quote style and spacing."""
    text = text.lower()
    for curly, plain in QUOTE_STYLES:  # str.replace per quote style: several times faster than str.translate
        if curly in text:
            text = text.replace(curly, plain)
    return " ".join(text.split())


def split_lines(text: str) -> list[Line]:
    lines = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        lines.append(Line(start, start + len(stripped), stripped))
    return lines


def _tail_start(lines: list[Line], text_length: int) -> int:
    """Index of the first line of trailing furniture, or len(lines)."""
    for index, line in enumerate(lines):
        if line.start < text_length // 2 or not TAIL_MARKERS.match(line.text):
            continue
        if all(len(rest.text) <= MAX_TAIL_LINE for rest in lines[index + 1 :]):
            return index
    return len(lines)


def _strip_repeats(line: Line, seen: list[str]) -> Line | None:
    """Drop a line that repeats a seen heading; cut a repeated heading glued in front."""
    if _first_normalised(line.text) not in {heading[0] for heading in seen if heading}:
        return line  # no seen heading can start it
    norm = normalise(line.text)
    changed = True
    offset = 0
    while changed and norm:
        changed = False
        for heading in seen:
            if heading and norm.startswith(heading):
                cut = len(heading)
                # Map the normalised cut back onto the raw line (same length unless spaces collapsed).
                raw_cut = _raw_prefix_length(line.text[offset:], cut)
                offset += raw_cut
                norm = normalise(line.text[offset:])
                changed = True
                break
    rest = line.text[offset:].lstrip()
    if not rest:
        return None
    start = line.end - len(rest)
    return Line(start, line.end, rest)


def _first_normalised(text: str) -> str:
    """`normalise(text)[:1]` for a stripped, non-empty text (its first character is never a space)."""
    first = text[0].lower()[:1]
    return QUOTE_MAP.get(first, first)


def _raw_prefix_length(raw: str, normalised_length: int) -> int:
    """How many raw characters make up the first `normalised_length` normalised ones."""
    for index in range(len(raw) + 1):
        if len(normalise(raw[:index])) >= normalised_length:
            return index
    return len(raw)


def body_lines(text: str) -> tuple[list[Line], list[Line]]:
    """Split page text into (body lines, heading lines before the body)."""
    lines = split_lines(text)
    lines = lines[: _tail_start(lines, len(text))]
    body: list[Line] = []
    header: list[Line] = []
    seen_headings: list[str] = []
    firsts: set[str] = set()  # first characters of the seen headings: most lines start with none of them
    for line in lines:
        if len(line.text) <= MAX_FURNITURE_LINE and FURNITURE.match(line.text):
            continue
        kept = _strip_repeats(line, seen_headings) if _first_normalised(line.text) in firsts else line
        if kept is None:
            continue
        if kept.is_heading:
            seen_headings.append(normalise(kept.text))
            firsts.update(seen_headings[-1][:1])
            if not body:
                header.append(kept)
            continue
        body.append(kept)
    return body, header


def body_spans(text: str) -> list[Span]:
    """Character ranges of the article body, one per paragraph."""
    body, _ = body_lines(text)
    return [Span(line.start, line.end) for line in body]


def guess_title(text: str) -> str | None:
    """The longest heading line above the body, if it looks like a headline."""
    _, header = body_lines(text)
    candidates = [line for line in header if line.words >= 4]
    if not candidates:
        return None
    return max(candidates, key=lambda line: line.words).text
