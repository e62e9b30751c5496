"""The shipped reading head (assistant/models/reader): real int8 token states, real bundled articles, real composer."""

from __future__ import annotations

import warnings

import pytest

from assistant.answer import reading
from assistant.answer.extractive import AnswerComposer
from assistant.embed.token_states import exported_states_model
from assistant.answer.reading import READER_DIR, WEIGHTS_FILE, CandidateScores, ReadingHead, ReadingUnavailable
from tests.conftest import bundled_line, heavy_imports_after

if not (READER_DIR / WEIGHTS_FILE).is_file():
    pytest.skip(f"{READER_DIR / WEIGHTS_FILE} not found: train it with `python train/train_reader.py`", allow_module_level=True)

CAIRO = bundled_line("000_4fb80201a179085a.txt", "The so-called Free Syrian Army (FSA) militant group")
ANSWERED = [
    "Where did the FSA propose to meet Russia?",
    "Who is the spokesman for Division 13 of the Free Syrian Army?",
    "How many people have been killed in Syria?",
    "What did Lavrov offer the Free Syrian Army?",
    "Who will Hassan Haj Ali not talk to?",  # SQuAD's negated questions are mostly unanswerable; a news one is answered
    "What have the Russians not been targeting, according to Issam al-Reis?",
]


@pytest.fixture(scope="module")
def head() -> ReadingHead:
    return ReadingHead()


def test_manifest_says_how_it_was_trained_and_calibrated(head):
    manifest = head.manifest
    assert manifest["training"]["squad_titles"] == [10, 15] and manifest["training"]["seed"] == 0
    assert manifest["training"]["look_alikes"] >= 400
    assert manifest["calibration"]["squad_titles"] == [0, 5]
    assert manifest["calibration"]["budget_answerable_declined"] <= 0.0025
    assert 0.0 < head.threshold < 1.0
    assert manifest["parameters"] < 50_000
    held_out = manifest["evaluation"]
    assert held_out["with_veto"]["impossible_declined"] > held_out["without_veto"]["impossible_declined"]


def test_the_answer_sentence_reads_as_more_answering_than_for_an_unrelated_question(head):
    scores = CandidateScores(score=0.55, cosine=0.6, overlap=0.5, rank=0, gap=0.0)
    right = head.answerability("Where did the FSA propose to hold talks with Russia?", CAIRO, scores)
    unrelated = head.answerability("What temperature does mercury boil at?", CAIRO, scores)
    assert 0.0 <= unrelated < right <= 1.0


def test_bundled_answers_are_not_vetoed(bot):
    """The veto only removes answers: on the bundled questions the head lets every answer through unchanged."""
    snapshot = bot._snapshot
    plain = AnswerComposer(bot.data, bot.composer.vectors, reading=None)
    assert bot.composer.reading is not None
    for question in ANSWERED:
        found = bot._retrieve(snapshot, question, None, None)
        with_head, without = bot.composer.compose(found), plain.compose(found)
        assert not with_head.abstained
        assert [(c.doc_id, c.start) for c in with_head.citations] == [(c.doc_id, c.start) for c in without.citations]


def test_a_veto_is_an_abstention(bot):
    """With a threshold no sentence reaches, a question the composer answers is declined instead."""
    strict = ReadingHead(READER_DIR, bot.composer.reading.states)
    strict.threshold = 1.01
    composer = AnswerComposer(bot.data, bot.composer.vectors, reading=strict)
    answer = composer.compose(bot._retrieve(bot._snapshot, ANSWERED[0], None, None))
    assert answer.abstained and not answer.citations
    assert answer.text.startswith("The articles don't say")


def test_missing_weights_leave_the_composer_as_before(tmp_path, monkeypatch, bot):
    with pytest.raises(ReadingUnavailable, match=WEIGHTS_FILE):
        ReadingHead(tmp_path)
    monkeypatch.setattr(reading, "READER_DIR", tmp_path)
    reading.shipped_head.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            composer = AnswerComposer(bot.data, bot.composer.vectors)
        assert composer.reading is None
        assert any("reading head unavailable" in str(w.message) for w in caught)
        answer = composer.compose(bot._retrieve(bot._snapshot, ANSWERED[0], None, None))
        assert not answer.abstained and "Cairo" in answer.citations[0].quote
    finally:
        reading.shipped_head.cache_clear()


def test_reading_imports_no_torch():
    exported_states_model()  # exported once per cache (that needs torch); every later process reads the file
    code = (
        "from assistant.answer.reading import ReadingHead, CandidateScores; "
        "ReadingHead().answerability('Who?', 'Somebody said so.', CandidateScores(0.5, 0.5, 0.5, 0, 0.0))"
    )
    assert heavy_imports_after(code) == []
