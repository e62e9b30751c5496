"""What the page's renderers share: a chat turn, and the attributes that open an article when clicked."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.model import Answer
from assistant.web.highlight import escape


@dataclass
class Turn:
    """One question of a chat and, once composed, its answer (or the error that stopped it)."""

    question: str
    outlets: list[str] = field(default_factory=list)
    answer: Answer | None = None
    error: str | None = None
    partial: str = ""  # verified sentences streamed so far by an LLM, until `answer` replaces them


def open_attrs(doc_id: str, start: int | None = None, end: int | None = None, answer: tuple[int, int] | None = None) -> str:
    """Attributes that make an element open `doc_id` (with [start, end) highlighted, and the short
    answer `answer` inside it marked too) when clicked."""
    attrs = f'data-doc="{escape(doc_id)}"'
    if start is not None and end is not None:
        attrs += f' data-start="{int(start)}" data-end="{int(end)}"'
    if answer is not None:
        attrs += f' data-answer-start="{int(answer[0])}" data-answer-end="{int(answer[1])}"'
    return attrs
