"""The page's event handlers over a real Assistant: payloads from anyone, answers in words, bounded concurrency.

Gradio's event API accepts any JSON, not only what the page sends; these tests post what a hostile
client could. The browser tests (tests/web/test_browser.py) cover the page itself.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.web.app import MAX_QUESTION_CHARS, ChatSession, WebApp, build_app, quote_span


@pytest.fixture(scope="module")
def web(bot, tmp_path_factory):
    return WebApp(bot, tmp_path_factory.mktemp("uploads"))


def source_of(web, **payload) -> str:
    return web.open_source(SimpleNamespace(**payload))


@pytest.mark.parametrize(
    "start, end",
    [(float("inf"), 10), (0, float("inf")), (float("nan"), 5), (-5, 10), (10, 5), (0, 10**30), ("0", "10"), (True, 5), (1.5, 9), (None, 3)],
)
def test_case_8_source_view_payloads_out_of_range_show_the_article_without_a_highlight(web, bot, start, end):
    doc = bot.articles[0].doc_id
    html = source_of(web, doc=doc, start=start, end=end)
    assert "nc-article" in html and "nc-hl" not in html and "Error" not in html


def test_a_sensible_quote_is_highlighted(web, bot):
    article = bot.articles[0]
    html = source_of(web, doc=article.doc_id, start=0, end=20)
    assert "nc-hl" in html


@pytest.mark.parametrize("doc", [None, 5, ["x"], {"a": 1}, "", "x" * 5000, "no-such-article"])
def test_case_8_bad_article_ids_get_a_message(web, doc):
    html = source_of(web, doc=doc)
    assert "nc-article" not in html and "Traceback" not in html


def test_case_8_ask_payloads_of_the_wrong_shape_get_an_answer_or_a_message(web):
    for question, outlets, session in [
        ("Where did the FSA propose to meet Russia?", 5, "not a session"),
        ("Where did the FSA propose to meet Russia?", [None, 3, "SBS News"], None),
        (12345, None, None),
        (None, {"x": 1}, None),
    ]:
        *_, (transcript, box, new_session) = list(web.ask(question, outlets, session))
        assert isinstance(new_session, ChatSession) and box == ""
    session = ChatSession()
    *_, (transcript, _, session) = list(web.ask("Where did the FSA propose to meet Russia?", [None, 3, "SBS News"], session))
    assert session.turns[-1].outlets == ["SBS News"] and session.turns[-1].answer is not None
    *_, (transcript, _, session) = list(web.ask("why " * MAX_QUESTION_CHARS, None, session))
    assert f"at most {MAX_QUESTION_CHARS:,} are accepted" in transcript and session.turns[-1].answer is None


def test_compare_with_bad_payloads_answers_in_words(web):
    html = web.compare(["not", "a", "string"], "SBS News", 42)
    assert "Traceback" not in html


def test_case_7_questions_run_in_parallel_and_uploads_one_at_a_time(bot, tmp_path):
    demo = build_app(bot, tmp_path / "uploads", ask_concurrency=6)
    by_name = {fn.fn.__name__: fn for fn in demo.fns.values()}
    asks = [fn for fn in demo.fns.values() if fn.fn.__name__ == "ask"]
    assert len(asks) == 2 and {(f.concurrency_limit, f.concurrency_id) for f in asks} == {(6, "ask")}
    assert (by_name["upload"].concurrency_limit, by_name["upload"].concurrency_id) == (1, "upload")
    assert by_name["open_source"].concurrency_limit == 6


def test_quote_span_accepts_only_whole_offsets_inside_the_text():
    assert quote_span(3, 9, 10) == (3, 9) and quote_span(3.0, 9.0, 10) == (3, 9)
    assert quote_span(3, 11, 10) is None and quote_span(float("-inf"), 2, 10) is None


def test_issue_26_the_sidebar_gives_articles_outlets_and_dates_and_folds_away_the_backend(web, bot, tmp_path):
    import gradio as gr

    collection, about, _ = web.refresh([])
    assert f'<b class="nc-article-count">{len(bot.articles)}</b> articles from' in collection
    assert "Published " in collection and "backend" not in collection and "chosen by measurement" not in collection
    assert "article backend:" in about and "quotable sentences" in about
    demo = build_app(bot, tmp_path / "uploads")
    (fold,) = [block for block in demo.blocks.values() if isinstance(block, gr.Accordion)]
    assert fold.label == "About this index" and fold.open is False
    assert [child.elem_id for child in fold.children] == ["nc-about"]
