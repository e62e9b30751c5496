"""The RealTime QA weekly question set: train and test days, timely questions, articles from the corpus.

The first tests use a small hand-made copy of the dataset's layout; the last ones read
../shared/datasets (skipped without it).
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.eval.datasets import load_question_set, load_realtimeqa_weekly, split_of
from assistant.eval.questions import QuestionSetError

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
WEEKLY = DATASETS / "realtimeqa_weekly"
DAYS = [f"2023-0{m}-{d:02d}" for m in (1, 2, 3) for d in (3, 10, 17, 24)]  # 12 question days


def _question(qid: str, day: str, retrieved: list[str], timely: list[str]) -> dict:
    return {
        "question_id": qid, "question_date": day, "question_source": "CNN", "question": f"What happened on {day}?",
        "choices": ["a", "b"], "answer_index": ["0"], "answer_text": ["Cairo"], "evidence": "",
        "retrieved_doc_ids": retrieved, "support_doc_ids": timely, "timely_support_doc_ids": timely,
    }


@pytest.fixture()
def weekly(tmp_path) -> Path:
    """questions.jsonl (two questions a day, one timely) beside realtimeqa/news_corpus.jsonl.gz."""
    folder, corpus = tmp_path / "realtimeqa_weekly", tmp_path / "realtimeqa"
    folder.mkdir()
    corpus.mkdir()
    lines, docs = [], []
    for n, day in enumerate(DAYS):
        lines.append(_question(f"{n}_1", day, [f"d{n}a", f"d{n}b"], [f"d{n}a"]))
        lines.append(_question(f"{n}_2", day, [f"d{n}b", f"d{n}c"], []))
        docs += [
            {"doc_id": f"d{n}{x}", "url": f"https://www.cnn.com/{n}/{x}", "outlet_domain": "cnn.com", "title": f"T{n}{x}",
             "publish_date": day, "authors": [], "text": f"Article {n}{x}: the meeting will be in Cairo."}
            for x in "abc"
        ]
    docs.append({"doc_id": "unused", "url": "https://x.com/u", "outlet_domain": "x.com", "title": "", "publish_date": None,
                 "authors": [], "text": "Never retrieved."})
    docs[2]["text"] = " "  # d0c: an article without text
    (folder / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in lines))
    with gzip.open(corpus / "news_corpus.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(d) + "\n" for d in docs)
    return folder


def test_a_day_is_on_one_side_the_same_on_every_run_and_about_half_the_days_are_test():
    assert split_of("2022-06-17") == split_of("2022-06-17")
    assert {split_of(d) for d in DAYS} == {"train", "test"}
    assert split_of("2022-06-17", test_share=0) == "train" and split_of("2022-06-17", test_share=100) == "test"
    days = [date.fromordinal(date(2022, 6, 1).toordinal() + 7 * i).isoformat() for i in range(400)]
    share = sum(split_of(d) == "test" for d in days) / len(days)
    assert 0.42 < share < 0.58


def test_train_and_test_hold_different_days_and_together_every_question(weekly):
    every = load_realtimeqa_weekly(weekly)
    train, test = load_realtimeqa_weekly(weekly, split="train"), load_realtimeqa_weekly(weekly, split="test")
    assert len(every.questions) == 24 == len(train.questions) + len(test.questions)
    train_days = {q.extra["question_date"] for q in train.questions}
    test_days = {q.extra["question_date"] for q in test.questions}
    assert train_days and test_days and not train_days & test_days
    assert all(q.extra["split"] == "test" and split_of(q.extra["question_date"]) == "test" for q in test.questions)
    assert test.name == "realtimeqa-weekly-test" and test.format == "realtimeqa-weekly"


def test_each_question_brings_its_retrieved_articles_and_is_asked_on_its_day(weekly):
    qs = load_realtimeqa_weekly(weekly, split="all")
    by_id = {q.id: q for q in qs.questions}
    q = by_id["0_1"]
    assert q.asked_on == date(2023, 1, 3) and q.answers == ["Cairo"]
    assert q.doc_ids == ["d0a"] and q.type == "timely" and by_id["0_2"].type == "no-support"
    ids = {a.doc_id for a in qs.articles}
    assert "unused" not in ids and "d0c" not in ids  # only the retrieved ones, and only those with text
    assert len(ids) == 12 * 3 - 1
    assert any(p.where == "d0c" and "no text" in p.reason for p in qs.problems)
    article = next(a for a in qs.articles if a.doc_id == "d1a")
    assert article.published == "2023-01-10" and article.url == "https://www.cnn.com/1/a"


def test_timely_keeps_questions_with_a_timely_article_and_limit_samples_across_days(weekly):
    timely = load_realtimeqa_weekly(weekly, timely=True)
    assert len(timely.questions) == 12 and set(timely.types()) == {"timely"}
    assert timely.name == "realtimeqa-weekly-all-timely"
    sample = load_question_set(weekly, "realtimeqa-weekly", 5, timely=True)
    assert len(sample.questions) == 5 and sample.questions == load_question_set(weekly, "realtimeqa-weekly", 5, timely=True).questions
    assert [q.id for q in sample.questions] == [q.id for q in timely.questions if q in sample.questions]  # file order
    assert {a.doc_id for a in sample.articles} == {d for q in sample.questions for d in [f"d{q.id.split('_')[0]}a", f"d{q.id.split('_')[0]}b"]}


def test_a_bad_split_or_a_missing_corpus_is_a_clear_error(weekly, tmp_path):
    with pytest.raises(QuestionSetError, match="unknown split 'dev'"):
        load_realtimeqa_weekly(weekly, split="dev")
    with pytest.raises(QuestionSetError, match="no such file"):
        load_realtimeqa_weekly(weekly, corpus=tmp_path / "nowhere.jsonl.gz")
    result = CliRunner().invoke(app, ["eval", str(weekly), "--format", "realtimeqa", "--split", "test"])
    assert result.exit_code == 1 and "--split and --timely only apply to --format realtimeqa-weekly" in result.output


# --- the real dataset ----------------------------------------------------------------------------

shared = pytest.mark.skipif(not WEEKLY.is_dir(), reason=f"{WEEKLY} is absent (shared datasets)")


@pytest.mark.shared
@shared
def test_the_test_days_hold_at_least_250_timely_questions():
    questions = [json.loads(line) for line in (WEEKLY / "questions.jsonl").read_text().splitlines()]
    test = [q for q in questions if split_of(q["question_date"]) == "test"]
    timely = [q for q in test if q["timely_support_doc_ids"]]
    assert len(timely) >= 250
    assert len(timely) == 393 and len(test) == 1368  # the figures the README reports


@pytest.mark.shared
@shared
def test_a_weekly_sample_through_the_cli(tmp_path):
    index_dir, report_dir = tmp_path / "index", tmp_path / "report"
    result = CliRunner().invoke(
        app,
        ["eval", str(WEEKLY), "--format", "realtimeqa-weekly", "--split", "test", "--timely", "--limit", "2",
         "--index-dir", str(index_dir), "--report", str(report_dir)],
    )
    assert result.exit_code == 0, result.output
    assert "NewsCite: " in result.output and "precision when answering" in result.output
    results = json.loads((report_dir / "results.json").read_text())
    newscite = results["systems"]["newscite"]
    assert len(newscite["questions"]) == 2 and results["passed"]
    assert all(q["split"] == "test" and q["type"] == "timely" for q in newscite["questions"])
    verdicts = newscite["verdicts"]
    assert verdicts["right"] + verdicts["wrong"] + verdicts["declined"] == verdicts["questions"] == 2
    assert "## Right, wrong, declined" in (report_dir / "summary.md").read_text()
