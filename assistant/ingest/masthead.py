"""An article's outlet when no one states it: the URL's, else a dateline or masthead in the text.

The reading lives in `assistant.outlets` (identity: the order and the names; mastheads: the lines
of a page that name its outlet); these are the loaders' and the evaluation's entry points.
"""

from __future__ import annotations

from assistant.outlets.identity import identify, registered_domain
from assistant.outlets.mastheads import outlet_from_text, split_camel

__all__ = ["infer_outlet", "outlet_from_text", "outlet_from_url", "split_camel"]


def outlet_from_url(url: str | None) -> str | None:
    """The URL's registered domain ('http://news.bbc.co.uk/x' -> 'bbc.co.uk'), from the bundled public-suffix list."""
    return registered_domain(url)


def infer_outlet(text: str, url: str | None = None) -> tuple[str | None, str | None]:
    """(outlet, how it was found) when no one states it: the URL's outlet, else a dateline or masthead
    in the text, each named by the outlet registry (`assistant.outlets.identity.identify`)."""
    found = identify(text, url)
    return (found.name, found.source) if found else (None, None)
