"""The web app's HTML: answers, corroboration, abstention, source view, collection."""

import html
import re

from assistant.answer.extractive import answer_text
from assistant.model import Answer, AnswerSentence, Article, Citation, SourceRef
from assistant.web.pieces import Turn
from assistant.web.render import (
    HIGHLIGHT_ID,
    date_range,
    render_about,
    render_answer,
    render_collection,
    render_source,
    render_transcript,
)

EVIL_TEXT = (
    "Lead <b>bold</b> line.\n"
    "The council <script>window.__pwned=1</script> voted 7 to 2 <img src=x onerror=\"window.__pwned=2\"> on Monday.\n"
    "Closing line."
)


def evil_article(doc_id="evil", outlet='Gazette <i onmouseover="x">', url="javascript:alert(1)") -> Article:
    return Article(doc_id=doc_id, text=EVIL_TEXT, title="<h1>Headline</h1>", outlet=outlet, url=url, published="2024-01-02")


def cite(article: Article, sentence: str, also_in=()) -> Citation:
    start = article.text.index(sentence)
    end = start + len(sentence)
    return Citation(
        outlet=article.outlet_name, title=article.title, url=article.url, published=article.published,
        doc_id=article.doc_id, path=None, quote=article.text[start:end], start=start, end=end, score=0.7,
        also_in=list(also_in),
    )


def tags(rendered: str) -> set[str]:
    return set(re.findall(r"<([a-zA-Z0-9]+)", rendered))


ALLOWED_TAGS = {"div", "p", "ol", "li", "blockquote", "span", "button", "a", "h3", "mark", "ul", "b", "details", "summary"}


def test_answer_escapes_every_article_field_and_drops_unsafe_links():
    article = evil_article()
    sentence = 'The council <script>window.__pwned=1</script> voted 7 to 2 <img src=x onerror="window.__pwned=2"> on Monday.'
    answer = Answer("q", "", False, [cite(article, sentence)])
    answer.text = answer_text(answer.citations)
    rendered = render_answer(answer)
    assert tags(rendered) <= ALLOWED_TAGS
    assert "<script" not in rendered and "<img" not in rendered and "<i " not in rendered
    assert html.escape(sentence) in rendered
    assert "&lt;h1&gt;Headline&lt;/h1&gt;" in rendered
    assert "javascript:" not in rendered  # the link is dropped, not escaped into an href
    assert rendered.count(html.escape(sentence)) == 1  # the composer's text repeats the quote: shown once


def test_answer_links_http_urls_and_shows_date():
    article = evil_article(outlet="Gazette", url="https://news.example/a?x=1&y=2")
    answer = Answer("q", "", False, [cite(article, "Closing line.")])
    rendered = render_answer(answer)
    assert 'href="https://news.example/a?x=1&amp;y=2"' in rendered
    assert 'rel="noopener noreferrer nofollow"' in rendered
    assert "2024-01-02" in rendered


def test_corroboration_names_every_outlet_and_opens_each_quote():
    main = evil_article("a", outlet="Alpha News", url=None)
    refs = [
        SourceRef("Beta Times", "b", None, "Closing line.", 10, 23),
        SourceRef("Gamma Post", "c", None, "Closing line.", 30, 43),
        SourceRef("Beta Times", "d", None, "Closing line.", 50, 63),
    ]
    rendered = render_answer(Answer("q", "x", False, [cite(main, "Closing line.", refs)]))
    assert "Reported by 3 outlets:" in rendered
    buttons = re.findall(r'<button type="button" class="nc-source-button" data-doc="(\w+)" data-start="(\d+)"', rendered)
    assert buttons == [("a", str(EVIL_TEXT.index("Closing line."))), ("b", "10"), ("c", "30")]


def test_single_outlet_and_abstention():
    article = evil_article(outlet=None, url=None)
    single = render_answer(Answer("q", "x", False, [cite(article, "Closing line.")]))
    assert "Reported by 1 outlet: " in single and "unknown outlet" in single
    abstained = render_answer(Answer("q", "The articles don't say: nothing in the 5 indexed articles answers this question.", True))
    assert 'class="nc-abstain"' in abstained and "don&#x27;t say" in abstained
    assert "nc-citation" not in abstained


def test_transcript_shows_questions_escaped_and_pending_turns():
    turns = [Turn("<b>why</b>?", ["Outlet <x>"]), Turn("second", [], None, "Could not answer: boom")]
    rendered = render_transcript(turns)
    assert "&lt;b&gt;why&lt;/b&gt;?" in rendered and "Outlet &lt;x&gt;" in rendered
    assert "nc-pending" in rendered and "Could not answer: boom" in rendered
    assert "5 indexed articles" in render_transcript([], 5)


def test_source_view_highlights_the_span_in_place():
    article = evil_article()
    start = EVIL_TEXT.index("The council")
    end = EVIL_TEXT.index("Monday.") + len("Monday.")
    rendered = render_source(article, start, end, view=3)
    assert tags(rendered) <= ALLOWED_TAGS
    mark = re.search(rf'<mark class="nc-hl" id="{HIGHLIGHT_ID}"[^>]*>(.*?)</mark>', rendered, flags=re.S)
    assert html.unescape(mark.group(1)) == EVIL_TEXT[start:end]
    body = re.search(r'<div class="nc-article">(.*)</div></div>$', rendered, flags=re.S).group(1)
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", body)) == EVIL_TEXT
    assert "<mark" not in render_source(article, 5, 10_000)  # a range outside the text highlights nothing


CHOICE = {"backend": "onnx-int8", "cpu": "AMD EPYC [avx2 avx512f]", "rates": {"onnx-int8": 650.7, "openvino-bf16": 579.8}}


def test_collection_counts_articles_and_outlets_and_gives_the_dates_not_the_backend():
    articles = [evil_article("a", "Alpha", None), evil_article("b", "Alpha", None), evil_article("c", None, None)]
    articles[0].published, articles[1].published, articles[2].published = "2022-06-12T08:00:00Z", "2022/05/03", None
    stats = {"articles": 3, "sentences": 9, "built_at": "2026-01-01T10:00:00+0000", "backend_choice": CHOICE}
    rendered = render_collection(stats, articles)
    assert '<b class="nc-article-count">3</b> articles from 2 outlets' in rendered
    assert "Published 3 May 2022 to 12 Jun 2022 (1 undated)" in rendered
    assert rendered.count('class="nc-article-button" data-doc=') == 3
    assert "<h1>" not in rendered
    assert "backend" not in rendered and "onnx" not in rendered and "2026-01-01" not in rendered


def test_about_this_index_tells_how_it_was_built():
    about = render_about({"sentences": 9, "chunks": 4, "built_at": "2026-01-01T10:00:00+0000", "backend_choice": CHOICE})
    assert "Indexed 2026-01-01 10:00:00+0000; 9 quotable sentences, 4 passages" in about
    assert "article backend: onnx-int8, chosen by measurement on AMD EPYC [avx2 avx512f]: onnx-int8 650.7/s" in about


def test_date_range_in_words():
    one = evil_article("a", "Alpha", None)
    one.published = "no date"
    assert date_range([]) == date_range([one]) == "publication dates not given"
    one.published = "2022-06-12"
    assert date_range([one]) == "12 Jun 2022"


def test_written_sentences_get_clickable_markers_and_notices_show():
    article = evil_article(outlet="Alpha", url=None)
    citations = [cite(article, "Closing line."), cite(article, "Lead <b>bold</b> line.")]
    answer = Answer("q", "ignored", False, citations, mode="llm", notice="<i>fell back</i>",
                    sentences=[AnswerSentence("It <b>closed</b>.", [1, 2, 7], 0.9)])
    rendered = render_answer(answer)
    assert "It &lt;b&gt;closed&lt;/b&gt;." in rendered and "&lt;i&gt;fell back&lt;/i&gt;" in rendered
    markers = re.findall(r'<sup class="nc-ref"><button [^>]*data-start="(\d+)"[^>]*>\[(\d)\]', rendered)
    assert markers == [(str(citations[0].start), "1"), (str(citations[1].start), "2")]  # [7] does not exist: no marker
    assert tags(rendered) <= ALLOWED_TAGS | {"sup"}


def test_short_answer_leads_and_is_marked_in_the_quote_and_the_article():
    from assistant.model import ShortAnswer

    article = evil_article()
    citation = cite(article, "The council <script>window.__pwned=1</script> voted 7 to 2")
    start = article.text.index("7 to 2")
    short = ShortAnswer("7 to 2", article.doc_id, start, start + len("7 to 2"))
    answer = Answer("How many voted for it?", f"7 to 2: {answer_text([citation])}", False, [citation], short_answer=short)
    rendered = render_answer(answer)
    assert tags(rendered) <= ALLOWED_TAGS and "<script>" not in rendered
    assert '<p class="nc-short-answer">7 to 2</p>' in rendered
    assert re.search(r'<mark class="nc-short"[^>]*>7 to 2</mark>', rendered)
    assert f'data-answer-start="{short.start}" data-answer-end="{short.end}"' in rendered
    assert 'class="nc-answer-text"' not in rendered  # the text only restates the short answer and the quote
    source = render_source(article, citation.start, citation.end, view=1, answer=(short.start, short.end))
    marked = re.findall(r'<mark class="([^"]+)"[^>]*>(.*?)</mark>', source, flags=re.S)
    assert [css for css, _ in marked] == ["nc-hl", "nc-hl nc-short"]
    assert "".join(html.unescape(text) for _, text in marked) == citation.quote  # the quote, still whole
    assert html.unescape(marked[1][1]) == "7 to 2"


def test_a_near_miss_is_shown_apart_and_never_as_an_answer():
    from assistant.answer.declines import near_miss_text
    from assistant.model import NearMiss

    article = evil_article()
    sentence = "The council <script>window.__pwned=1</script> voted 7 to 2"
    miss = NearMiss(cite(article, sentence), asked="8 to 1", found="7 to 2", role="time")
    answer = Answer("By how much did the council vote?", near_miss_text("the 1 indexed articles", miss), True, [], near_miss=miss)
    rendered = render_answer(answer)
    assert 'class="nc-answer nc-abstained"' in rendered and 'class="nc-near-miss"' in rendered
    assert "Not an answer" in rendered and "nc-citations" not in rendered and "nc-short-answer" not in rendered
    assert html.escape(sentence, quote=False) in rendered and "<script>" not in rendered  # the quote, escaped
    assert f'data-start="{miss.citation.start}"' in rendered  # it opens in its article like any quote
    assert "The closest (" not in rendered  # the text's own near-miss line is not repeated above the quote
    assert tags(rendered) <= ALLOWED_TAGS
