"""The one interface every composer offers: from what retrieval found to a cited `Answer`."""

from __future__ import annotations

from typing import Iterator, Protocol

from assistant.answer.retrieval import Retrieval
from assistant.model import Answer


class Composer(Protocol):
    """Writes the answer to one retrieved question: the extractive composer, or an LLM's verified words."""

    def compose(self, found: Retrieval) -> Answer:
        """The finished answer."""
        ...

    def compose_stream(self, found: Retrieval, stream: bool = True) -> Iterator[str | Answer]:
        """Verified text pieces as they are written (none when nothing streams), then the `Answer`."""
        ...
