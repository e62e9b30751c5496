"""Escaping and offset-based highlighting of untrusted article text."""

import html
import re

from assistant.web.highlight import Mark, escape, highlight, safe_url, usable_marks

EVIL = 'Intro <b>bold</b> & "quotes". <script>window.__pwned=1</script> Middle <img src=x onerror="alert(1)"> end.'


def unmark(rendered: str) -> str:
    """The text a browser would show: tags removed, entities decoded."""
    return html.unescape(re.sub(r"</?mark[^>]*>", "", rendered))


def marked(rendered: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", rendered, flags=re.S)]


def test_highlight_wraps_exactly_the_span_and_escapes_everything():
    start = EVIL.index("<script>")
    end = EVIL.index("</script>") + len("</script>")
    rendered = highlight(EVIL, [Mark(start, end)])
    assert marked(rendered) == [EVIL[start:end]]
    assert unmark(rendered) == EVIL
    # the only tags left are our marks
    assert re.findall(r"<(/?[a-z]+)", rendered) == ["mark", "/mark"]


def test_several_marks_applied_from_the_end_keep_their_offsets():
    text = "alpha <beta> gamma & delta <epsilon>"
    spans = [(0, 5), (6, 12), (21, 26), (27, 36)]
    rendered = highlight(text, [Mark(s, e) for s, e in reversed(spans)])
    assert marked(rendered) == [text[s:e] for s, e in spans]
    assert unmark(rendered) == text
    assert [int(x) for x in re.findall(r'data-start="(\d+)"', rendered)] == [s for s, _ in spans]


def test_overlapping_empty_and_out_of_range_marks_are_resolved():
    text = "0123456789"
    kept = usable_marks(text, [Mark(2, 6), Mark(4, 8), Mark(5, 5), Mark(8, 40), Mark(-3, 1)])
    assert [(m.start, m.end) for m in kept] == [(0, 1), (2, 6), (8, 10)]
    assert unmark(highlight(text, kept)) == text


def test_mark_id_and_class_are_escaped():
    rendered = highlight("abc", [Mark(0, 1, css_class='x" onclick="y', element_id="<id>")])
    assert 'onclick="y"' not in rendered
    assert "&lt;id&gt;" in rendered


def test_escape_and_safe_url():
    assert escape('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert escape(None) == ""
    assert safe_url("https://example.com/a?b=1&c=2") == "https://example.com/a?b=1&amp;c=2"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JavaScript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url("//example.com") is None
    assert safe_url(None) is None
