"""Every relative link in README.md and docs/*.md leads to a file that exists (issue 26).

Inline links and images (`[text](path)`, `![alt](path)`) and reference definitions
(`[name]: path`) count; web addresses and in-page anchors (`#section`) are not checked, and a
link's own `#anchor` is ignored (the file must exist, the heading is not looked for). Code
(fenced blocks and `inline spans`) is not Markdown link text and is skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, ...


def links(markdown: str) -> list[str]:
    """The link targets of a Markdown text, outside code."""
    text = INLINE_CODE.sub("", FENCE.sub("", markdown))
    return [m.group(1) for m in INLINE_LINK.finditer(text)] + [m.group(1) for m in REFERENCE.finditer(text)]


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in links(page.read_text(encoding="utf-8")):
        if SCHEME.match(target) or target.startswith("#"):
            continue
        path = unquote(target.split("#", 1)[0].split("?", 1)[0])
        resolved = (ROOT / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
        if not resolved.exists():
            broken.append(target)
    return broken


def test_links_are_found_in_text_and_not_in_code():
    text = (
        "See [the docs](docs/a.md#part) and ![a picture](docs/shot.png \"title\").\n"
        "[ref]: docs/b.md\n"
        "`[not](a-link.md)`\n"
        "```\n[nor](this.md)\n```\n"
        "[web](https://example.org) [here](#top)\n"
    )
    assert links(text) == ["docs/a.md#part", "docs/shot.png", "https://example.org", "#top", "docs/b.md"]


def test_a_missing_file_is_reported(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("x")
    page.write_text("[ok](there.md#anchor) [gone](missing.md) [web](http://x.org) [top](#a)")
    assert broken_links(page) == ["missing.md"]


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_relative_link_resolves(page):
    assert broken_links(page) == [], f"{page.relative_to(ROOT)}: links to files that do not exist"
