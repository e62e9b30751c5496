"""The RealTime QA material the speed benchmarks run on, streamed from ../shared (never copied).

The gold questions and their gold articles come from the evaluation's own
adapter (`assistant.eval.datasets.load_realtimeqa`); the corpus is read
line by line from the gzip file, so a size of N holds N articles in memory,
not the whole file.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Iterator

from assistant.eval.datasets import RTQA_CORPUS, _jsonl, corpus_article, load_realtimeqa
from assistant.eval.questions import Question
from assistant.model import Article

ROOT = Path(__file__).resolve().parents[1]
REALTIMEQA = ROOT.parent / "shared" / "datasets" / "realtimeqa"
CORPUS = REALTIMEQA / RTQA_CORPUS


@lru_cache(maxsize=1)
def _gold():
    return load_realtimeqa(REALTIMEQA, distractors=0)


def gold_articles() -> list[Article]:
    return list(_gold().articles)


def gold_questions() -> list[Question]:
    return list(_gold().questions)


def corpus_records(limit: int | None = None) -> Iterator[dict]:
    """The first `limit` records of the corpus (all when None), in file order, streamed."""
    return islice(_jsonl(CORPUS), limit)


def corpus_sample(limit: int | None) -> tuple[list[Article], int]:
    """Articles of the first `limit` corpus records, and how many records had no text."""
    articles, empty, seen = [], 0, set()
    for record in corpus_records(limit):
        if not (record.get("text") or "").strip() or record["doc_id"] in seen:
            empty += 1
            continue
        seen.add(record["doc_id"])
        articles.append(corpus_article(record, CORPUS))
    return articles, empty
