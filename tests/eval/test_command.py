"""`newscite eval` end to end on the bundled set, over a real index in a tmp dir, with the baseline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.facade import Assistant
from assistant.cli import app
from assistant.answer.extractive import make_citation
from assistant.eval.questions import Question, QuestionSet, QuestionSetError, load_jsonl
from assistant.eval.runner import QuoteMismatchError, quote_errors, run_questions
from assistant.ingest.load import load_path
from assistant.model import Answer, Article, SourceRef

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "questions.jsonl"
ARTICLES = ROOT / "data" / "articles"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One full run (NewsCite and the llama-index baseline) shared by the tests of this module."""
    base = tmp_path_factory.mktemp("eval")
    index_dir, report_dir = base / "index", base / "report"
    questions = base / "questions.jsonl"  # a snapshot: the set grows while people work
    shutil.copy(BUNDLED, questions)
    result = CliRunner().invoke(
        app,
        ["eval", str(questions), "--articles", str(ARTICLES), "--index-dir", str(index_dir), "--report", str(report_dir), "--baseline"],
    )
    results = json.loads((report_dir / "results.json").read_text()) if (report_dir / "results.json").exists() else None
    return result, index_dir, report_dir, results, questions


def test_eval_writes_summary_json_and_chart_and_passes(run):
    result, _, report_dir, results, questions = run
    assert result.exit_code == 0, result.output
    assert (report_dir / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = (report_dir / "summary.md").read_text()
    assert "## Overall" in summary and "llama-index baseline" in summary and "## By question type" in summary
    assert "answer accuracy" in result.output and "Report:" in result.output
    assert results["passed"] is True and results["quote_failures"] == []
    expected_ids = [q.id for q in load_jsonl(questions).questions]
    for name in ("newscite", "baseline"):
        system = results["systems"][name]
        assert [q["id"] for q in system["questions"]] == expected_ids
        for metric in ("answer_accuracy", "citation_precision", "citation_recall", "recall@5", "mrr", "latency_p95_ms"):
            m = system["metrics"][metric]
            assert m["low"] <= m["value"] <= m["high"], (name, metric)
        assert {"single", "multi-outlet", "conflict", "follow-up", "unanswerable"} <= set(system["by_type"])
    newscite = results["systems"]["newscite"]
    assert newscite["metrics"]["quote_exactness"]["value"] == 1.0
    # right / wrong / declined for each system, in the JSON, the summary and the CLI output
    assert "## Right, wrong, declined" in summary
    for name in ("newscite", "baseline"):
        system = results["systems"][name]
        v = system["verdicts"]
        verdicts = [q["scores"]["verdict"] for q in system["questions"]]
        assert [v["right"], v["wrong"], v["declined"]] == [verdicts.count(x) for x in ("right", "wrong", "declined")]
        assert v["questions"] == len(verdicts) and v["near_misses"] == sum(q["near_miss"] is not None for q in system["questions"])
        answered = v["right"] + v["wrong"]
        assert system["metrics"]["answered_precision"]["value"] == pytest.approx(v["right"] / answered, abs=1e-4)
        assert f"{system['name']}: {v['right']} right, {v['wrong']} wrong, {v['declined']} declined" in result.output
    assert results["systems"]["baseline"]["verdicts"]["declined"] == 0
    assert newscite["metrics"]["quote_exactness"]["n"] == sum(1 for q in newscite["questions"] if q["citations"]) > 30


def test_every_quote_in_the_json_is_its_article_slice_on_disk(run):
    """Checked again here from the article files, independently of the evaluator's own check."""
    *_, results, _ = run
    texts = {a.doc_id: a.text for a in load_path(ARTICLES).articles}
    quotes = 0
    for question in results["systems"]["newscite"]["questions"]:
        assert question["retrieved_doc_ids"], question["id"]
        shown = question["citations"] + [c for k in question["conflicts"] for side in k["sides"] for c in side["citations"]]
        for citation in shown:
            for ref in [citation, *citation["also_in"]]:
                assert texts[ref["doc_id"]][ref["start"] : ref["end"]] == ref["quote"]
                quotes += 1
        assert question["scores"]["quotes"] == sum(1 + len(c["also_in"]) for c in shown)
    assert quotes > 30


def test_follow_ups_are_asked_in_the_conversation_of_the_question_they_follow():
    """Each follow-up sees exactly the turns of its own chain, in order; other questions start afresh."""
    articles = {a.doc_id: a for a in load_path(ARTICLES).articles}
    seen: dict[str, list[str]] = {}

    def ask(question, conversation):
        seen[question.id] = [q for q, _ in conversation.turns]
        article = articles["000_4fb80201a179085a"]
        answer = Answer(question.question, "x", False, [make_citation(article, 0, 20, 1.0)], question.question)
        conversation.add(question.question, answer)
        return answer

    questions = load_jsonl(BUNDLED).questions
    results = run_questions(ask, questions, articles.__getitem__)
    text = {q.id: q.question for q in questions}
    assert seen["chain-01"] == [] and seen["single-01"] == []
    assert seen["chain-02"] == [text["chain-01"]]
    assert seen["chain-05"] == [text["chain-03"], text["chain-04"]]  # a chain of three carries its context on
    assert seen["chain-08"] == [text["chain-06"], text["chain-07"]]  # and never another chain's
    assert len(results) == len(questions) and all(r.score.exact_quotes == 1 for r in results)


def test_baseline_quotes_whole_chunks_and_never_abstains(run):
    *_, results, _ = run
    baseline = results["systems"]["baseline"]
    assert not any(q["abstained"] for q in baseline["questions"])
    assert all(len(q["citations"]) == 1 for q in baseline["questions"])
    mean = lambda qs: sum(len(c["quote"]) for q in qs for c in q["citations"]) / sum(len(q["citations"]) for q in qs)  # noqa: E731
    assert mean(baseline["questions"]) > 2 * mean(results["systems"]["newscite"]["questions"])
    by_id = {q["id"]: q for q in baseline["questions"]}
    assert by_id["chain-02"]["query"] == by_id["chain-02"]["question"]  # a plain retriever has no conversation
    assert baseline["metrics"]["abstention_recall"]["value"] == 0.0


def test_python_api_returns_metrics(run):
    _, index_dir, *_ = run
    bot = Assistant.load(index_dir)
    report = bot.evaluate(BUNDLED, limit=6, bootstrap=200)
    assert len(report.results) == 6 and report.files == {}
    assert report.metrics["quote_exactness"] == 1.0 and report.passed
    assert {"answer_accuracy", "citation_precision", "citation_recall", "recall@1", "recall@5", "mrr",
            "abstention_precision", "abstention_recall", "latency_median_ms", "latency_p95_ms"} <= set(report.metrics)
    low, high = report.intervals["answer_accuracy"]
    assert low <= report.metrics["answer_accuracy"] <= high


def test_quote_check_covers_also_in_sources():
    articles = {a.doc_id: a for a in load_path(ARTICLES).articles}
    a0, a1 = articles["000_4fb80201a179085a"], articles["001_474bbdfa31def6b0"]
    ref = SourceRef(a1.outlet_name, a1.doc_id, a1.path, a1.text[10:40], 10, 40)
    citation = make_citation(a0, 0, 50, 0.9, [ref])
    assert quote_errors([citation], articles.__getitem__) == (2, [])
    ref.start += 1
    checked, errors = quote_errors([citation], articles.__getitem__)
    assert checked == 2 and len(errors) == 1 and errors[0].startswith(f"{a1.doc_id}[11:40]")
    ghost = make_citation(Article(doc_id="ghost", text="Some text."), 0, 4, 0.5)
    assert "not in the index" in quote_errors([ghost], articles.__getitem__)[1][0]


def test_a_quote_that_is_not_its_source_slice_fails_the_run(run, monkeypatch, tmp_path):
    _, index_dir, *_ = run
    original = Assistant.ask

    def shifted(self, *args, **kwargs):
        answer = original(self, *args, **kwargs)
        for citation in answer.citations:
            citation.start += 1  # the quote text stays, its offsets move: exactly the bug the check exists for
        return answer

    monkeypatch.setattr(Assistant, "ask", shifted)
    result = CliRunner().invoke(app, ["eval", str(BUNDLED), "--index-dir", str(index_dir), "--report", str(tmp_path), "--limit", "3"])
    assert result.exit_code == 1
    assert "FAILED" in result.output and "differ from their source slices" in result.output
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["passed"] is False and written["quote_failures"]
    assert "FAILED" in (tmp_path / "summary.md").read_text()
    with pytest.raises(QuoteMismatchError) as raised:
        Assistant.load(index_dir).evaluate(BUNDLED, limit=2, bootstrap=0)
    assert not raised.value.report.passed


def test_bad_question_files_and_unindexed_dataset_articles_are_clear_errors(run, tmp_path):
    _, index_dir, *_ = run
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "question": "Where?"}\n')
    result = CliRunner().invoke(app, ["eval", str(bad), "--index-dir", str(index_dir), "--report", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert f"{bad}: no valid questions" in result.output and "line 1: missing field 'answers'" in result.output
    result = CliRunner().invoke(app, ["eval", str(BUNDLED), "--index-dir", str(index_dir), "--format", "xml"])
    assert result.exit_code == 1 and "Unknown --format" in result.output
    foreign = QuestionSet(
        "squad2", "dev.json", "squad",
        [Question("q", "What is alpha?", ["alpha"], doc_ids=["para-0"])],
        articles=[Article(doc_id="para-0", text="Alpha is a letter.")],
    )
    with pytest.raises(QuestionSetError, match="not in the index"):
        Assistant.load(index_dir).evaluate(foreign)
