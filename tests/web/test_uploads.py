"""Uploads through the web app: checked, stored, indexed; bad files change nothing.

Real components: the packaged MiniLM model and a real FAISS index in tmp_path.
"""

import json
from pathlib import Path

import pytest

from assistant.web.uploads import add_uploads, destination

FACT = (
    "Port Elsbury council said on Thursday that the Tidewater lighthouse will be repainted violet "
    "by volunteer Marguerite Okonkwo before the summer regatta."
)


@pytest.fixture(scope="module")
def setup(bot, tmp_path_factory):
    """The shared bundled-articles Assistant (conftest) and a folder for this module's files."""
    return bot, tmp_path_factory.mktemp("uploads")


def current(index_dir: Path) -> str:
    return (index_dir / "CURRENT").read_text()


def test_bad_uploads_are_named_and_change_nothing(setup):
    bot, root = setup
    incoming = root / "incoming-bad"
    incoming.mkdir()
    (incoming / "empty-notes.txt").write_text("")
    (incoming / "scan.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (incoming / "slides.pptx").write_bytes(b"PK\x03\x04 not an article")
    (incoming / "broken.json").write_text('{"text": "unterminated')
    before_generation, before_count = current(bot.index_dir), len(bot.articles)

    outcome = add_uploads(bot, sorted(incoming.iterdir()), root / "stored")

    messages = "\n".join(outcome.problems)
    for name in ("empty-notes.txt", "scan.txt", "slides.pptx", "broken.json"):
        assert name in messages
    assert "empty file" in messages and "binary" in messages and "unsupported file type" in messages
    assert str(incoming) not in messages  # named by the file's own name, not where it was uploaded to
    assert not outcome.added and not outcome.stored
    assert current(bot.index_dir) == before_generation and len(bot.articles) == before_count
    assert not (root / "stored").exists() or not any((root / "stored").iterdir())
    assert not bot.ask("Where did the FSA propose to meet Russia?").abstained  # the index still answers


def test_good_upload_is_stored_and_answerable(setup):
    bot, root = setup
    incoming = root / "incoming-good"
    incoming.mkdir()
    (incoming / "lighthouse.txt").write_text("Lighthouse to be repainted\n" + FACT + "\nThe regatta starts in June.\n")
    (incoming / "empty.md").write_text("   \n")
    count = len(bot.articles)

    outcome = add_uploads(bot, sorted(incoming.iterdir()), root / "stored")

    assert outcome.added == ["lighthouse"]
    assert outcome.problems == ["empty.md: empty file"]
    assert [p.name for p in outcome.stored] == ["lighthouse.txt"]
    assert (root / "stored" / "lighthouse.txt").read_text().count("violet") == 1
    assert len(bot.articles) == count + 1
    answer = bot.ask("What colour will the Tidewater lighthouse be repainted?")
    assert not answer.abstained
    top = answer.citations[0]
    assert top.doc_id == "lighthouse" and "violet" in top.quote
    assert bot.article("lighthouse").text[top.start : top.end] == top.quote


def test_upload_named_like_an_indexed_article_gets_its_own_name(setup):
    bot, root = setup
    taken = {a.doc_id: str(a.path) for a in bot.articles}
    clash = destination("000_4fb80201a179085a.txt", root / "stored", taken, set())
    assert clash.name == "000_4fb80201a179085a-2.txt"
    stored = (root / "stored" / "lighthouse.txt").read_bytes()
    same = destination("lighthouse.txt", root / "stored", taken, set(), stored)
    assert same == root / "stored" / "lighthouse.txt"  # the same file again: nothing new to keep
    other = destination("lighthouse.txt", root / "stored", taken, set(), b"Another lighthouse story.")
    assert other == root / "stored" / "lighthouse-2.txt"  # an upload never overwrites a stored one
    assert destination(".hidden.txt", root / "stored", {}, set()).name == "hidden.txt"
    assert destination("sources.json", root / "stored", {}, set()).name == "sources-upload.json"


# --- issue 12: an upload is checked before it is kept, and never replaces what it did not create ---------


def test_case_3_an_upload_that_fails_is_not_stored(setup):
    bot, root = setup
    incoming = root / "incoming-surrogate"
    incoming.mkdir()
    (incoming / "walrus.jsonl").write_text('{"id": "walrus", "text": "A \\ud800 walrus."}\n')
    before = current(bot.index_dir)
    outcome = add_uploads(bot, [incoming / "walrus.jsonl"], root / "stored-3")
    assert outcome.problems == ["walrus.jsonl (line 1): 'text' is not valid Unicode text (unpaired surrogate \\ud800 at character 2)"]
    assert not outcome.stored and not (root / "stored-3").exists()
    assert current(bot.index_dir) == before


def test_case_3_a_batch_whose_indexing_fails_leaves_no_file_behind(setup, monkeypatch):
    bot, root = setup
    incoming = root / "incoming-fails"
    incoming.mkdir()
    (incoming / "ferry.txt").write_text("The Isle of Lark ferry was cancelled on Monday because of storms, the operator said.")

    def broken_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bot, "add", broken_disk)
    with pytest.raises(OSError):
        add_uploads(bot, [incoming / "ferry.txt"], root / "stored-fails")
    assert list((root / "stored-fails").iterdir()) == []


def test_case_4_an_upload_cannot_replace_an_indexed_article(setup):
    bot, root = setup
    target = "002_cb88b180f589ea72"
    original = bot.article(target)
    incoming = root / "incoming-forged"
    incoming.mkdir()
    forged = {"id": target, "outlet": "SBS News", "text": "SBS News can confirm that the Free Syrian Army has surrendered to Russia."}
    (incoming / "forged.jsonl").write_text(json.dumps(forged) + "\n")
    outcome = add_uploads(bot, [incoming / "forged.jsonl"], root / "stored-4")
    assert not outcome.added and not outcome.updated
    assert outcome.problems == [
        f"forged.jsonl (line 1): doc_id '{target}' is already used by {original.path}; not indexed "
        "(an article can only be replaced from its own file: give this one another id)"
    ]
    assert bot.article(target).text == original.text and bot.article(target).path == original.path
    assert not (root / "stored-4" / "forged.jsonl").exists()  # nothing of it was indexed: not kept
    answer = bot.ask("Did the Free Syrian Army surrender to Russia?")
    assert all("surrendered" not in c.quote for c in answer.citations)


def test_case_4_a_second_upload_with_the_same_name_adds_instead_of_replacing(setup):
    bot, root = setup
    incoming = root / "incoming-same-name"
    incoming.mkdir()
    (incoming / "notes.txt").write_text("The Harwick library will open on Sundays from March, the council said.")
    first = add_uploads(bot, [incoming / "notes.txt"], root / "stored-same")
    assert first.added == ["notes"]
    (incoming / "notes.txt").write_text("The Harwick library will close for good in March, a rival notice claimed.")
    second = add_uploads(bot, [incoming / "notes.txt"], root / "stored-same")
    assert second.added == ["notes-2"] and second.updated == []
    assert "open on Sundays" in bot.article("notes").text
    third = add_uploads(bot, [incoming / "notes.txt"], root / "stored-same")  # the same bytes again
    assert third.added == [] and third.updated == [] and third.problems == []
    assert sorted(p.name for p in (root / "stored-same").iterdir()) == ["notes-2.txt", "notes.txt"]


def test_case_6_an_upload_over_the_size_limit_is_refused_and_not_kept(setup, monkeypatch):
    bot, root = setup
    incoming = root / "incoming-big"
    incoming.mkdir()
    (incoming / "big.txt").write_text("The tide came in. " * 70_000)  # 1.2 MB
    monkeypatch.setenv("NEWSCITE_MAX_UPLOAD_MB", "1")
    outcome = add_uploads(bot, [incoming / "big.txt"], root / "stored-6")
    assert outcome.problems == ["big.txt: file is 1.2 MB, over the 1.0 MB limit for an upload (NEWSCITE_MAX_UPLOAD_MB)"]
    assert not (root / "stored-6").exists()


def test_case_6_the_web_handler_removes_gradios_temporary_copies(setup):
    import gradio as gr

    from assistant.web.app import WebApp

    bot, root = setup
    cache = Path(gr.utils.get_upload_folder()) / "newscite-test-upload"
    cache.mkdir(parents=True, exist_ok=True)
    bad, good = cache / "slides.pptx", cache / "otters.txt"
    bad.write_bytes(b"PK\x03\x04 not an article" * 1000)
    good.write_text("Two otters were released into the Tamar estuary on Friday, the wildlife trust said.")
    mine = root / "keep-me.txt"
    mine.write_text("Not Gradio's: never deleted.")
    status, *_ = WebApp(bot, root / "stored-web").upload([str(bad), str(good), str(mine)], [], progress=lambda *a, **k: None)
    assert "slides.pptx" in status and "Added 2" in status
    assert not bad.exists() and not good.exists() and not cache.exists()
    assert mine.exists() and (root / "stored-web" / "otters.txt").exists()
