"""The shipped re-ranker (assistant/models/reranker): the real int8 cross-encoder over the real bundled index."""

from __future__ import annotations

import warnings

import pytest

from assistant.answer import rerank
from assistant.answer.extractive import AnswerComposer
from assistant.answer.rerank import RERANKER_DIR, WEIGHTS_FILE, Reranker, RerankerUnavailable
from tests.conftest import bundled_line, heavy_imports_after

if not (RERANKER_DIR / WEIGHTS_FILE).is_file():
    pytest.skip(f"{RERANKER_DIR / WEIGHTS_FILE} not found: train it with `python train/train_reranker.py`", allow_module_level=True)

CAIRO = bundled_line("000_4fb80201a179085a.txt", "“We have proposed to hold the meeting in Cairo")
AIR_BACKING = "“We are prepared to give air backing to the enthusiastic restriction"
DESCRIBE_FSA = "How do the outlets describe the Free Syrian Army?"


@pytest.fixture(scope="module")
def reranker() -> Reranker:
    return Reranker()


def test_manifest_says_how_it_was_trained_and_what_it_gains(reranker):
    manifest = reranker.manifest
    assert manifest["training"]["squad_titles"] == [10, 15] and manifest["training"]["seed"] == 0
    held_out = manifest["evaluation (titles 6-9)"]
    plan = reranker.combination
    row = held_out["combined_first_right"][f"top {plan.top} margin {plan.margin}"]
    assert row[f"w {plan.weight}"] > held_out["first_right"]["composer"]  # shipped because held-out titles say it is better
    assert 0 < plan.margin <= 0.2 and 0 < plan.weight


def test_the_answering_sentence_reads_higher_than_one_that_does_not_answer(reranker):
    unrelated = bundled_line("004_2b4b424fbe197ea6.txt", "“Russia is bombarding the Free Syrian Army")
    right, wrong = reranker.logits("Where did the FSA propose to hold talks with Russia?", [CAIRO, unrelated])
    assert right > 0 > wrong


def test_a_sentence_reads_the_same_whatever_else_is_scored(reranker):
    """One pair per int8 run: other candidates never shift a sentence's logit."""
    question = "Where did the FSA propose to hold talks with Russia?"
    alone = reranker.logit(question, CAIRO)
    among = Reranker().logits(question, ["A short one.", CAIRO, "Another sentence, much longer than the first one, about nothing."])
    assert [alone] == [among[1]] == reranker.logits(question, [CAIRO])


def test_near_ties_are_quoted_in_the_rerankers_order(bot):
    """Three sentences score within 0.02 of each other; the one that only offers Russian air support goes behind."""
    composer = bot.composer
    assert composer.reranker is not None
    found = bot._retrieve(bot._snapshot, DESCRIBE_FSA, None, None)
    scored = composer.score(found.query, found.query_vector, composer.candidates(found.hits), found.question)
    plan = composer.reranker.combination
    close = [s for s in scored[: plan.top] if s.score >= max(composer.threshold, scored[0].score - plan.margin)]
    assert len(close) >= 2
    logits = composer.reranker.logits(found.query, [bot.data.sentence_text(s.row) for s in close])
    expected = max(zip(close, logits), key=lambda pair: pair[0].score + plan.weight * pair[1])[0]
    answer = composer.compose(found)
    assert (answer.citations[0].doc_id, answer.citations[0].start) == (bot.data.articles[expected.doc].doc_id, expected.start)
    assert not answer.citations[0].quote.startswith(AIR_BACKING)
    assert {c.quote for c in answer.citations} == {c.quote for c in AnswerComposer(bot.data, composer.vectors, reranker=None).compose(found).citations}


def test_only_sentences_above_the_threshold_move(bot):
    """With the threshold just under the best score, nothing else is close enough: the composer's order stands."""
    found = bot._retrieve(bot._snapshot, DESCRIBE_FSA, None, None)
    composer = AnswerComposer(bot.data, bot.composer.vectors, reading=None)
    scored = composer.score(found.query, found.query_vector, composer.candidates(found.hits), found.question)
    composer.threshold = scored[0].score - 1e-6
    assert composer.rerank(found.query, scored) == scored
    composer.threshold = scored[-1].score
    assert composer.rerank(found.query, scored) != scored


def test_missing_weights_leave_the_composer_as_before(tmp_path, monkeypatch, bot):
    with pytest.raises(RerankerUnavailable, match=WEIGHTS_FILE):
        Reranker(tmp_path)
    (tmp_path / WEIGHTS_FILE).write_bytes(b"not a model")
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(RerankerUnavailable, match="manifest"):
        Reranker(tmp_path)
    monkeypatch.setattr(rerank, "RERANKER_DIR", tmp_path / "absent")
    rerank.shipped_reranker.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            composer = AnswerComposer(bot.data, bot.composer.vectors)
        assert composer.reranker is None
        assert any("re-ranker unavailable" in str(w.message) for w in caught)
        answer = composer.compose(bot._retrieve(bot._snapshot, "Where did the FSA propose to hold talks with Russia?", None, None))
        assert not answer.abstained and "Cairo" in answer.citations[0].quote
    finally:
        rerank.shipped_reranker.cache_clear()


def test_reranking_imports_no_torch():
    code = "from assistant.answer.rerank import Reranker; Reranker().logits('Who?', ['Somebody said so.'])"
    assert heavy_imports_after(code) == []
