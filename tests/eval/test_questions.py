"""Question sets: the JSONL format (bad lines named by file and line), the bundled set, the dataset adapters."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from assistant.eval.datasets import load_realtimeqa, load_squad
from assistant.eval.metrics import contains
from assistant.eval.datasets import load_question_set
from assistant.eval.questions import QuestionSetError, load_jsonl
from assistant.ingest.load import load_path

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "questions.jsonl"


def write_lines(path: Path, lines: list) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_is_kept(tmp_path):
    path = write_lines(
        tmp_path / "set.jsonl",
        [
            {"id": "q1", "question": "Where?", "answers": ["Cairo"], "doc_ids": ["a"], "type": "single"},
            "{not json",
            {"id": "q2", "question": "Who?"},
            {"id": "q3", "question": "Who?", "answers": "Masri"},
            {"id": "q1", "question": "Again?", "answers": []},
            {"id": "q4", "question": "And he?", "answers": ["x"], "follow_up_of": "q9"},
            "",
            ["a", "list"],
            {"id": "q5", "question": "  ", "answers": []},
            {"id": 6, "question": "What is unanswerable?", "answers": [], "note": "kept"},
            {"id": "q7", "question": "What did he say?", "answers": ["y"], "follow_up_of": "q1"},
        ],
    )
    question_set = load_jsonl(path)
    assert [q.id for q in question_set.questions] == ["q1", "6", "q7"]
    problems = {p.where: p for p in question_set.problems}
    assert set(problems) == {"line 2", "line 3", "line 4", "line 5", "line 6", "line 8", "line 9"}
    assert all(p.path == str(path) for p in question_set.problems)
    assert "malformed JSON" in problems["line 2"].reason
    assert "missing field 'answers'" in problems["line 3"].reason
    assert "list of strings" in problems["line 4"].reason
    assert "duplicate id 'q1'" in problems["line 5"].reason
    assert "'q9'" in problems["line 6"].reason and "earlier question" in problems["line 6"].reason
    assert "JSON object" in problems["line 8"].reason
    assert "'question'" in problems["line 9"].reason
    assert str(problems["line 3"]).startswith(f"{path} line 3: ")
    unanswerable = question_set.questions[1]
    assert unanswerable.type == "unanswerable" and not unanswerable.answerable
    assert unanswerable.extra == {"note": "kept"} and unanswerable.where == f"{path} line 10"
    assert question_set.questions[2].follow_up_of == "q1" and question_set.questions[2].type == "single"


def test_a_set_without_one_valid_question_is_an_error_naming_the_file(tmp_path):
    path = write_lines(tmp_path / "broken.jsonl", ["{oops", {"id": "x"}])
    with pytest.raises(QuestionSetError, match="broken.jsonl: no valid questions .*line 1"):
        load_question_set(path)
    with pytest.raises(QuestionSetError, match="no such question file"):
        load_question_set(tmp_path / "missing.jsonl")
    with pytest.raises(QuestionSetError, match="unknown question-set format"):
        load_question_set(path, format="csv")


def test_limit_keeps_follow_ups_only_with_the_question_they_follow(tmp_path):
    path = write_lines(
        tmp_path / "chain.jsonl",
        [
            {"id": "a", "question": "Q a", "answers": ["x"]},
            {"id": "b", "question": "Q b", "answers": ["x"]},
            {"id": "c", "question": "And b?", "answers": ["x"], "follow_up_of": "b"},
        ],
    )
    assert [q.id for q in load_question_set(path, limit=2).questions] == ["a", "b"]
    assert [q.id for q in load_question_set(path, limit=3).questions] == ["a", "b", "c"]


def test_the_bundled_set_is_valid_and_each_answer_is_in_the_articles_it_names():
    question_set = load_jsonl(BUNDLED)
    assert question_set.problems == []
    questions = question_set.questions
    assert len(questions) >= 30
    assert {"single", "multi-outlet", "conflict", "follow-up", "unanswerable"} <= set(question_set.types())
    articles = {a.doc_id: a for a in load_path(ROOT / "data" / "articles").articles}
    by_id = {q.id: q for q in questions}
    for q in questions:
        if not q.answerable:
            assert q.doc_ids == [] and q.type == "unanswerable", q.id
            continue
        assert q.doc_ids, q.id
        for doc_id in q.doc_ids:  # every listed article supports it, in so many words
            assert any(contains(articles[doc_id].text, a) for a in q.answers), (q.id, doc_id)
        for quote in q.quotes:
            assert any(contains(articles[d].text, quote) for d in q.doc_ids), (q.id, quote)
        named = {articles[d].outlet for d in q.doc_ids if articles[d].outlet}
        assert set(q.outlets) == named, q.id
        if q.type in ("multi-outlet", "conflict"):
            assert len(q.doc_ids) >= 2, q.id
        if q.type == "follow-up":
            assert q.follow_up_of in by_id, q.id
    assert sum(q.type == "conflict" and len(q.outlets) >= 2 for q in questions) >= 3


def test_squad_adapter_makes_each_paragraph_an_article_titled_by_its_outlet(tmp_path):
    def qa(qid, text=None):
        return {"id": qid, "question": f"Question {qid}?", "is_impossible": text is None,
                "answers": [] if text is None else [{"text": text, "answer_start": 0}, {"text": text, "answer_start": 0}]}

    data = {"version": "v2.0", "data": [
        {"title": "First_title", "paragraphs": [{"context": "Alpha beta.", "qas": [qa("1", "Alpha"), qa("2")]}]},
        {"title": "Second_title", "paragraphs": [
            {"context": "Gamma delta.", "qas": [qa("3", "Gamma")]},
            {"context": "Epsilon.", "qas": [qa("4"), qa("5", "Epsilon")]},
        ]},
    ]}
    path = tmp_path / "dev-v2.0-half.json"
    path.write_text(json.dumps(data))
    question_set = load_squad(tmp_path)  # the folder finds the file
    assert [a.doc_id for a in question_set.articles] == ["First_title-0", "Second_title-0", "Second_title-1"]
    assert question_set.articles[1].outlet == "Second title" and question_set.articles[1].text == "Gamma delta."
    by_id = {q.id: q for q in question_set.questions}
    assert by_id["1"].answers == ["Alpha"] and by_id["1"].doc_ids == ["First_title-0"] and by_id["1"].type == "answerable"
    assert by_id["2"].answers == [] and by_id["2"].doc_ids == [] and by_id["2"].type == "unanswerable"
    held_out = load_squad(path, first_title=1)
    assert [a.doc_id for a in held_out.articles] == ["Second_title-0", "Second_title-1"]
    sample = load_question_set(path, format="squad", limit=3, seed=1)
    assert len(sample.questions) == 3 and len(sample.articles) == 3  # every paragraph stays as a distractor
    assert [q.id for q in sample.questions] == [q.id for q in load_question_set(path, format="squad", limit=3, seed=1).questions]


def test_realtimeqa_adapter_takes_gold_articles_then_hard_then_random_distractors(tmp_path):
    questions = [
        {"question_id": "q1", "question": "Which show?", "answer_text": ["“Squid Game”"],
         "retrieved_doc_urls": ["u/hard", "u/gold1"]},
        {"question_id": "q2", "question": "Which city?", "answer_text": ["Paris"], "retrieved_doc_urls": []},
    ]
    gold = [
        {"question_id": "q1", "url": "u/gold1", "outlet_domain": "www.cnn.com", "publish_date": "2022/06/12",
         "text": "Netflix said Squid Game returns."},
        {"question_id": "q2", "url": "u/gold2", "outlet_domain": "www.cnn.com", "text": None},
    ]
    corpus = [{"doc_id": f"c{i}", "url": f"u/{i}", "outlet_domain": "www.usatoday.com", "title": f"T{i}",
               "publish_date": "2020/01/01", "text": f"Story number {i}."} for i in range(20)]
    corpus += [
        {"doc_id": "h", "url": "u/hard", "outlet_domain": "www.cnn.com", "title": "Hard", "text": "Squid Game is a show."},
        {"doc_id": "dup", "url": "u/gold1", "outlet_domain": "www.cnn.com", "title": "Gold again", "text": "Same story."},
        {"doc_id": "empty", "url": "u/empty", "outlet_domain": "www.cnn.com", "title": "Empty", "text": ""},
    ]
    write_lines(tmp_path / "questions_gold.jsonl", questions)
    write_lines(tmp_path / "gold_articles.jsonl", gold)
    with gzip.open(tmp_path / "news_corpus.jsonl.gz", "wt") as handle:
        handle.write("".join(json.dumps(r) + "\n" for r in corpus))

    question_set = load_realtimeqa(tmp_path, distractors=5)
    q1, q2 = question_set.questions
    gold_ids = q1.doc_ids
    assert len(gold_ids) == 1 and q1.answers == ["“Squid Game”"] and q1.type == "answer-in-gold"
    assert q2.doc_ids == [] and any("no text" in p.reason for p in question_set.problems)  # empty gold article
    ids = [a.doc_id for a in question_set.articles]
    assert ids[0] == gold_ids[0] and question_set.articles[0].outlet == "cnn.com"
    assert ids[1] == "h"  # the dataset's own retrieved article comes first
    assert len(ids) == 6 and "dup" not in ids and "empty" not in ids
    again = load_realtimeqa(tmp_path, distractors=5)
    assert [a.doc_id for a in again.articles] == ids  # seeded
    assert [a.doc_id for a in load_realtimeqa(tmp_path, distractors=5, seed=3).articles] != ids
    assert len(load_realtimeqa(tmp_path, limit=1, distractors=0).articles) == 1
