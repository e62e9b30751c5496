"""Uploads through the web app: checked, stored, indexed; bad files change nothing.

Real components: the packaged MiniLM model and a real FAISS index in tmp_path.
"""

from pathlib import Path

import pytest

from assistant.uploads import add_uploads, destination

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
    same = destination("lighthouse.txt", root / "stored", taken, set())
    assert same == root / "stored" / "lighthouse.txt"  # a new version of an upload replaces it
    assert destination(".hidden.txt", root / "stored", {}, set()).name == "hidden.txt"
    assert destination("sources.json", root / "stored", {}, set()).name == "sources-upload.json"
