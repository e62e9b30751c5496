"""What the alignment adds to `ask()`: the same questions over the same index, with and without spaCy's parse.

The look-alike pairs (data/lookalike_pairs.jsonl: 204 questions) are asked over an index of their articles
(bench/lookalikes.py builds it; pass its --index-dir), twice each way after a warm-up, in one process; the
median and p95 of `ask()` with the parse, without it (the string rules alone, as when the pipeline is not
installed), and the difference. Retrieval does not depend on the parse, so the difference is what the
alignment adds at any index size (bench/speed.py gives `ask()` at 5,200 articles).

    python bench/alignment_cost.py out/la_index/index
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timings(bot, questions: list[str]) -> list[float]:
    spent = []
    for question in questions:
        started = time.perf_counter()
        bot.ask(question)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def summary(spent: list[float]) -> dict:
    ordered = sorted(spent)
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1)}


def main() -> None:
    import assistant.answer.extractive as extractive
    from assistant import Assistant
    from assistant.answer.analysis import Parses, analyse

    bot = Assistant.load(sys.argv[1])
    pairs = [json.loads(line) for line in (ROOT / "data" / "lookalike_pairs.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [q for p in pairs for q in (p["question"], p["look_alike"])]
    timings(bot, questions[:20])  # warm-up: the model, the pipeline, the caches of vectors
    import assistant.answer.analysis as analysis

    analysis.PARSES._docs.clear()
    with_parse = timings(bot, questions)
    extractive.analyse = lambda question: None
    without = timings(bot, questions)
    extractive.analyse = analyse
    analysis.PARSES = Parses()
    result = {"questions": len(questions), "articles": len(bot.articles), "with_parse": summary(with_parse), "without_parse": summary(without)}
    result["added"] = {k: round(result["with_parse"][k] - result["without_parse"][k], 1) for k in ("median_ms", "p95_ms")}
    print(json.dumps(result, indent=1))
    (ROOT / "bench" / "results" / "alignment_cost.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
