"""Question sets for evaluation: the documented JSONL format, and the common shape adapters produce.

One JSON object per line::

    {"id": "q1", "question": "Where did the FSA propose to meet Russia?",
     "answers": ["Cairo"], "doc_ids": ["000_4fb80201a179085a"],
     "outlets": [], "quotes": ["proposed to hold the meeting in Cairo"],
     "type": "single", "follow_up_of": null}

`id`, `question` and `answers` are required (`answers: []` marks a question
the articles cannot answer); the rest is optional, and so is `asked_on`
("2022-06-16"): the day the question was asked, so "this week" in it means
the week before that day (RealTime QA's `question_date` counts as it). A bad line is reported
with its file and line number and skipped; the other lines still count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from assistant.eval.metrics import Gold
from assistant.ingest.load import Problem
from assistant.model import Article, published_day

REQUIRED = ("id", "question", "answers")
LIST_FIELDS = ("answers", "doc_ids", "outlets", "quotes")
KNOWN = set(REQUIRED) | set(LIST_FIELDS) | {"type", "follow_up_of"}
FORMATS = ("jsonl", "squad", "realtimeqa", "realtimeqa-weekly")


class QuestionSetError(ValueError):
    """A question set that cannot be evaluated at all (missing file, nothing valid in it)."""


@dataclass
class Question:
    """One evaluation question and what a right answer looks like."""

    id: str
    question: str
    answers: list[str]
    doc_ids: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    type: str = ""
    follow_up_of: str | None = None
    where: str = ""  # "file line 3": where it was read from
    extra: dict[str, Any] = field(default_factory=dict)  # fields the format does not define, kept for the report

    def __post_init__(self) -> None:
        if not self.type:
            self.type = "single" if self.answers else "unanswerable"

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    @property
    def asked_on(self) -> date | None:
        """The day the question was asked, when the set says (`asked_on`, or RealTime QA's `question_date`)."""
        return published_day(self.extra.get("asked_on") or self.extra.get("question_date"))

    @property
    def gold(self) -> Gold:
        return Gold(answers=self.answers, doc_ids=self.doc_ids, quotes=self.quotes)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "question": self.question,
            "answers": self.answers,
            "doc_ids": self.doc_ids,
            "outlets": self.outlets,
            "quotes": self.quotes,
            "type": self.type,
        }
        if self.follow_up_of:
            data["follow_up_of"] = self.follow_up_of
        return {**data, **self.extra}


@dataclass
class QuestionSet:
    """Questions to ask, problems met reading them, and (for datasets) the articles they are about."""

    name: str
    source: str
    format: str
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    articles: list[Article] | None = None  # None: the questions are about an index built elsewhere
    description: str = ""

    def limited(self, limit: int | None) -> "QuestionSet":
        """The first `limit` questions (follow-ups whose question was cut go too)."""
        if limit is None or limit >= len(self.questions):
            return self
        kept: list[Question] = []
        ids: set[str] = set()
        for question in self.questions:
            if len(kept) == limit:
                break
            if question.follow_up_of and question.follow_up_of not in ids:
                continue
            kept.append(question)
            ids.add(question.id)
        return QuestionSet(self.name, self.source, self.format, kept, self.problems, self.articles, self.description)

    def types(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for question in self.questions:
            counts[question.type] = counts.get(question.type, 0) + 1
        return counts


class BadQuestion(ValueError):
    pass


def _string_list(record: dict[str, Any], name: str) -> list[str]:
    value = record.get(name, [])
    if value is None:
        return []
    if isinstance(value, str):
        raise BadQuestion(f"'{name}' must be a list of strings, got a string (write [{json.dumps(value)}])")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadQuestion(f"'{name}' must be a list of strings")
    if any(not v.strip() for v in value):
        raise BadQuestion(f"'{name}' has an empty string")
    return value


def question_from_record(record: Any, where: str, earlier: set[str]) -> Question:
    """Validate one parsed line; `earlier` holds the ids of the lines before it."""
    if not isinstance(record, dict):
        raise BadQuestion(f"expected a JSON object, got {type(record).__name__}")
    missing = [name for name in REQUIRED if name not in record]
    if missing:
        raise BadQuestion(f"missing field{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)}")
    qid = record["id"]
    if not isinstance(qid, (str, int)) or isinstance(qid, bool) or not str(qid).strip():
        raise BadQuestion("'id' must be a non-empty string")
    qid = str(qid)
    if qid in earlier:
        raise BadQuestion(f"duplicate id {qid!r}")
    text = record["question"]
    if not isinstance(text, str) or not text.strip():
        raise BadQuestion("'question' must be a non-empty string")
    lists = {name: _string_list(record, name) for name in LIST_FIELDS}
    qtype = record.get("type") or ""
    if not isinstance(qtype, str):
        raise BadQuestion("'type' must be a string")
    parent = record.get("follow_up_of")
    if parent is not None:
        parent = str(parent)
        if parent not in earlier:
            raise BadQuestion(f"'follow_up_of' names {parent!r}, which is not the id of an earlier question")
    asked_on = record.get("asked_on")
    if asked_on is not None and (not isinstance(asked_on, str) or published_day(asked_on) is None):
        raise BadQuestion(f"'asked_on' must be a date like \"2022-10-28\", got {asked_on!r}")
    return Question(
        id=qid,
        question=text.strip(),
        type=qtype,
        follow_up_of=parent,
        where=where,
        extra={k: v for k, v in record.items() if k not in KNOWN},
        **lists,
    )


def parse_jsonl(lines: Sequence[str], path: str) -> tuple[list[Question], list[Problem]]:
    questions: list[Question] = []
    problems: list[Problem] = []
    ids: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(path, f"malformed JSON ({error.msg})", where))
            continue
        try:
            question = question_from_record(record, f"{path} {where}", ids)
        except BadQuestion as error:
            problems.append(Problem(path, str(error), where))
            continue
        questions.append(question)
        ids.add(question.id)
    return questions, problems


def load_jsonl(path: str | Path) -> QuestionSet:
    """Read the documented JSONL format; bad lines become problems naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise QuestionSetError(f"{path}: no such question file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise QuestionSetError(f"{path}: not UTF-8 text (undecodable byte at position {error.start})") from None
    questions, problems = parse_jsonl(text.splitlines(), str(path))
    return QuestionSet(name=path.stem, source=str(path), format="jsonl", questions=questions, problems=problems)
