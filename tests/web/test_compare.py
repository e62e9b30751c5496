"""Who says what on the page: the conflicts block, speakers, the per-outlet panel; escaped, clickable."""

from __future__ import annotations

import pytest

from assistant.outlets.comparison import Comparison, OutletView, StatementGroup
from assistant.web.compare import render_comparison, render_conflicts
from assistant.model import Citation, Conflict, ConflictSide
from assistant.web.render import render_answer
from tests.web.test_browser import CHROMIUM, WAIT_MS, ask, browser, open_citation, page, server  # noqa: F401 (fixtures)

EVIL = 'Admiral Whiskers <script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2">'


def citation(quote: str, outlet: str = "Harbour <b>Gazette</b>", doc_id: str = "doc-1", speaker: str | None = None) -> Citation:
    return Citation(outlet, None, None, None, doc_id, None, quote, 10, 10 + len(quote), 0.8, speaker=speaker)


def test_conflicts_and_comparison_render_escaped_and_clickable():
    left = citation(f"The council rejected the offer from {EVIL}.", speaker=EVIL)
    right = citation("The council did not refuse the offer.", outlet="unknown outlet", doc_id="doc-<2>")
    conflict = Conflict("polarity", "acceptance <i>", [ConflictSide("rejected", [left]), ConflictSide("did not refuse", [right])])
    html = render_conflicts([conflict])
    comparison = Comparison(
        "Did the council <u>reject</u> it?",
        outlets=[OutletView("Harbour <b>Gazette</b>", ["doc-1"], 0.8, [left])],
        silent=["Quay <Times>"],
        statements=[StatementGroup([left, right], ["Harbour <b>Gazette</b>", "unknown outlet"], 2, ["A and <B> carry the same wire story"])],
        conflicts=[conflict],
    )
    panel = render_comparison(comparison)
    for page_html in (html, panel):
        assert "<script>" not in page_html and "<img" not in page_html and "<b>" not in page_html
        assert "&lt;script&gt;" in page_html
        assert 'data-doc="doc-1" data-start="10"' in page_html
    assert "Outlets disagree" in html and "an article from an unknown outlet (doc-&lt;2&gt;)" in html
    assert "Silent on this: Quay &lt;Times&gt;." in panel and "Reported by 2 outlets" in panel


def test_different_answers_are_announced_as_such_not_as_a_disagreement():
    cairo = citation("The talks will be held in Cairo next week.", outlet="Al-Ahram", doc_id="ahram")
    geneva = citation("The talks will be held in Geneva next week.", outlet="Swissinfo", doc_id="swissinfo")
    conflict = Conflict("answer", "where", [ConflictSide("Cairo", [cairo]), ConflictSide("Geneva", [geneva])])
    html = render_conflicts([conflict])
    assert "Outlets name different answers (where):" in html and "Outlets disagree" not in html
    assert "“Cairo”</span>: Al-Ahram" in html and "“Geneva”</span>: Swissinfo" in html


def test_answer_with_conflicts_shows_them_instead_of_restating(bot):
    answer = bot.ask("Did the Free Syrian Army reject Russia's offer of help?")
    html = render_answer(answer)
    assert html.count('class="nc-conflicts"') == 1 and "nc-answer-text" not in html
    assert all(c.quote.replace("'", "&#x27;").replace('"', "&quot;") in html for side in answer.conflicts[0].sides for c in side.citations[:1])


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not found (apt-get install chromium)")
def test_page_shows_conflicts_and_the_per_outlet_panel(page, server):  # noqa: F811
    articles = server[2]
    turn = ask(page, "Did the Free Syrian Army reject Russia's offer of help?")
    block = turn.locator(".nc-conflicts")
    assert block.count() == 1
    text = block.inner_text()
    assert "Outlets disagree" in text and "SBS News" in text and "TRT World" in text

    page.click("#nc-who")
    page.wait_for_selector("#nc-compare .nc-outlet-view", timeout=WAIT_MS)
    panel = page.locator("#nc-compare")
    assert panel.locator(".nc-conflicts").count() == 1
    assert panel.locator(".nc-outlet-view").count() >= 3
    quote = panel.locator(".nc-outlet-view .nc-quote").first
    doc, start, end = quote.get_attribute("data-doc"), int(quote.get_attribute("data-start")), int(quote.get_attribute("data-end"))
    expected = (articles / f"{doc}.txt").read_text(encoding="utf-8-sig")[start:end]
    assert quote.text_content() == expected
    assert open_citation(page, quote) == expected
