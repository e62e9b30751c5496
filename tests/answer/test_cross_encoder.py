"""The cross-encoder reader (assistant/answer/reader.py; not shipped, skips without its file): real ONNX int8 model, real bundled articles."""

from __future__ import annotations

import warnings

import pytest

from assistant.answer.reader import MODEL_FILE, READER_DIR, Candidate, Reader, ReaderUnavailable, load_reader
from tests.conftest import BUNDLED, heavy_imports_after, shared_dataset

if not (READER_DIR / MODEL_FILE).is_file():
    pytest.skip(f"{READER_DIR / MODEL_FILE} not found: train it with `python train/train_cross_encoder.py`", allow_module_level=True)

CAIRO_FILE = BUNDLED / "000_4fb80201a179085a.txt"


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader()


def in_context(path, needle: str) -> Candidate:
    """The bundled sentence starting with `needle`, with 300 characters either side, as training saw them."""
    text = path.read_text(encoding="utf-8")
    start = text.index(needle)
    end = text.index("\n", start) if "\n" in text[start:] else len(text)
    return Candidate(text[start:end], before=text[max(0, start - 300) : start].strip(), after=text[end : end + 300].strip())


def test_look_alike_question_scores_below_the_true_one(reader):
    cairo = in_context(CAIRO_FILE, "The so-called Free Syrian Army (FSA) militant group")
    true = reader.score("Where did the FSA propose to hold talks with Russia?", [cairo])[0]
    look_alike = reader.score("Where did the FSA propose to hold talks with Turkey?", [cairo])[0]
    assert look_alike.answer < true.answer


def test_short_answer_is_an_exact_slice_naming_the_place(reader):
    cairo = in_context(CAIRO_FILE, "The so-called Free Syrian Army (FSA) militant group")
    verdict = reader.score("Where did the FSA propose to hold talks with Russia?", [cairo])[0]
    start, end = verdict.span
    assert 0 <= start < end <= len(cairo.sentence)
    assert verdict.short_answer(cairo.sentence) == cairo.sentence[start:end]
    assert cairo.sentence[start:end] == cairo.sentence[start:end].strip()
    assert "Cairo" in cairo.sentence[start:end]


def test_answer_sentence_outscores_its_neighbours(reader):
    text = CAIRO_FILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    candidates = [in_context(CAIRO_FILE, line[:60]) for line in lines[:6]]
    scores = [v.answer for v in reader.score("Where did the FSA propose to hold talks with Russia?", candidates)]
    assert scores.index(max(scores)) in (0, 1)  # the lead names Cairo; so does the FSA's own quote


def test_batch_scores_equal_single_scores(reader):
    text = CAIRO_FILE.read_text(encoding="utf-8")
    candidates = [in_context(CAIRO_FILE, line[:60]) for line in text.splitlines() if line.strip()][:5]
    batch = reader.score("Who is the spokesman for Division 13?", candidates)
    for candidate, together in zip(candidates, batch):
        alone = reader.score("Who is the spokesman for Division 13?", [candidate])[0]
        assert alone.answer == pytest.approx(together.answer, abs=1e-4)
        assert alone.span == together.span


def test_a_changed_figure_contradicts_and_the_same_claim_does_not(reader):
    toll = in_context(BUNDLED / "001_474bbdfa31def6b0.txt", "More than 250,000 people have been killed")
    same = reader.score("More than 250,000 people have been killed in Syria since 2011.", [toll])[0]
    changed = reader.score("More than 50,000 people have been killed in Syria since 2011.", [toll])[0]
    assert same.support > same.contradict
    assert changed.contradict > same.contradict


def test_missing_model_is_reported_clearly(tmp_path):
    with pytest.raises(ReaderUnavailable, match="reader.int8.onnx"):
        Reader(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert load_reader(tmp_path) is None
    assert any("reader unavailable" in str(w.message) for w in caught)


def test_manifest_says_how_it_was_trained(reader):
    manifest = reader.manifest
    assert manifest["training"]["seed"] is not None
    assert manifest["splits"]["squad2_dev_half"]["evaluation"] == "titles 6-9"
    assert manifest["size_bytes"] == (READER_DIR / MODEL_FILE).stat().st_size


def test_scoring_imports_no_torch():
    code = "from assistant.answer.reader import Reader; Reader().score('Who?', ['Somebody said so.'])"
    assert heavy_imports_after(code) == []


@pytest.mark.shared
def test_held_out_squad_answer_sentences_beat_keyword_overlap(reader):
    shared_dataset("squad2_dev_half", "dev-v2.0-half.json")
    from train import reader_data

    questions = [q for q in reader_data.squad_questions("evaluation") if q.answer_sentence is not None and len(q.sentences) > 2][:60]
    by_reader = by_overlap = 0
    for q in questions:
        candidates = [reader_data.candidate(q.paragraph, s) for s in q.sentences]
        scores = [v.answer for v in reader.score(q.question, candidates)]
        by_reader += scores.index(max(scores)) == q.answer_sentence
        lexical = max(range(len(candidates)), key=lambda i: reader_data.overlap(q.question, candidates[i].sentence))
        by_overlap += lexical == q.answer_sentence
    assert by_reader > by_overlap
