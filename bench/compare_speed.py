"""What the who-says-what step costs per question.

    .venv/bin/python bench/compare_speed.py [--articles N] [--index-dir DIR] [--json PATH]

Indexes N articles of the 9-outlet corpus (../shared/datasets/news_dai2017,
all 9 outlets; the index is kept in --index-dir for reruns) plus the bundled
articles, then times, per question: `ask` as it is (composer + comparison),
`ask` without the comparison step, and `compare`. Questions: the bundled
question set's conflict and multi-outlet questions, and the titles of 30
corpus articles as questions.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402
from assistant import facade  # noqa: E402

CORPUS = ROOT.parent / "shared" / "datasets" / "news_dai2017" / "NewsArticles.csv"


def write_corpus(folder: Path, n: int) -> list[str]:
    """N articles spread over the 9 outlets, as one CSV the loader reads; returns some titles as questions."""
    csv.field_size_limit(10**8)
    with open(CORPUS, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if len(r["text"]) > 400]
    rows = rows[:: max(1, len(rows) // n)][:n]
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "corpus.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["article_id", "title", "text", "article_source_link", "publish_date"])
        writer.writeheader()
        for r in rows:
            writer.writerow({k: r[k] for k in writer.fieldnames})
    return [r["title"] for r in rows[:: max(1, len(rows) // 30)][:30]]


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in (ROOT / "data" / "questions.jsonl").read_text().splitlines()
                 if json.loads(line)["type"] in ("conflict", "multi-outlet")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        titles = write_corpus(folder, args.articles)
        index_dir = args.index_dir or Path(tmp) / "index"
        started = time.perf_counter()
        bot = Assistant.from_directory([ROOT / "data" / "articles", folder], index_dir=index_dir)
        build = time.perf_counter() - started
        asked = questions + titles
        for q in asked[:3]:
            bot.ask(q)  # warm up: model, caches
        with_compare = [timed(bot.ask, q) for q in asked]
        plain = facade.review_answer
        facade.review_answer = lambda comparer, answer, *rest: answer  # the Assistant without its comparer
        try:
            without = [timed(bot.ask, q) for q in asked]
        finally:
            facade.review_answer = plain
        comparing = [timed(bot.compare, q) for q in asked]
    def summary(values: list[float]) -> dict:
        values = sorted(values)
        return {"p50_ms": round(statistics.median(values), 1), "p95_ms": round(values[int(0.95 * (len(values) - 1))], 1)}

    report = {
        "articles": len(bot.articles),
        "outlets": len(bot.outlets()),
        "questions": len(asked),
        "index_build_s": round(build, 1),
        "ask": summary(with_compare),
        "ask_without_comparison": summary(without),
        "compare": summary(comparing),
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
