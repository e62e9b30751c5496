"""The real web page in headless Chromium: chat, citations, source view, uploads, escaping.

The app runs as `python app.py` in a subprocess on a free port, over a tmp
copy of data/articles and a tmp index folder; Debian's chromium is driven by
Python playwright (never `playwright install`). Screenshots go to
screenshots/ (git-ignored); the page's picture in the docs is re-made with

    NEWSCITE_DOCS_SCREENSHOT=1 .venv/bin/python -m pytest -q tests/web/test_browser.py -k sidebar

which writes docs/web-page.png as well.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
DOCS_SHOT = ROOT / "docs" / "web-page.png"  # written when NEWSCITE_DOCS_SCREENSHOT=1
WAIT_MS = 180_000  # generous: the 2-core machine is shared; these are waits, not timing assertions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not found (apt-get install chromium)"),
]

LIGHTHOUSE = (
    "Port Elsbury council said on Thursday that the Tidewater lighthouse will be repainted violet "
    "by volunteer Marguerite Okonkwo before the summer regatta."
)
FILLER = [
    f"Paragraph {n}: the harbour committee reviewed mooring fees, parking permits and the ferry timetable "
    f"for the {n}th time this season without reaching a decision."
    for n in range(1, 41)
]
EVIL_SENTENCE = (
    "The harbour cat Admiral Whiskers <script>window.__pwned=1</script> was appointed honorary port inspector "
    '<img src=x onerror="window.__pwned=2"> by the mayor of Lowestoft.'
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`python app.py` over a tmp copy of the bundled articles; yields (url, index_dir, articles_dir)."""
    root = tmp_path_factory.mktemp("web")
    articles = root / "articles"
    shutil.copytree(ROOT / "data" / "articles", articles)
    index_dir = root / "index"
    port = free_port()
    log = open(root / "app.log", "w")
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_TEMP_DIR": str(root / "gradio-tmp")}
    process = subprocess.Popen(
        [sys.executable, "app.py", "--articles", str(articles), "--index-dir", str(index_dir), "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 600
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"app.py exited with {process.returncode}:\n{(root / 'app.log').read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not start:\n{(root / 'app.log').read_text()}")
            time.sleep(1)
        yield url, index_dir, articles, root
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(server, browser):
    """A fresh session on the page; records every request so we can check none leaves the machine."""
    url = server[0]
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(url)
    page.wait_for_selector("#nc-chat .nc-transcript", timeout=WAIT_MS)
    page.wait_for_selector("#nc-collection .nc-article-count", timeout=WAIT_MS)
    yield page
    context.close()


def ask(page, question: str):
    """Type a question, send it, wait for its answer; the answer's turn element."""
    turns = page.locator("#nc-chat .nc-turn").count()
    page.fill("#nc-question textarea", question)
    page.click("#nc-ask")
    page.wait_for_function(
        "n => document.querySelectorAll('#nc-chat .nc-turn').length > n"
        " && !document.querySelector('#nc-chat .nc-pending')",
        arg=turns,
        timeout=WAIT_MS,
    )
    return page.locator("#nc-chat .nc-turn").nth(turns)


def upload(page, paths: list[Path]) -> str:
    page.set_input_files("#nc-upload input[type=file]", [str(p) for p in paths])
    page.wait_for_selector("#nc-upload-status .nc-upload-ok, #nc-upload-status .nc-upload-error", timeout=WAIT_MS)
    return page.inner_text("#nc-upload-status")


def article_count(page) -> int:
    return int(page.inner_text("#nc-collection .nc-article-count"))


def open_citation(page, quote_locator) -> str:
    """Click a quote, wait for the source view to highlight it; the highlighted text."""
    doc, start = quote_locator.get_attribute("data-doc"), quote_locator.get_attribute("data-start")
    quote_locator.click()
    page.wait_for_selector(f'#nc-source mark.nc-hl[data-start="{start}"]', timeout=WAIT_MS)
    assert doc in page.inner_text("#nc-source .nc-source-where")
    return "".join(page.locator("#nc-source mark.nc-hl").all_text_contents())  # split around a short answer


def highlight_in_view(page) -> bool:
    """Is the highlighted quote inside the visible part of the scrollable article box?"""
    return page.evaluate(
        """() => {
          const box = document.querySelector('#nc-source .nc-article').getBoundingClientRect();
          const mark = document.querySelector('#nc-source mark.nc-hl').getBoundingClientRect();
          return mark.top >= box.top - 1 && mark.top < box.bottom && mark.height > 0;
        }"""
    )


def test_issue_26_sidebar_gives_articles_outlets_and_dates_and_the_backend_is_folded_away(page, server):
    articles = server[2]
    sidebar = page.locator("#nc-collection")
    files = [p for p in articles.iterdir() if p.suffix == ".txt"]
    assert sidebar.locator(".nc-article-count").text_content() == str(len(files))
    manifest = json.loads((articles / "sources.json").read_text())
    outlets = {meta.get("outlet") or "unknown outlet" for meta in manifest.values()}
    assert set(sidebar.locator(".nc-outlets .nc-outlet").all_text_contents()) == outlets
    assert sidebar.locator(".nc-dates").text_content().startswith("Published ")
    about = page.locator("#nc-about")
    assert not about.is_visible()  # the fold is closed
    for text in ("backend", "onnx", "openvino", "chosen by measurement"):
        assert text not in page.inner_text("body"), text  # nothing of it on the page as first shown
    turn = ask(page, "When did Russia start its bombing campaign?")
    open_citation(page, turn.locator(".nc-quote").first)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "web-page.png"))
    if os.environ.get("NEWSCITE_DOCS_SCREENSHOT") == "1":
        page.screenshot(path=str(DOCS_SHOT))

    page.get_by_text("About this index").click()  # who wants it opens it
    page.wait_for_selector("#nc-about .nc-backend", state="visible", timeout=WAIT_MS)
    assert page.inner_text("#nc-about .nc-backend").startswith("article backend: ")
    assert "quotable sentences" in page.inner_text("#nc-about")


def test_answer_shows_outlet_and_verbatim_quote_then_source_highlight(page, server):
    url, _, articles, _ = server
    turn = ask(page, "When did Russia start its bombing campaign?")
    quotes = turn.locator(".nc-quote")
    assert quotes.count() >= 1
    first = quotes.first
    quote = first.text_content()
    doc = first.get_attribute("data-doc")
    start, end = int(first.get_attribute("data-start")), int(first.get_attribute("data-end"))
    text = (articles / f"{doc}.txt").read_text(encoding="utf-8-sig")
    assert text[start:end] == quote and "September 30" in quote  # verbatim, at its stated offsets
    assert turn.locator(".nc-short-answer").text_content() == "September 30"  # the date leads the answer
    assert first.locator("mark.nc-short").text_content() == "September 30"  # and is marked in the quote

    outlet = turn.locator(".nc-citation .nc-meta .nc-outlet").first.text_content()
    manifest = json.loads((articles / "sources.json").read_text())
    assert outlet == (manifest[f"{doc}.txt"]["outlet"] or "unknown outlet")
    corroboration = turn.locator(".nc-corroboration").first.text_content()
    assert corroboration.startswith("Reported by ") and outlet in corroboration
    later = ask(page, "What did Russia offer the Free Syrian Army?")  # for the screenshot: outlets, headlines, a date
    assert later.locator(".nc-citation").count() >= 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "chat-citations.png"))

    assert open_citation(page, first) == quote
    assert page.locator("#nc-source mark.nc-short").text_content() == "September 30"  # marked in the article too
    assert highlight_in_view(page)
    source_text = page.locator("#nc-source .nc-article").text_content()
    assert source_text == text  # the whole article, unchanged, around the highlight
    page.screenshot(path=str(SHOTS / "source-view.png"))

    # nothing on the page reached beyond the app itself (no analytics, no web fonts, no CDNs)
    outside = [u for u in page.requests if not u.startswith(url) and not u.startswith(("data:", "blob:"))]
    assert outside == []


def test_follow_up_and_outlet_filter(page):
    turn = ask(page, "What did Russia offer the Free Syrian Army?")
    assert turn.locator(".nc-quote").count() >= 1
    page.click("#nc-outlets input")
    page.get_by_role("option", name="SBS News").click()
    page.keyboard.press("Escape")
    filtered = ask(page, "What did they say about the offer?")
    assert "only SBS News" in filtered.locator(".nc-question").text_content()
    outlets = filtered.locator(".nc-citation .nc-meta .nc-outlet").all_text_contents()
    assert outlets and set(outlets) == {"SBS News"}


def test_unanswerable_question_abstains_plainly(page):
    turn = ask(page, "Who won the 2014 World Cup?")
    assert "The articles don't say" in turn.locator(".nc-abstain").text_content()
    assert turn.locator(".nc-citation").count() == 0


def test_uploaded_article_is_answerable_at_once_and_scrolled_to(page, server):
    root = server[3]
    path = root / "port-elsbury-lighthouse.txt"
    path.write_text("Port Elsbury notes\n" + "\n".join(FILLER) + "\n" + LIGHTHOUSE + "\nThe regatta starts in June.\n")
    before = article_count(page)
    status = upload(page, [path])
    assert "Added 1" in status, status
    assert article_count(page) == before + 1

    turn = ask(page, "What colour will the Tidewater lighthouse be repainted?")
    quote = turn.locator(".nc-quote").first
    assert quote.get_attribute("data-doc") == "port-elsbury-lighthouse"
    assert "violet" in quote.text_content() and quote.text_content() in path.read_text()
    assert open_citation(page, quote) == quote.text_content()
    scrolled = page.evaluate("() => document.querySelector('#nc-source .nc-article').scrollTop")
    assert scrolled > 0 and highlight_in_view(page)  # the quote is at the end of a long article


def test_article_with_script_tag_is_shown_as_text_and_runs_nothing(page, server):
    root = server[3]
    text_file = root / "harbour-cat.txt"
    text_file.write_text(f"Harbour news\n{EVIL_SENTENCE}\nThe appointment lasts a year.\n")
    record_file = root / "harbour-meta.json"  # untrusted metadata too: headline, outlet, link
    record_file.write_text(json.dumps({
        "id": "harbour-meta",
        "title": "<h1>Harbour <b>news</b></h1>",
        "outlet": "Harbour <i>Gazette</i>",
        "url": "javascript:window.__pwned=3",
        "text": "Gulls <script>window.__pwned=4</script> were counted on the pier. The count took a day.",
    }))
    status = upload(page, [text_file, record_file])
    assert "Added 2" in status, status

    turn = ask(page, "Who was appointed honorary port inspector?")
    quote = turn.locator(".nc-quote").first
    assert quote.get_attribute("data-doc") == "harbour-cat"
    open_citation(page, quote)
    shown = page.locator("#nc-source .nc-article").text_content()
    assert "<script>window.__pwned=1</script>" in shown and '<img src=x onerror="window.__pwned=2">' in shown

    page.click("#nc-collection summary")  # open the record's article from the collection list
    page.locator("#nc-collection .nc-article-button", has_text="<h1>Harbour <b>news</b></h1>").click()
    page.wait_for_function(
        "() => (document.querySelector('#nc-source .nc-source-where') || {}).textContent?.startsWith('harbour-meta')",
        timeout=WAIT_MS,
    )
    assert page.locator("#nc-source .nc-source-title").text_content() == "<h1>Harbour <b>news</b></h1>"
    assert page.locator("#nc-source .nc-outlet").text_content() == "Harbour <i>Gazette</i>"
    assert "<script>window.__pwned=4</script>" in page.locator("#nc-source .nc-article").text_content()
    assert page.locator("#nc-source a").count() == 0  # a javascript: link is not linked
    for where in ("#nc-chat", "#nc-source", "#nc-collection"):
        assert page.locator(f"{where} script, {where} img, {where} h1, {where} i").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_bad_upload_names_the_file_and_leaves_the_index_as_it_was(page, server):
    _, index_dir, _, root = server
    empty = root / "empty-notes.txt"
    empty.write_text("")
    binary = root / "scanned-page.txt"
    binary.write_bytes(b"\x00\x01\x02\xff\xfe" * 100)
    generation, before = (index_dir / "CURRENT").read_text(), article_count(page)

    status = upload(page, [empty, binary])

    assert "Not added" in status
    assert "empty-notes.txt: empty file" in status and "scanned-page.txt: binary file" in status
    assert page.locator("#nc-upload-status .nc-upload-ok").count() == 0
    assert (index_dir / "CURRENT").read_text() == generation and article_count(page) == before
    assert not ask(page, "Where did the FSA propose to meet Russia?").locator(".nc-abstain").count()
