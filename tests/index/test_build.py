"""The persisted index: incremental updates, refusal of a foreign index, interrupted builds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from assistant import Assistant
from assistant.index import build
from assistant.index.build import update_index
from assistant.index.store import GENERATION_MARKER, IndexMismatchError, current_generation, load_index
from tests.conftest import BUNDLED, ROOT


class CountingEmbedder:
    """The real embedder, counting what it is asked to embed."""

    def __init__(self, inner, fail_after: int | None = None) -> None:
        self.inner = inner
        self.name, self.dim, self.backend = inner.name, inner.dim, inner.backend
        self.texts: list[str] = []
        self.fail_after = fail_after

    def embed(self, texts, batch_size: int = 16):
        if self.fail_after is not None and len(self.texts) + len(texts) > self.fail_after:
            raise KeyboardInterrupt("simulated interruption in the middle of a build")
        self.texts.extend(texts)
        return self.inner.embed(texts, batch_size)

    def embed_query(self, text):
        return self.inner.embed_query(text)

    released: int | None = None

    def release(self):
        self.released = len(self.texts)  # what had been embedded when the build let the model go
        self.inner.release()


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(BUNDLED, folder)
    return folder


def test_reindexing_embeds_only_new_or_changed_articles_and_drops_removed_ones(articles, tmp_path, embedder):
    index_dir = tmp_path / "index"
    counting = CountingEmbedder(embedder)
    data, report = update_index(index_dir, [articles], counting)
    assert len(report.added) == 5 and report.chunks_embedded == len(data.chunks)
    assert report.sentences_embedded == len(set(counting.texts)) == len(counting.texts)  # one pass, over sentences
    assert set(counting.texts) == {data.sentence_text(r) for r in range(len(data.sentences))}
    assert counting.released is None  # a small build keeps the model's batch memory for the next one

    counting.texts.clear()
    _, report = update_index(index_dir, [articles], counting)
    assert counting.texts == [] and len(report.unchanged) == 5

    changed = articles / "000_4fb80201a179085a.txt"
    changed.write_text(changed.read_text() + "\nA ceasefire was announced in Aleppo on Friday, officials said.\n")
    (articles / "004_2b4b424fbe197ea6.txt").unlink()
    (articles / "005_new.txt").write_text("Dozens of lorries carrying grain crossed the border at Bab al-Hawa on Thursday.")
    data, report = update_index(index_dir, [articles], counting)
    assert report.updated == ["000_4fb80201a179085a"]
    assert report.added == ["005_new"]
    assert report.removed == ["004_2b4b424fbe197ea6"]
    assert len(report.unchanged) == 3
    fresh = {data.sentence_text(r) for r in range(len(data.sentences))
             if data.articles[data.sentences[r, 0]].doc_id in ("000_4fb80201a179085a", "005_new")}
    assert set(counting.texts) <= fresh and any("Aleppo" in t for t in counting.texts)
    assert len(counting.texts) == report.sentences_embedded < len(data.sentences)
    assert report.chunks_embedded < len(data.chunks)
    reloaded = load_index(index_dir)
    assert sorted(a.doc_id for a in reloaded.articles) == sorted(p.stem for p in articles.glob("*.txt"))
    # Reused vectors are the same vectors: the unchanged article answers as before.
    bot = Assistant(reloaded, index_dir, embedder)
    answer = bot.ask("Where did the FSA propose to meet Russia?")
    assert "Cairo" in answer.citations[0].quote
    assert "Bab al-Hawa" in bot.ask("Where did the grain lorries cross the border?").citations[0].quote


def test_uploads_add_to_the_index_without_dropping_other_sources(articles, tmp_path, embedder):
    index_dir = tmp_path / "index"
    bot = Assistant.from_directory(articles, index_dir=index_dir, embedder=embedder)
    upload = tmp_path / "upload.txt"
    upload.write_text("The port of Tartus reopened to cargo ships on Wednesday, the harbour master said.")
    report = bot.add([upload])
    assert report.added == ["upload"]
    assert len(bot.articles) == 6
    assert "Tartus" in bot.ask("When did the port of Tartus reopen?").citations[0].quote
    # Re-indexing the folder later keeps the upload.
    again = Assistant.from_directory(articles, index_dir=index_dir, embedder=embedder)
    assert "upload" in {a.doc_id for a in again.articles}


def test_a_file_that_turns_bad_keeps_its_indexed_version(articles, tmp_path, embedder):
    index_dir = tmp_path / "index"
    update_index(index_dir, [articles], embedder)
    (articles / "002_cb88b180f589ea72.txt").write_bytes(b"")
    data, report = update_index(index_dir, [articles], embedder)
    assert any("002_cb88b180f589ea72.txt" in str(p) and "empty file" in str(p) for p in report.problems)
    assert "002_cb88b180f589ea72" in data.doc_index and not report.removed


def test_an_article_without_sentences_is_reported(articles, tmp_path, embedder):
    (articles / "menu.txt").write_text("Home\nNews\nSport\nShare\n")
    _, report = update_index(tmp_path / "index", [articles], embedder)
    assert [str(p) for p in report.problems] == [f"{articles / 'menu.txt'}: no sentences found (nothing to index)"]
    assert len(report.added) == 5


def test_an_index_built_with_another_model_is_refused_with_how_to_rebuild(articles, tmp_path, embedder):
    index_dir = tmp_path / "index"
    update_index(index_dir, [articles], embedder)
    manifest_path = current_generation(index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"] = "some-other-model"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        load_index(index_dir)
    with pytest.raises(IndexMismatchError, match="some-other-model"):
        update_index(index_dir, [articles], embedder)
    cli = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "Who speaks for Division 13?", "--index-dir", str(index_dir)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert cli.returncode == 1 and "some-other-model" in cli.stderr and "--rebuild" in cli.stderr
    data, report = update_index(index_dir, [articles], embedder, rebuild=True)
    assert len(report.added) == 5 and load_index(index_dir).settings.model == "all-MiniLM-L6-v2"


def test_a_schema_change_is_refused_too(articles, tmp_path, embedder):
    index_dir = tmp_path / "index"
    update_index(index_dir, [articles], embedder)
    manifest_path = current_generation(index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["schema_version"] = 0
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="schema_version"):
        load_index(index_dir)


def test_an_interrupted_build_leaves_the_previous_index_usable(articles, tmp_path, embedder):
    index_dir = tmp_path / "index"
    update_index(index_dir, [articles], embedder)
    before = current_generation(index_dir)
    before_vectors = np.load(before / "vectors.npy")
    for path in articles.glob("*.txt"):
        path.write_text(path.read_text() + "\nA late paragraph was added to every article on Sunday.\n")
    with pytest.raises(KeyboardInterrupt):
        update_index(index_dir, [articles], CountingEmbedder(embedder, fail_after=3))
    assert current_generation(index_dir) == before
    data = load_index(index_dir)
    assert np.array_equal(np.asarray(data.vectors), before_vectors)
    bot = Assistant(data, index_dir, embedder)
    assert "Cairo" in bot.ask("Where did the FSA propose to meet Russia?").citations[0].quote

    # A crash after staging files were written (killed process) leaves debris; the next build clears it.
    (index_dir / ".gen-crashed.tmp").mkdir()
    (index_dir / ".gen-crashed.tmp" / GENERATION_MARKER).write_text("gen-crashed\n")  # a staging folder's first file
    (index_dir / ".gen-crashed.tmp" / "vectors.npy").write_bytes(b"partial")
    update_index(index_dir, [articles], embedder)
    assert not list(index_dir.glob(".*.tmp")) and current_generation(index_dir) != before
    assert len(list(index_dir.glob("gen-*"))) == 1


def test_the_manifest_records_model_dimension_chunking_schema_and_fingerprints(articles, tmp_path, embedder):
    index_dir = tmp_path / "index"
    data, _ = update_index(index_dir, [articles], embedder)
    manifest = json.loads((current_generation(index_dir) / "manifest.json").read_text())
    assert manifest["model"] == "all-MiniLM-L6-v2" and manifest["dim"] == 384
    assert manifest["schema_version"] == 1 and manifest["max_chunk_tokens"] == 128
    assert manifest["backend"] == embedder.backend
    assert set(manifest["articles"]) == {p.stem for p in articles.glob("*.txt")}
    assert data.faiss_index.ntotal == len(data.chunks) == manifest["counts"]["chunks"]


def test_chunks_are_whole_sentences_under_the_model_limit(bot):
    from assistant.embed.embedding import TokenCounter

    counter = TokenCounter()
    data = bot.data
    for row in range(len(data.chunks)):
        doc, first, last = (int(v) for v in data.chunks[row])
        assert all(data.sentences[s, 0] == doc for s in range(first, last + 1))
        tokens = counter.count(data.chunk_text(row))
        assert tokens + 2 <= 256, (tokens, data.chunk_text(row))


# --- issue 12: one bad file or record never stops a run, and never takes another file's doc_id -------------

GOOD_STORY = "Dozens of lorries carrying grain crossed the border at Bab al-Hawa on Thursday, aid officials said."


def test_case_2_deep_json_and_a_lone_surrogate_are_reported_and_the_good_article_beside_them_indexed(tmp_path, embedder):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "walrus.jsonl").write_text('{"id": "walrus", "text": "A \\ud800 walrus."}\n')
    (folder / "grain.txt").write_text(GOOD_STORY)
    bot = Assistant.from_directory(folder, index_dir=tmp_path / "index", embedder=embedder)
    assert [a.doc_id for a in bot.articles] == ["grain"]
    problems = sorted(str(p) for p in bot.last_report.problems)
    assert problems == [
        f"{folder / 'deep.json'}: JSON nested too deeply to be an article",
        f"{folder / 'walrus.jsonl'} line 1: 'text' is not valid Unicode text (unpaired surrogate \\ud800 at character 2)",
    ]
    assert "Bab al-Hawa" in bot.ask("Where did the grain lorries cross the border?").citations[0].quote


class PickyEmbedder(CountingEmbedder):
    """The real model, failing the way a tokenizer does on a text it cannot take (fault injection)."""

    def embed(self, texts, batch_size: int = 16):
        if any("walrus" in text for text in texts):
            raise TypeError("TextEncodeInput must be Union[TextInputSequence, Tuple[InputSequence, InputSequence]]")
        return super().embed(texts, batch_size)


def test_an_article_the_model_cannot_embed_is_reported_and_the_rest_is_indexed(articles, tmp_path, embedder):
    index_dir = tmp_path / "index"
    update_index(index_dir, [articles], embedder)
    (articles / "walrus.txt").write_text("A walrus was seen on the beach at Scarborough on Sunday, coastguards said.")
    changed = articles / "000_4fb80201a179085a.txt"
    original = changed.read_text()
    changed.write_text(original + "\nA walrus swam past the harbour, officials said.\n")  # turns unembeddable
    data, report = update_index(index_dir, [articles], PickyEmbedder(embedder))
    assert sorted(str(p) for p in report.problems) == [
        f"{changed}: could not be embedded (TypeError: TextEncodeInput must be Union[TextInputSequence, Tuple[InputSequence, InputSequence]])",
        f"{articles / 'walrus.txt'}: could not be embedded (TypeError: TextEncodeInput must be Union[TextInputSequence, Tuple[InputSequence, InputSequence]])",
    ]
    assert "walrus" not in {a.doc_id for a in data.articles}
    assert data.articles[data.doc_index["000_4fb80201a179085a"]].text == original  # keeps its indexed version
    assert len(data.articles) == 5


def test_case_4_a_record_cannot_take_the_doc_id_of_another_files_article(tmp_path, embedder):
    index_dir = tmp_path / "index"
    first = tmp_path / "a.csv"
    first.write_text(f'id,text,outlet\n1,"{GOOD_STORY}",Reuters\n')
    second = tmp_path / "b.csv"
    second.write_text('id,text,outlet\n1,"The border crossing at Bab al-Hawa was closed all week, officials said.",SBS News\n2,"Fine.",SBS News\n')
    update_index(index_dir, [first], embedder)
    data, report = update_index(index_dir, [second], embedder)
    assert [str(p) for p in report.problems] == [
        f"{second} row 1: doc_id '1' is already used by {first} row 1; not indexed "
        "(an article can only be replaced from its own file: give this one another id)"
    ]
    article = data.articles[data.doc_index["1"]]
    assert article.path == str(first) and article.outlet == "Reuters" and "lorries" in article.text
    assert report.added == ["2"] and report.updated == []

    # In one run, across files: the first file keeps the id, the second is told.
    _, report = update_index(tmp_path / "index2", [first, second], embedder)
    assert f"{second} row 1: doc_id '1' is already used by {first} row 1; skipped" in [str(p) for p in report.problems]

    # A record that really moved (its old file no longer holds it) may take the id along.
    first.write_text(f'id,text,outlet\n3,"{GOOD_STORY}",Reuters\n')
    data, report = update_index(index_dir, [first, second], embedder)
    assert report.problems == [] and "1" in report.updated
    assert data.articles[data.doc_index["1"]].path == str(second)


OTHER_STORY = "The border crossing at Bab al-Hawa was closed all week, officials said."
REFUSED = "not indexed (an article can only be replaced from its own file: give this one another id)"


def jsonl(path, doc_id: str, text: str, outlet: str) -> None:
    path.write_text(json.dumps({"id": doc_id, "text": text, "outlet": outlet}) + "\n")


@pytest.mark.parametrize("indexed_name, newcomer_name", [("a.jsonl", "0b.jsonl"), ("0b.jsonl", "a.jsonl")])
def test_issue_26_a_new_file_cannot_take_over_an_indexed_articles_id_whatever_the_file_order(
    tmp_path, embedder, indexed_name, newcomer_name
):
    folder, index_dir = tmp_path / "articles", tmp_path / "index"
    folder.mkdir()
    indexed, newcomer = folder / indexed_name, folder / newcomer_name
    jsonl(indexed, "x1", GOOD_STORY, "Reuters")
    _, report = update_index(index_dir, [folder], embedder)
    assert report.added == ["x1"] and report.problems == []

    jsonl(newcomer, "x1", OTHER_STORY, "SBS News")  # sorts before the indexed file in one order, after it in the other
    data, report = update_index(index_dir, [folder], embedder)
    assert [str(p) for p in report.problems] == [
        f"{newcomer} line 1: doc_id 'x1' is already used by {indexed} line 1; {REFUSED}"
    ]
    assert report.updated == [] and report.added == [] and report.unchanged == ["x1"] and report.removed == []
    article = data.articles[data.doc_index["x1"]]
    assert article.path == str(indexed) and article.text == GOOD_STORY and article.outlet == "Reuters"
    assert len(data.articles) == 1

    # Run again: still refused, still the indexed article.
    data, report = update_index(index_dir, [folder], embedder)
    assert [str(p) for p in report.problems] == [
        f"{newcomer} line 1: doc_id 'x1' is already used by {indexed} line 1; {REFUSED}"
    ]
    assert data.articles[data.doc_index["x1"]].text == GOOD_STORY

    # The indexed file itself changing its article's text is an update, the newcomer still refused.
    jsonl(indexed, "x1", GOOD_STORY + " The crossing reopened on Friday.", "Reuters")
    data, report = update_index(index_dir, [folder], embedder)
    assert report.updated == ["x1"] and len(report.problems) == 1
    assert data.articles[data.doc_index["x1"]].text.endswith("reopened on Friday.")

    # Once the indexed file lets the id go (the record moved), the other file's record may take it.
    jsonl(indexed, "x2", GOOD_STORY, "Reuters")
    data, report = update_index(index_dir, [folder], embedder)
    assert report.problems == [] and report.updated == ["x1"] and report.added == ["x2"]
    assert data.articles[data.doc_index["x1"]].path == str(newcomer)


def test_issue_26_the_indexed_file_keeps_its_id_when_it_cannot_be_read_this_time(tmp_path, embedder):
    folder, index_dir = tmp_path / "articles", tmp_path / "index"
    folder.mkdir()
    indexed, newcomer = folder / "a.jsonl", folder / "0b.jsonl"
    jsonl(indexed, "x1", GOOD_STORY, "Reuters")
    update_index(index_dir, [folder], embedder)
    indexed.write_text('{"id": "x1", "text": \n')  # broken for now: its indexed version stays
    jsonl(newcomer, "x1", OTHER_STORY, "SBS News")
    data, report = update_index(index_dir, [folder], embedder)
    assert sorted(str(p) for p in report.problems) == [
        f"{newcomer} line 1: doc_id 'x1' is already used by {indexed} line 1; {REFUSED}",
        f"{indexed} line 1: malformed JSON (Expecting value)",
    ]
    assert data.articles[data.doc_index["x1"]].text == GOOD_STORY and report.updated == []


def test_a_big_build_lets_the_models_batch_memory_go_once_all_is_embedded(articles, tmp_path, embedder, monkeypatch):
    monkeypatch.setattr(build, "RELEASE_AFTER_SENTENCES", 50)  # the bundled articles stand in for a big build
    counting = CountingEmbedder(embedder)
    data, report = update_index(tmp_path / "index", [articles], counting)
    assert report.sentences_embedded >= 50 and counting.released == len(counting.texts) == report.sentences_embedded
    assert len(data.chunks) > 0
