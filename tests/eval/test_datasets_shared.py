"""A small sample of SQuAD 2.0 and RealTime QA through the evaluator (skipped without ../shared/datasets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.eval.datasets import load_realtimeqa, load_squad
from assistant.eval.runner import evaluate
from assistant.options import assistant_for

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
SQUAD = DATASETS / "squad2_dev_half"
RTQA = DATASETS / "realtimeqa"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not (SQUAD.is_dir() and RTQA.is_dir()), reason=f"{DATASETS} is absent (shared datasets)"),
]


def test_squad_sample_over_one_held_out_title(tmp_path):
    # title #6 (Packet_switching): the abstention threshold is calibrated on titles 0-5
    question_set = load_squad(SQUAD, limit=24, first_title=6, titles=1, seed=3)
    assert len(question_set.questions) == 24 and len(question_set.articles) == 23
    kinds = question_set.types()
    assert kinds.get("answerable") and kinds.get("unanswerable")
    bot = assistant_for(question_set, tmp_path / "index")
    assert {a.doc_id for a in bot.articles} == {a.doc_id for a in question_set.articles}
    report = evaluate(bot, question_set, bootstrap=200, report_dir=tmp_path / "report")
    assert report.passed and report.metrics["quote_exactness"] == 1.0
    assert report.metrics["answer_accuracy"] > 0.2  # SQuAD answers sit in one of 23 paragraphs
    assert report.metrics["recall@5"] > 0.5
    assert report.metrics["abstention_recall"] is not None
    assert (tmp_path / "report" / "results.json").exists()
    # running again re-embeds nothing: the dataset index is incremental
    again = assistant_for(question_set, tmp_path / "index")
    assert again.last_report.chunks_embedded == 0 and len(again.last_report.unchanged) == 23


def test_realtimeqa_sample_through_the_cli(tmp_path):
    index_dir, report_dir = tmp_path / "index", tmp_path / "report"
    result = CliRunner().invoke(
        app,
        ["eval", str(RTQA), "--format", "realtimeqa", "--limit", "3", "--distractors", "6",
         "--index-dir", str(index_dir), "--report", str(report_dir)],
    )
    assert result.exit_code == 0, result.output
    results = json.loads((report_dir / "results.json").read_text())
    questions = results["systems"]["newscite"]["questions"]
    assert len(questions) == 3 and results["passed"]
    expected = load_realtimeqa(RTQA, limit=3, distractors=6)
    assert results["systems"]["newscite"]["info"]["articles"] == len(expected.articles)
    gold = {d for q in expected.questions for d in q.doc_ids}
    assert gold and gold <= {d for q in questions for d in q["doc_ids"]}
    assert all(q["retrieved_doc_ids"] for q in questions)
