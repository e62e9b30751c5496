"""Escape untrusted article text for HTML and mark quoted spans in it by offset.

Citations point into an article's original text by character offsets. The
marks are therefore placed on the *raw* text, and every piece between them is
escaped on its own: escaping first would shift the offsets, escaping after
would escape the marks. As in minsearch's Highlighter, the spans are applied
from the end of the text backwards, so each insertion leaves the offsets of
the spans still to come untouched.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Mark:
    """A span [start, end) of the raw text to wrap in `<mark>`."""

    start: int
    end: int
    css_class: str = "nc-hl"
    element_id: str | None = None


def escape(text: str | None) -> str:
    """HTML-escape text (quotes too, so it is safe inside attributes)."""
    return html.escape(text or "", quote=True)


def safe_url(url: str | None) -> str | None:
    """The URL escaped for an href, or None unless it is plain http(s).

    An article's metadata is as untrusted as its text: a `javascript:` link
    would run code when clicked.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return escape(url)


def usable_marks(text: str, marks: Iterable[Mark]) -> list[Mark]:
    """Marks clipped to the text, empty ones dropped, overlaps resolved (earlier start wins), sorted."""
    kept: list[Mark] = []
    length = len(text)
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        start, end = max(0, mark.start), min(length, mark.end)
        if end <= start or (kept and start < kept[-1].end):
            continue
        kept.append(Mark(start, end, mark.css_class, mark.element_id))
    return kept


def open_tag(mark: Mark) -> str:
    element_id = f' id="{escape(mark.element_id)}"' if mark.element_id else ""
    return f'<mark class="{escape(mark.css_class)}"{element_id} data-start="{mark.start}" data-end="{mark.end}">'


def highlight(text: str, marks: Iterable[Mark]) -> str:
    """The escaped text with each mark's span wrapped in `<mark>`, applied from the end backwards."""
    pieces: list[str] = []
    cursor = len(text)
    for mark in reversed(usable_marks(text, marks)):
        pieces.append(escape(text[mark.end : cursor]))
        pieces.append(f"{open_tag(mark)}{escape(text[mark.start : mark.end])}</mark>")
        cursor = mark.start
    pieces.append(escape(text[:cursor]))
    return "".join(reversed(pieces))
