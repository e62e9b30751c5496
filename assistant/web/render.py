"""HTML for the web app: answers, the chat transcript, the source view, the collection.

Pure functions from NewsCite's data to HTML strings, with no Gradio in
sight, so each panel can be tested on its own and new panels (a per-outlet
comparison, a streamed LLM answer) can reuse `render_answer` and friends.

Everything that comes from an article (text, headline, outlet, URL, file
name) is untrusted and goes through `escape`/`safe_url` before it reaches the
page. Elements carrying `data-doc` (and optionally `data-start`/`data-end`)
open that article in the source view when clicked; see `webapp.CLICK_JS`.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from assistant.answer.extractive import answer_text
from assistant.embed.backend_choice import describe_choice
from assistant.model import Answer, Article, Citation, NearMiss, ShortAnswer
from assistant.web.compare import render_conflicts, render_speaker
from assistant.web.highlight import Mark, escape, highlight, safe_url
from assistant.web.pieces import Turn, open_attrs

HIGHLIGHT_ID = "nc-highlight"
SEARCHING = "Searching the articles…"


# --- small pieces ----------------------------------------------------------------


def link(url: str | None, label: str = "link") -> str:
    href = safe_url(url)
    if href is None:
        return ""
    return f'<a class="nc-link" href="{href}" target="_blank" rel="noopener noreferrer nofollow">{escape(label)}</a>'


def article_meta(outlet: str, title: str | None, published: str | None, url: str | None) -> str:
    """Outlet · headline · date · link, each only where known."""
    parts = [f'<span class="nc-outlet">{escape(outlet)}</span>']
    if title:
        parts.append(f'<span class="nc-title">{escape(title)}</span>')
    if published:
        parts.append(f'<span class="nc-date">{escape(published)}</span>')
    if safe_url(url):
        parts.append(link(url))
    return '<span class="nc-sep"> · </span>'.join(parts)


def first_source_per_outlet(citation: Citation) -> list[tuple[str, str, int, int]]:
    """(outlet, doc_id, start, end) for each outlet carrying the statement, the citation's own first."""
    seen: dict[str, tuple[str, str, int, int]] = {citation.outlet: (citation.outlet, citation.doc_id, citation.start, citation.end)}
    for ref in citation.also_in:
        seen.setdefault(ref.outlet, (ref.outlet, ref.doc_id, ref.start, ref.end))
    return [seen[name] for name in citation.outlets if name in seen]


def render_corroboration(citation: Citation) -> str:
    """'Reported by N outlets: A, B' with each outlet opening its own quote."""
    sources = first_source_per_outlet(citation)
    count = len(sources)
    noun = "outlet" if count == 1 else "outlets"
    buttons = ", ".join(
        f'<button type="button" class="nc-source-button" {open_attrs(doc, start, end)} '
        f'title="Show this in the article">{escape(outlet)}</button>'
        for outlet, doc, start, end in sources
    )
    css = "nc-corroboration nc-corroborated" if count > 1 else "nc-corroboration"
    return f'<div class="{css}">Reported by {count} {noun}: {buttons}</div>'


def render_citation(citation: Citation, number: int, short: ShortAnswer | None = None) -> str:
    """One citation: the exact quote (click to see it in its article), where it is from, who else says it;
    `short`, the answer's short answer when it lies in this quote, is marked in it."""
    inside = short is not None and short.doc_id == citation.doc_id and citation.start <= short.start < short.end <= citation.end
    answer = (short.start, short.end) if inside else None
    opener = open_attrs(citation.doc_id, citation.start, citation.end, answer)
    marks = [Mark(short.start - citation.start, short.end - citation.start, "nc-short")] if inside else []
    return (
        f'<li class="nc-citation" data-number="{number}">'
        f'<blockquote class="nc-quote" {opener} title="Show in the article">{highlight(citation.quote, marks)}</blockquote>'
        f'<div class="nc-meta">{article_meta(citation.outlet, citation.title, citation.published, citation.url)}'
        f"{render_speaker(citation)}</div>"
        f"{render_corroboration(citation)}"
        f'<button type="button" class="nc-open" {opener}>Show in the article</button>'
        "</li>"
    )


def repeats_citations(answer: Answer) -> bool:
    """True when the answer text only restates its citations (the extractive composer's text)."""
    text = answer.text
    if answer.notice and text.startswith(answer.notice):  # an LLM fallback: the notice is shown on its own
        text = text[len(answer.notice) :].lstrip()
    if answer.short_answer and text.startswith(f"{answer.short_answer.text}: "):  # shown on its own line
        text = text[len(answer.short_answer.text) + 2 :]
    return text.strip() == answer_text(answer.citations).strip()


def citation_marker(answer: Answer, number: int) -> str:
    """A clickable [n] after a written sentence, opening citation n (numbered from 1) in its article."""
    if not 1 <= number <= len(answer.citations):
        return ""
    c = answer.citations[number - 1]
    return (
        f'<sup class="nc-ref"><button type="button" class="nc-source-button" {open_attrs(c.doc_id, c.start, c.end)} '
        f'title="Show quote {number} in its article">[{number}]</button></sup>'
    )


def render_near_miss(miss: NearMiss | None) -> str:
    """What the articles say instead, set apart from an answer: the quote (click to see it in its article)
    and the one element of the question it does not meet."""
    if miss is None:
        return ""
    c = miss.citation
    instead = (
        f'has <b>{escape(miss.found)}</b> where the question has <b>{escape(miss.asked)}</b>'
        if miss.found else f"does not say <b>{escape(miss.asked)}</b>"
    )
    return (
        f'<div class="nc-near-miss"><p class="nc-near-lead">Not an answer. The closest the articles come '
        f'({escape(miss.role)}: it {instead}):</p>'
        f'<blockquote class="nc-near-quote" {open_attrs(c.doc_id, c.start, c.end)} title="Show in the article">{escape(c.quote)}</blockquote>'
        f'<div class="nc-meta">{article_meta(c.outlet, c.title, c.published, c.url)}</div></div>'
    )


def render_written(answer: Answer) -> str:
    """The answer's own text when it adds to the quotes: an LLM's verified sentences with [n] markers, or plain text."""
    if answer.sentences:
        sentences = " ".join(
            f'<span class="nc-sentence">{escape(s.text)}{"".join(citation_marker(answer, n) for n in s.citations)}</span>'
            for s in answer.sentences
        )
        return f'<p class="nc-answer-text">{sentences}</p>'
    if answer.text.strip() and not repeats_citations(answer):
        return f'<p class="nc-answer-text">{escape(answer.text)}</p>'
    return ""


def render_answer(answer: Answer) -> str:
    """An `Answer` as HTML: the abstention, or the written text (when it adds anything) and the citations."""
    notice = f'<p class="nc-notice">{escape(answer.notice)}</p>' if answer.notice else ""
    if answer.abstained:
        declined = answer.text.split("\n")[0]  # a near miss is shown below, not as the answer's words
        return (
            f'<div class="nc-answer nc-abstained"><p class="nc-abstain">{escape(declined)}</p>'
            f"{render_near_miss(answer.near_miss)}{notice}</div>"
        )
    # Disagreeing outlets are shown side by side; an extractive answer's text then only restates them.
    written = "" if answer.conflicts and answer.mode == "extractive" else render_written(answer)
    short = f'<p class="nc-short-answer">{escape(answer.short_answer.text)}</p>' if answer.short_answer else ""
    parts = ['<div class="nc-answer">', short, render_conflicts(answer.conflicts), written, notice]
    count = len(answer.citations)
    parts.append(f'<p class="nc-lead">What the articles say ({count} quote{"" if count == 1 else "s"}):</p>')
    parts.append('<ol class="nc-citations">')
    parts.extend(
        render_citation(citation, number, answer.short_answer if number == 1 else None)
        for number, citation in enumerate(answer.citations, start=1)
    )
    parts.append("</ol></div>")
    return "".join(parts)


def render_turn(turn: Turn, number: int) -> str:
    scope = ""
    if turn.outlets:
        scope = f'<span class="nc-scope">only {escape(", ".join(turn.outlets))}</span>'
    question = f'<div class="nc-question"><span class="nc-you">You</span> {escape(turn.question)}{scope}</div>'
    if turn.error is not None:
        body = f'<div class="nc-answer nc-error"><p>{escape(turn.error)}</p></div>'
    elif turn.answer is None and turn.partial:
        body = f'<div class="nc-answer nc-streaming"><p class="nc-answer-text">{escape(turn.partial)}</p></div>'
    elif turn.answer is None:
        body = f'<div class="nc-answer nc-pending"><p>{SEARCHING}</p></div>'
    else:
        body = render_answer(turn.answer)
    return f'<div class="nc-turn" data-turn="{number}">{question}{body}</div>'


def render_transcript(turns: Sequence[Turn], article_count: int | None = None) -> str:
    """The whole chat, oldest turn first."""
    if not turns:
        scope = f"the {article_count} indexed articles" if article_count is not None else "the indexed articles"
        return (
            '<div class="nc-transcript"><div class="nc-empty">'
            f"Ask a question about {escape(scope)}. Every answer is made of exact quotes; "
            "click a quote to see it where it stands in its article.</div></div>"
        )
    return '<div class="nc-transcript">' + "".join(render_turn(t, i) for i, t in enumerate(turns)) + "</div>"


# --- the source view ---------------------------------------------------------------


def render_source(
    article: Article, start: int | None = None, end: int | None = None, view: int = 0, answer: tuple[int, int] | None = None
) -> str:
    """The article with [start, end) highlighted in place, and the short answer `answer` inside it marked
    more strongly; `view` changes on every opening so the page re-scrolls."""
    marks = []
    if start is not None and end is not None and 0 <= start < end <= len(article.text):
        marks = quote_marks(start, end, answer)
    where = f"characters {start}–{end} of {len(article.text)}" if marks else f"{len(article.text)} characters"
    head = (
        '<div class="nc-source-head">'
        f'<div class="nc-meta">{article_meta(article.outlet_name, None, article.published, article.url)}</div>'
        f'<h3 class="nc-source-title">{escape(article.title or "Untitled article")}</h3>'
        f'<div class="nc-source-where">{escape(article.doc_id)} · {where}</div>'
        "</div>"
    )
    body = f'<div class="nc-article">{highlight(article.text, marks)}</div>'
    return f'<div class="nc-source" data-view="{int(view)}">{head}{body}</div>'


def quote_marks(start: int, end: int, answer: tuple[int, int] | None) -> list[Mark]:
    """The quote's mark, split around the short answer (marks cannot nest); the first piece carries the id."""
    if answer is None or not start <= answer[0] < answer[1] <= end:
        return [Mark(start, end, "nc-hl", HIGHLIGHT_ID)]
    pieces = [(start, answer[0], "nc-hl"), (answer[0], answer[1], "nc-hl nc-short"), (answer[1], end, "nc-hl")]
    pieces = [p for p in pieces if p[0] < p[1]]
    return [Mark(a, b, css, HIGHLIGHT_ID if i == 0 else None) for i, (a, b, css) in enumerate(pieces)]


def render_source_message(message: str) -> str:
    return f'<div class="nc-source nc-source-empty"><p>{escape(message)}</p></div>'


SOURCE_PLACEHOLDER = render_source_message(
    "Click a quote (or an outlet under it) to read it in its article, highlighted where it stands."
)


# --- the collection ----------------------------------------------------------------


def date_range(articles: Iterable[Article]) -> str:
    """When the articles were published, in words: "3 May 2022 to 12 Jun 2022" (and how many give no date)."""
    articles = list(articles)
    days = sorted(day for day in (a.published_day for a in articles) if day is not None)
    undated = len(articles) - len(days)
    if not days:
        return "publication dates not given"
    shown = [f"{day.day} {day:%b %Y}" for day in (days[0], days[-1])]
    span = shown[0] if shown[0] == shown[1] else f"{shown[0]} to {shown[1]}"
    return span + (f" ({undated} undated)" if undated else "")


def render_collection(stats: dict, articles: Iterable[Article]) -> str:
    """What a reader needs to know of the collection: how many articles, from which outlets, published
    when, and the articles themselves (click to read). How the index was built is `render_about`'s."""
    articles = list(articles)
    per_outlet = Counter(a.outlet_name for a in articles)
    outlets = "".join(
        f'<li><span class="nc-outlet">{escape(name)}</span> <span class="nc-count">{count}</span></li>'
        for name, count in sorted(per_outlet.items(), key=lambda item: item[0].casefold())
    )
    items = "".join(
        f'<li><button type="button" class="nc-article-button" {open_attrs(a.doc_id)}>'
        f'{escape(a.title or a.doc_id)}</button> <span class="nc-outlet">{escape(a.outlet_name)}</span></li>'
        for a in sorted(articles, key=lambda a: ((a.title or a.doc_id).casefold(), a.doc_id))
    )
    count = stats.get("articles", len(articles))
    return (
        '<div class="nc-collection">'
        f'<p class="nc-stats"><b class="nc-article-count">{int(count)}</b> article{"" if count == 1 else "s"} '
        f"from {len(per_outlet)} outlet{'' if len(per_outlet) == 1 else 's'}</p>"
        f'<p class="nc-dates">Published {escape(date_range(articles))}</p>'
        f'<ul class="nc-outlets">{outlets}</ul>'
        f'<details class="nc-article-list"><summary>Articles</summary><ul>{items}</ul></details>'
        "</div>"
    )


def render_about(stats: dict) -> str:
    """How the index was built, for the curious (the page's closed "About this index" fold; `newscite stats`)."""
    built = escape(str(stats.get("built_at") or "never").replace("T", " "))
    return (
        '<div class="nc-about">'
        f'<p class="nc-built">Indexed {built}; {int(stats.get("sentences", 0))} quotable sentences, '
        f'{int(stats.get("chunks", 0))} passages</p>'
        f'<p class="nc-backend">{escape(describe_choice(stats.get("backend_choice")))}</p>'
        "</div>"
    )


# --- styles ------------------------------------------------------------------------

CSS = """
.nc-transcript { display: flex; flex-direction: column; gap: 14px; }
.nc-empty { color: var(--body-text-color-subdued); padding: 12px 4px; }
.nc-turn { display: flex; flex-direction: column; gap: 6px; }
.nc-question { align-self: flex-end; max-width: 90%; background: var(--color-accent-soft);
  border-radius: 10px; padding: 8px 12px; }
.nc-you { font-weight: 600; margin-right: 6px; }
.nc-scope { margin-left: 8px; font-size: 0.85em; color: var(--body-text-color-subdued); }
.nc-answer { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 8px 12px;
  background: var(--background-fill-secondary); }
.nc-abstain { font-weight: 600; margin: 4px 0; }
.nc-near-miss { border: 1px dashed var(--border-color-primary); border-radius: 8px; padding: 4px 10px; margin-top: 6px; }
.nc-near-lead { margin: 2px 0 4px; font-size: 0.9em; color: var(--body-text-color-subdued); }
.nc-near-quote { margin: 0 0 4px; padding: 4px 10px; border-left: 3px dashed var(--body-text-color-subdued);
  color: var(--body-text-color-subdued); font-style: italic; cursor: pointer; white-space: pre-wrap; }
.nc-error { border-color: #c0392b; }
.nc-pending { color: var(--body-text-color-subdued); font-style: italic; }
.nc-notice { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 2px 0; }
.nc-ref button { font-size: 0.8em; text-decoration: none; }
.nc-lead { margin: 2px 0 6px; color: var(--body-text-color-subdued); font-size: 0.9em; }
.nc-citations { margin: 0; padding-left: 1.4em; display: flex; flex-direction: column; gap: 10px; }
.nc-quote { margin: 0 0 4px; padding: 4px 10px; border-left: 3px solid var(--color-accent);
  cursor: pointer; white-space: pre-wrap; }
.nc-quote:hover { background: var(--background-fill-primary); }
.nc-meta { font-size: 0.85em; }
.nc-outlet { font-weight: 600; }
.nc-title { font-style: italic; }
.nc-corroboration { font-size: 0.85em; color: var(--body-text-color-subdued); }
.nc-corroborated { color: var(--body-text-color); }
.nc-source-button, .nc-open, .nc-article-button { background: none; border: none; padding: 0;
  color: var(--link-text-color); cursor: pointer; text-decoration: underline; font: inherit; }
.nc-open { font-size: 0.85em; }
.nc-source-head { margin-bottom: 8px; }
.nc-source-title { margin: 4px 0; font-size: 1.15em; font-weight: 600; }
.nc-source-where { font-size: 0.8em; color: var(--body-text-color-subdued); }
.nc-article { position: relative; white-space: pre-wrap; max-height: 70vh; overflow-y: auto;
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; line-height: 1.5; }
.nc-article mark.nc-hl { background: #ffe066; color: #111; padding: 1px 0; border-radius: 2px; }
.nc-article mark.nc-short, .nc-quote mark.nc-short { background: #ffc53d; color: #111; font-weight: 600; }
.nc-short-answer { font-size: 1.15em; font-weight: 700; margin: 2px 0 4px; }
.nc-source-empty { color: var(--body-text-color-subdued); }
.nc-collection ul { margin: 4px 0; padding-left: 1.2em; }
.nc-count { color: var(--body-text-color-subdued); }
.nc-stats, .nc-dates, .nc-built { margin: 2px 0; }
.nc-about { font-size: 0.85em; color: var(--body-text-color-subdued); overflow-wrap: anywhere; }
"""
