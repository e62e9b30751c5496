"""Adapters from public QA datasets to a `QuestionSet` that brings its own articles.

- SQuAD 2.0: each paragraph is one article, its Wikipedia title the outlet;
  an unanswerable question has no answers (it scores abstention).
- RealTime QA: the CNN news-quiz questions with their gold articles, plus
  distractor articles from `news_corpus.jsonl.gz`: first the articles the
  dataset's own retriever returned for these questions (hard distractors),
  then a seeded random fill from the rest of the corpus.
- RealTime QA weekly: 2,925 later quiz questions, each over the articles the
  dataset's retriever returned for it, split by question day into train and
  test days (`split_of`).
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import random
from pathlib import Path
from typing import Any, Iterator

from assistant.eval.metrics import contains_any
from assistant.eval.questions import FORMATS, Question, QuestionSet, QuestionSetError, load_jsonl
from assistant.ingest.load import Problem
from assistant.ingest.masthead import outlet_from_url
from assistant.model import Article

SQUAD_FILE = "dev-v2.0-half.json"
RTQA_QUESTIONS = "questions_gold.jsonl"
RTQA_GOLD = "gold_articles.jsonl"
RTQA_CORPUS = "news_corpus.jsonl.gz"
DEFAULT_DISTRACTORS = 1000  # all of them hard (retriever hits); 2,000 means ~140k texts to embed


def _find(path: Path, name: str) -> Path:
    """`path` itself when it is a file, else `name` inside the folder `path`."""
    candidate = path / name if path.is_dir() else path
    if not candidate.is_file():
        raise QuestionSetError(f"{candidate}: no such file")
    return candidate


# --- SQuAD 2.0 ------------------------------------------------------------------------


def load_squad(
    path: str | Path,
    limit: int | None = None,
    first_title: int = 0,
    titles: int | None = None,
    seed: int = 0,
) -> QuestionSet:
    """SQuAD 2.0 JSON: every paragraph of the chosen titles is indexed; `limit` samples questions (seeded).

    `first_title`/`titles` choose which Wikipedia titles take part (the
    abstention threshold is calibrated on the first six, so a held-out
    evaluation starts at `first_title=6`).
    """
    file = _find(Path(path), SQUAD_FILE).resolve()  # absolute: the index tells articles apart by source
    try:
        data = json.loads(file.read_text(encoding="utf-8"))["data"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise QuestionSetError(f"{file}: not SQuAD JSON ({error})") from None
    chosen = data[first_title : None if titles is None else first_title + titles]
    articles: list[Article] = []
    questions: list[Question] = []
    problems: list[Problem] = []
    for entry in chosen:
        title = str(entry.get("title", "untitled"))
        outlet = title.replace("_", " ")
        for number, paragraph in enumerate(entry.get("paragraphs", [])):
            doc_id = f"{title}-{number}"
            context = paragraph.get("context") or ""
            if not context.strip():
                problems.append(Problem(str(file), "empty paragraph skipped", doc_id))
                continue
            articles.append(
                Article(doc_id=doc_id, text=context, title=outlet, outlet=outlet, path=str(file), source=str(file))
            )
            for qa in paragraph.get("qas", []):
                impossible = bool(qa.get("is_impossible"))
                answers = [] if impossible else list(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a.get("text")))
                if not impossible and not answers:
                    problems.append(Problem(str(file), "answerable question without answers skipped", qa.get("id")))
                    continue
                questions.append(
                    Question(
                        id=str(qa["id"]),
                        question=qa["question"].strip(),
                        answers=answers,
                        doc_ids=[doc_id] if answers else [],
                        type="unanswerable" if impossible else "answerable",
                        where=f"{file} {doc_id}",
                        extra={"paragraph": doc_id},
                    )
                )
    if limit is not None and limit < len(questions):
        keep = set(random.Random(seed).sample(range(len(questions)), limit))
        questions = [q for i, q in enumerate(questions) if i in keep]
    first = chosen[0]["title"] if chosen else "-"
    return QuestionSet(
        name="squad2",
        source=str(file),
        format="squad",
        questions=questions,
        problems=problems,
        articles=articles,
        description=(
            f"SQuAD 2.0 dev (half): {len(chosen)} titles from #{first_title} ({first}), "
            f"{len(articles)} paragraphs as articles, {len(questions)} questions"
            + (f" (seeded sample, seed {seed})" if limit is not None else "")
        ),
    )


# --- RealTime QA ----------------------------------------------------------------------


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _outlet(record: dict[str, Any]) -> str | None:
    domain = record.get("outlet_domain") or ""
    return outlet_from_url(f"//{domain}") if domain else outlet_from_url(record.get("url"))


def _gold_id(url: str) -> str:
    return "gold-" + hashlib.sha1(url.encode()).hexdigest()[:16]


def _rank_key(seed: int, doc_id: str) -> str:
    return hashlib.sha1(f"{seed}:{doc_id}".encode()).hexdigest()


def corpus_article(record: dict[str, Any], path: Path) -> Article:
    return Article(
        doc_id=str(record["doc_id"]),
        text=record["text"],
        title=record.get("title") or None,
        outlet=_outlet(record),
        url=record.get("url"),
        published=record.get("publish_date"),
        path=str(path),
        source=str(path),
    )


def pick_distractors(
    corpus: Path, count: int, hard_urls: set[str], exclude_urls: set[str], seed: int = 0
) -> list[Article]:
    """Up to `count` corpus articles: hard ones (`hard_urls`) first, then a seeded random fill.

    One streaming pass; the random fill keeps only the `count` smallest
    seeded hashes, so memory stays at `count` articles whatever the corpus size.
    """
    hard: list[dict] = []
    seen: set[str] = set(exclude_urls)

    def others() -> Iterator[dict]:
        for record in _jsonl(corpus):
            url = record.get("url") or str(record["doc_id"])
            if url in seen or not (record.get("text") or "").strip():
                continue
            seen.add(url)  # the corpus repeats a few URLs
            if url in hard_urls:
                hard.append(record)
            else:
                yield record

    key = lambda record: _rank_key(seed, str(record["doc_id"]))  # noqa: E731
    fill = heapq.nsmallest(count, others(), key=key)
    chosen = sorted(hard, key=key)[:count]
    chosen += fill[: count - len(chosen)]
    return [corpus_article(record, corpus) for record in chosen]


def load_realtimeqa(
    path: str | Path,
    limit: int | None = None,
    distractors: int = DEFAULT_DISTRACTORS,
    seed: int = 0,
) -> QuestionSet:
    """The gold-article questions (first `limit`), their gold articles, and `distractors` corpus articles."""
    folder = Path(path)
    questions_file = _find(folder, RTQA_QUESTIONS).resolve()
    folder = questions_file.parent
    gold_file = _find(folder, RTQA_GOLD)
    records = list(_jsonl(questions_file))[: limit if limit is not None else None]
    wanted = {r["question_id"] for r in records}
    problems: list[Problem] = []
    gold_by_question: dict[str, list[str]] = {}
    gold_articles: dict[str, Article] = {}
    gold_urls: set[str] = set()
    for number, record in enumerate(_jsonl(gold_file), start=1):
        if record.get("url"):
            gold_urls.add(record["url"])
        if record["question_id"] not in wanted:
            continue
        if not (record.get("text") or "").strip():
            problems.append(Problem(str(gold_file), f"gold article of {record['question_id']} has no text; skipped", f"line {number}"))
            continue
        doc_id = _gold_id(record["url"])
        gold_articles.setdefault(
            doc_id,
            Article(
                doc_id=doc_id,
                text=record["text"],
                outlet=_outlet(record),
                url=record["url"],
                published=record.get("publish_date"),
                path=str(gold_file),
                source=str(gold_file),
            ),
        )
        gold_by_question.setdefault(record["question_id"], []).append(doc_id)
    questions = []
    for record in records:
        doc_ids = list(dict.fromkeys(gold_by_question.get(record["question_id"], [])))
        answers = [a for a in record.get("answer_text", []) if a.strip()]
        in_gold = contains_any((gold_articles[d].text for d in doc_ids), answers)
        questions.append(
            Question(
                id=record["question_id"],
                question=record["question"].strip(),
                answers=answers,
                doc_ids=doc_ids,
                type="answer-in-gold" if in_gold else "answer-not-in-gold",
                where=f"{questions_file} {record['question_id']}",
                extra={"question_date": record.get("question_date"), "choices": record.get("choices")},
            )
        )
    corpus = folder / RTQA_CORPUS
    distractor_articles: list[Article] = []
    hard = {u for r in records for u in r.get("retrieved_doc_urls", [])} - gold_urls
    if distractors > 0:
        if not corpus.is_file():
            raise QuestionSetError(f"{corpus}: no such file (needed for distractors; pass distractors=0 to skip)")
        distractor_articles = pick_distractors(corpus, distractors, hard, gold_urls, seed)
    n_hard = sum(1 for a in distractor_articles if a.url in hard)
    return QuestionSet(
        name="realtimeqa",
        source=str(questions_file),
        format="realtimeqa",
        questions=questions,
        problems=problems,
        articles=list(gold_articles.values()) + distractor_articles,
        description=(
            f"RealTime QA: {len(questions)} questions with gold articles, {len(gold_articles)} gold articles, "
            f"{len(distractor_articles)} distractors ({n_hard} the dataset's retrieved articles, the rest random, seed {seed})"
        ),
    )


# --- RealTime QA weekly ---------------------------------------------------------------------------

RTQA_WEEKLY_QUESTIONS = "questions.jsonl"
SPLITS = ("train", "test", "all")
TEST_SHARE = 50  # percent of the days on the test side: 115 of 249 days, 1,368 questions, 393 of them timely (train: 469)
SPLIT_SALT = "realtimeqa-weekly"


def split_of(question_date: str, test_share: int = TEST_SHARE) -> str:
    """"test" or "train" for a question day, by a sha256 of the date (Python's `hash` is salted per process):
    a day's questions stay together, on the same side on every machine."""
    digest = hashlib.sha256(f"{SPLIT_SALT}:{question_date}".encode()).hexdigest()
    return "test" if int(digest, 16) % 100 < test_share else "train"


def _weekly_type(record: dict[str, Any]) -> str:
    if record.get("timely_support_doc_ids"):
        return "timely"  # the answer string is in an article published 0-14 days before the question (or the day after)
    if record.get("support_doc_ids"):
        return "support-not-timely"  # only in older (or much later) articles
    return "no-support"  # in none of the retrieved articles


def load_realtimeqa_weekly(
    path: str | Path,
    limit: int | None = None,
    split: str = "all",
    timely: bool = False,
    seed: int = 0,
    corpus: str | Path | None = None,
) -> QuestionSet:
    """RealTime QA weekly questions, each over the articles its retriever returned (`retrieved_doc_ids`).

    `split` keeps the train or test days (`split_of`, about half each) or all;
    `timely` keeps only questions with an answer string in an article published
    0-14 days before the question (`timely_support_doc_ids`), which are also
    the question's `doc_ids`. `limit` draws a seeded sample across all the days
    (kept in file order). The articles are streamed once from the `realtimeqa/`
    corpus beside the weekly folder (or `corpus`), keeping only the needed ones.
    Each question is asked on its `question_date`.
    """
    if split not in SPLITS:
        raise QuestionSetError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    questions_file = _find(Path(path), RTQA_WEEKLY_QUESTIONS).resolve()
    corpus_file = Path(corpus) if corpus is not None else questions_file.parent.parent / "realtimeqa" / RTQA_CORPUS
    problems: list[Problem] = []
    records = []
    for number, record in enumerate(_jsonl(questions_file), start=1):
        missing = [k for k in ("question_id", "question_date", "question", "answer_text", "retrieved_doc_ids") if k not in record]
        if missing:
            problems.append(Problem(str(questions_file), f"missing {', '.join(missing)}; skipped", f"line {number}"))
            continue
        if split != "all" and split_of(record["question_date"]) != split:
            continue
        if timely and not record.get("timely_support_doc_ids"):
            continue
        records.append(record)
    if limit is not None and limit < len(records):
        keep = {r["question_id"] for r in sorted(records, key=lambda r: _rank_key(seed, r["question_id"]))[:limit]}
        records = [r for r in records if r["question_id"] in keep]
    needed = {str(d) for r in records for d in r["retrieved_doc_ids"]}
    if not corpus_file.is_file():
        raise QuestionSetError(f"{corpus_file}: no such file (the RealTime QA corpus the weekly questions' articles are in)")
    articles: dict[str, Article] = {}
    for record in _jsonl(corpus_file):
        doc_id = str(record.get("doc_id"))
        if doc_id not in needed or doc_id in articles:
            continue
        if not (record.get("text") or "").strip():
            problems.append(Problem(str(corpus_file), "retrieved article has no text; skipped", doc_id))
            continue
        articles[doc_id] = corpus_article(record, corpus_file)
    missing_docs = needed - set(articles)
    questions = []
    for record in records:
        qid = str(record["question_id"])
        answers = [a for a in record.get("answer_text") or [] if a.strip()]
        if not answers:
            problems.append(Problem(str(questions_file), "question without an answer; skipped", qid))
            continue
        timely_ids = [str(d) for d in record.get("timely_support_doc_ids") or [] if str(d) in articles]
        questions.append(
            Question(
                id=qid,
                question=record["question"].strip(),
                answers=answers,
                doc_ids=timely_ids,
                type=_weekly_type(record),
                where=f"{questions_file} {qid}",
                extra={
                    "question_date": record["question_date"],
                    "split": split_of(record["question_date"]),
                    "choices": record.get("choices"),
                    "support_doc_ids": record.get("support_doc_ids") or [],
                },
            )
        )
    for doc_id in sorted(d for d in missing_docs if not any(p.where == d for p in problems)):
        problems.append(Problem(str(corpus_file), "retrieved article is not in the corpus", doc_id))
    days = len({q.extra["question_date"] for q in questions})
    picked = f"{split} days" + (", questions with a timely article" if timely else "")
    return QuestionSet(
        name=f"realtimeqa-weekly-{split}" + ("-timely" if timely else ""),
        source=str(questions_file),
        format="realtimeqa-weekly",
        questions=questions,
        problems=problems,
        articles=list(articles.values()),
        description=(
            f"RealTime QA weekly ({picked}; split by a hash of question_date, {TEST_SHARE}% of the days test): "
            f"{len(questions)} questions on {days} days"
            + (f" (seeded sample, seed {seed})" if limit is not None else "")
            + f", over the {len(articles)} articles their retriever returned, each asked on its question_date"
        ),
    )


# --- any format -------------------------------------------------------------------------------


def load_question_set(path: str | Path, format: str = "jsonl", limit: int | None = None, **options) -> QuestionSet:
    """Any supported format; `options` go to the dataset adapter (sample sizes, seed)."""
    if format == "jsonl":
        if options:
            raise TypeError(f"the jsonl format takes no options ({', '.join(options)})")
        question_set = load_jsonl(path)
    elif format == "squad":
        question_set = load_squad(path, limit=limit, **options)
    elif format == "realtimeqa":
        question_set = load_realtimeqa(path, limit=limit, **options)
    elif format == "realtimeqa-weekly":
        question_set = load_realtimeqa_weekly(path, limit=limit, **options)
    else:
        raise QuestionSetError(f"unknown question-set format {format!r}; use one of {', '.join(FORMATS)}")
    question_set = question_set.limited(limit)
    if not question_set.questions:
        details = "; ".join(str(p) for p in question_set.problems[:3])
        raise QuestionSetError(f"{path}: no valid questions" + (f" ({details})" if details else ""))
    return question_set
