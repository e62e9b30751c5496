"""The Gradio page: chat with cited answers, the source view, filters, the collection.

The layout and the event wiring live here; the HTML of every panel comes from
`assistant.web.render` (pure functions), so a new panel is a render function
plus a few lines in `build_app`. Each browser session has its own
`ChatSession` (the turns shown and the `Conversation` that makes follow-up
questions work); the `Assistant` is shared.

Questions are answered in parallel (`Assistant.ask` is thread-safe), at most
`ask_concurrency` at a time; uploads are serialised (one indexing run at a
time). Every handler checks its payload (anyone can post to the event API,
not only the page) and answers with a message, never a traceback.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no phoning home

import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from assistant.facade import Assistant
from assistant.web.compare import COMPARE_CSS, COMPARE_PLACEHOLDER, compare_panel
from assistant.answer.conversation import Conversation
from assistant.limits import limits
from assistant.ingest.load import SUPPORTED
from assistant.web.uploads import UploadOutcome, add_uploads
from assistant.web.highlight import escape
from assistant.web.pieces import Turn
from assistant.web.render import (
    CSS,
    SOURCE_PLACEHOLDER,
    render_about,
    render_collection,
    render_source,
    render_source_message,
    render_transcript,
)

# Any element with data-doc (quotes, outlet names, article titles) opens that article in the source view.
CLICK_JS = """
element.addEventListener('click', (event) => {
  const target = event.target.closest('[data-doc]');
  if (!target || !element.contains(target)) return;
  event.preventDefault();
  const data = {doc: target.dataset.doc};
  if (target.dataset.start !== undefined) {
    data.start = Number(target.dataset.start);
    data.end = Number(target.dataset.end);
  }
  if (target.dataset.answerStart !== undefined) {
    data.answer_start = Number(target.dataset.answerStart);
    data.answer_end = Number(target.dataset.answerEnd);
  }
  trigger('select', data);
});
"""

# Scroll the article box (not the page) so the highlighted quote sits in view.
SCROLL_JS = """
const reveal = () => {
  const box = element.querySelector('.nc-article');
  const mark = element.querySelector('mark.nc-hl');
  if (!box) return;
  box.scrollTop = mark ? Math.max(0, mark.offsetTop - box.clientHeight / 3) : 0;
  element.scrollIntoView({block: 'nearest'});
};
watch('value', reveal);
reveal();
"""

MAX_QUESTION_CHARS = 2_000  # a question, not an article: longer ones are refused with a message
DEFAULT_ASK_CONCURRENCY = 8  # questions answered at once; more only queue for the same two cores

COLLECTION_LOADING = '<div class="nc-collection"><p>Loading the collection…</p></div>'

_views = itertools.count(1)


@dataclass
class ChatSession:
    """One browser session's chat: what is shown and what follow-ups refer to."""

    turns: list[Turn] = field(default_factory=list)
    conversation: Conversation = field(default_factory=Conversation)


class WebApp:
    """Handlers for the page's events over one shared `Assistant`."""

    def __init__(self, bot: Assistant, uploads_dir: str | Path) -> None:
        self.bot = bot
        self.uploads_dir = Path(uploads_dir)

    # --- chat ---------------------------------------------------------------------

    def ask(self, question: str, outlets: list[str] | None, session: ChatSession | None) -> Iterator[tuple]:
        """Show the question at once, then its answer (a generator, so answers can stream later)."""
        session = session if isinstance(session, ChatSession) else ChatSession()
        question = (question if isinstance(question, str) else "").strip()
        if not question:
            yield self.transcript(session), "", session
            return
        turn = Turn(question[:MAX_QUESTION_CHARS], outlet_list(outlets))
        session.turns.append(turn)
        if len(question) > MAX_QUESTION_CHARS:
            turn.error = f"Could not answer: the question is {len(question):,} characters long; at most {MAX_QUESTION_CHARS:,} are accepted."
            yield self.transcript(session), "", session
            return
        if self.bot.llm is not None:  # an LLM takes seconds: show the question now (an extractive answer takes ~10 ms,
            yield self.transcript(session), "", session  # and each extra update costs the server as much again)
        try:  # with an LLM, its verified sentences stream in; the final Answer replaces them
            for item in self.bot.ask_stream(question, outlets=turn.outlets or None, conversation=session.conversation):
                if isinstance(item, str):
                    turn.partial += item
                    yield self.transcript(session), "", session
                else:
                    turn.answer = item
        except Exception as error:  # shown in the chat rather than as a broken page
            turn.error = f"Could not answer: {error}"
        yield self.transcript(session), "", session

    def compare(self, question: str, outlets: list[str] | None, session: ChatSession | None) -> str:
        """The who-says-what panel for the question typed, or else the last one asked."""
        question = (question if isinstance(question, str) else "")[:MAX_QUESTION_CHARS]
        turns = session.turns if isinstance(session, ChatSession) else []
        try:
            return compare_panel(self.bot, question, outlet_list(outlets), turns)
        except Exception as error:  # shown in the panel rather than as a broken page
            return render_source_message(f"Could not compare: {error}")

    def new_conversation(self) -> tuple:
        session = ChatSession()
        return self.transcript(session), SOURCE_PLACEHOLDER, session

    def transcript(self, session: ChatSession) -> str:
        return render_transcript(session.turns, len(self.bot.articles))

    # --- source view --------------------------------------------------------------

    def open_source(self, event: gr.EventData) -> str:
        """The clicked article, with the clicked quote highlighted."""
        doc_id = getattr(event, "doc", None)  # the data sent by CLICK_JS's trigger('select', ...)
        if not isinstance(doc_id, str) or not doc_id or len(doc_id) > 1_000:
            return render_source_message("Click a quote or an article to see it here.")
        try:
            article = self.bot.article(doc_id)
        except KeyError:
            return render_source_message(f"The article {doc_id!r} is no longer in the index.")
        span = quote_span(getattr(event, "start", None), getattr(event, "end", None), len(article.text))
        if span is None:
            return render_source(article, view=next(_views))
        # a short answer outside the quote is not marked (render.quote_marks)
        answer = quote_span(getattr(event, "answer_start", None), getattr(event, "answer_end", None), len(article.text))
        return render_source(article, span[0], span[1], next(_views), answer)

    # --- the collection -----------------------------------------------------------

    def collection(self) -> str:
        return render_collection(self.bot.stats(), self.bot.articles)

    def about(self) -> str:
        return render_about(self.bot.stats())

    def outlet_choices(self, selected: list[str] | None = None) -> gr.Dropdown:
        choices = self.bot.outlets()
        return gr.Dropdown(choices=choices, value=[o for o in (selected or []) if o in choices])

    def refresh(self, selected: list[str] | None = None) -> tuple:
        """On page load: the collection as it is now (another session may have added articles)."""
        return self.collection(), self.about(), self.outlet_choices(selected)

    def upload(self, files: list[str] | None, selected: list[str] | None, progress=gr.Progress()) -> tuple:
        """Index uploaded files with progress; a bad file is named and changes nothing."""
        paths = [str(f) for f in (files or []) if isinstance(f, (str, Path))] if isinstance(files, list) else []
        if not paths:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        progress(0, desc=f"Reading and splitting {len(paths)} file(s)")

        def embedded(done: int, total: int) -> None:
            progress((done, total), desc="Embedding", unit="chunks")

        try:
            outcome = add_uploads(self.bot, paths, self.uploads_dir, progress=embedded)
        except Exception as error:  # e.g. the index folder is not writable: the old index stays live
            outcome = UploadOutcome(problems=[f"Indexing failed, the collection is unchanged: {error}"])
        finally:
            remove_temporary_copies(paths)
        selected = outlet_list(selected)
        return (render_upload(outcome, len(self.bot.articles)), None, self.collection(), self.about(),
                self.outlet_choices(selected))


def outlet_list(outlets: Any) -> list[str]:
    """The outlets a payload names: a list of names, anything else means none."""
    if not isinstance(outlets, (list, tuple)):
        return []
    return [o for o in outlets if isinstance(o, str) and o.strip()][:100]


def quote_span(start: Any, end: Any, length: int) -> tuple[int, int] | None:
    """A clicked quote's [start, end) when the payload gives a sensible one inside the article, else None."""
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, (int, float)) or not isinstance(end, (int, float)):
        return None
    if not (math.isfinite(start) and math.isfinite(end)) or start != int(start) or end != int(end):
        return None
    start, end = int(start), int(end)
    return (start, end) if 0 <= start < end <= length else None


def remove_temporary_copies(paths: list[str]) -> None:
    """Delete Gradio's temporary copies of uploaded files (kept or not, they are of no further use);
    files anywhere else are never touched."""
    cache = Path(gr.utils.get_upload_folder()).resolve()
    for name in paths:
        path = Path(name).resolve()
        if path.is_relative_to(cache) and path != cache and path.is_file():
            path.unlink(missing_ok=True)
            if path.parent != cache and not any(path.parent.iterdir()):
                path.parent.rmdir()


def render_upload(outcome: UploadOutcome, total: int) -> str:
    """The upload's result: what was added, and each problem naming its file."""
    parts = []
    done = outcome.added + outcome.updated
    if done:
        parts.append(
            f'<p class="nc-upload-ok">Added {len(outcome.added)}, updated {len(outcome.updated)} '
            f"article(s); {total} in the collection, searchable now.</p>"
        )
    if outcome.problems:
        items = "".join(f"<li>{escape(problem)}</li>" for problem in outcome.problems)
        parts.append(f'<div class="nc-upload-error"><p>Not added:</p><ul>{items}</ul></div>')
    if not parts:
        parts.append('<p class="nc-upload-ok">Nothing new: these articles were already indexed.</p>')
    return "".join(parts)


UPLOAD_CSS = """
.nc-upload-error { color: #b03a2e; }
.nc-upload-error ul { margin: 2px 0; padding-left: 1.2em; }
.nc-upload-ok { color: var(--body-text-color); }
"""


def build_app(bot: Assistant, uploads_dir: str | Path, ask_concurrency: int = DEFAULT_ASK_CONCURRENCY) -> gr.Blocks:
    """The page, wired to `bot`; uploads are kept in `uploads_dir`; at most `ask_concurrency` questions
    (and as many source views and comparisons) are worked on at once, uploads one at a time."""
    app = WebApp(bot, uploads_dir)
    with gr.Blocks(title="NewsCite", fill_width=True) as demo:
        session = gr.State(None)
        with gr.Sidebar(label="Collection", open=True, width=340):
            gr.Markdown("### The collection")
            # filled on page load, so a page never shows a stale collection (another session may have added articles)
            collection = gr.HTML(COLLECTION_LOADING, elem_id="nc-collection", js_on_load=CLICK_JS, apply_default_css=False)
            files = gr.File(
                label="Add articles (" + " ".join(sorted(SUPPORTED)) + ")",
                file_count="multiple",
                file_types=sorted(SUPPORTED),
                elem_id="nc-upload",
            )
            upload_status = gr.HTML(
                "", elem_id="nc-upload-status", js_on_load=None, apply_default_css=False, min_height=64
            )
            # how the index was built (the embedding backend and the measurement that chose it): for the
            # curious, closed; the reader's facts (articles, outlets, dates) are in the collection above
            with gr.Accordion("About this index", open=False, elem_id="nc-about-fold"):
                about = gr.HTML("", elem_id="nc-about", js_on_load=None, apply_default_css=False)
        gr.Markdown("## NewsCite: answers quoted from the articles")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                transcript = gr.HTML(
                    app.transcript(ChatSession()),
                    elem_id="nc-chat",
                    js_on_load=CLICK_JS,
                    autoscroll=True,
                    max_height=640,
                    apply_default_css=False,
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Ask about the articles (follow-ups work too)",
                        show_label=False,
                        lines=1,
                        scale=5,
                        elem_id="nc-question",
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, elem_id="nc-ask")
                with gr.Row():
                    outlets = gr.Dropdown(
                        choices=bot.outlets(),
                        value=[],
                        multiselect=True,
                        label="Only quote these outlets",
                        info="Leave empty for all outlets.",
                        scale=4,
                        elem_id="nc-outlets",
                    )
                    clear = gr.Button("New conversation", scale=1, elem_id="nc-clear")
                    who = gr.Button("Who says what", scale=1, elem_id="nc-who")
            with gr.Column(scale=2):
                gr.Markdown("### Source")
                source = gr.HTML(SOURCE_PLACEHOLDER, elem_id="nc-source", js_on_load=SCROLL_JS, apply_default_css=False)
                gr.Markdown("### Who says what")
                comparison = gr.HTML(COMPARE_PLACEHOLDER, elem_id="nc-compare", js_on_load=CLICK_JS, apply_default_css=False)

        asked = dict(
            fn=app.ask, inputs=[question, outlets, session], outputs=[transcript, question, session],
            concurrency_limit=ask_concurrency, concurrency_id="ask",
        )
        question.submit(**asked)
        ask.click(**asked)
        clear.click(app.new_conversation, outputs=[transcript, source, session])
        shown = dict(fn=app.open_source, outputs=source, concurrency_limit=ask_concurrency, concurrency_id="source")
        transcript.select(**shown)
        who.click(app.compare, inputs=[question, outlets, session], outputs=comparison,
                  concurrency_limit=ask_concurrency, concurrency_id="compare")
        comparison.select(**shown)
        collection.select(**shown)
        files.upload(
            app.upload,
            inputs=[files, outlets],
            outputs=[upload_status, files, collection, about, outlets],
            show_progress_on=[upload_status],
            concurrency_limit=1,  # one indexing run at a time
            concurrency_id="upload",
        )
        demo.load(app.refresh, inputs=[outlets], outputs=[collection, about, outlets])
    return demo


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, **options) -> None:
    """Serve the page (loopback unless told otherwise), with our styles and a local-fonts theme."""
    theme = gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],  # no web fonts: the page makes no outside requests
        font_mono=["ui-monospace", "monospace"],
    )
    demo.queue().launch(
        server_name=host,
        server_port=port,
        max_file_size=limits().max_upload_bytes,  # refused by Gradio while uploading, before anything is kept
        css=CSS + UPLOAD_CSS + COMPARE_CSS,
        theme=theme,
        show_error=True,
        **options,
    )
