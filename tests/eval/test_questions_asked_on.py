"""When a question was asked: `asked_on` in a question set, or RealTime QA's `question_date`."""

from datetime import date

from assistant.eval.questions import parse_jsonl


def test_the_day_a_question_was_asked_is_read_from_the_set():
    lines = [
        '{"id": "a", "question": "Who won this week?", "answers": ["X"], "asked_on": "2022-10-28"}',
        '{"id": "b", "question": "Who won this week?", "answers": ["X"], "question_date": "2022/06/16"}',
        '{"id": "c", "question": "Who won?", "answers": ["X"]}',
    ]
    questions, problems = parse_jsonl(lines, "set.jsonl")
    assert not problems
    assert [q.asked_on for q in questions] == [date(2022, 10, 28), date(2022, 6, 16), None]


def test_a_day_that_is_not_a_date_is_a_problem_naming_its_line():
    lines = [
        '{"id": "a", "question": "Who won this week?", "answers": ["X"], "asked_on": "last Tuesday"}',
        '{"id": "b", "question": "Who won?", "answers": ["X"]}',
    ]
    questions, problems = parse_jsonl(lines, "set.jsonl")
    assert [q.id for q in questions] == ["b"]
    assert str(problems[0]).startswith("set.jsonl line 1: 'asked_on' must be a date")
