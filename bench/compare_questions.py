"""Who-says-what on the question set: conflicts flagged, outlet counts right.

    .venv/bin/python bench/compare_questions.py [--questions data/questions.jsonl] [--index-dir DIR] [--json PATH]

For every question of type "conflict": does `bot.ask` flag a conflict with
at least two sides quoted from different outlets (and does `bot.compare`)?
For every question of type "multi-outlet": how many distinct outlets does
the answer's statement group count, against the labelled articles (an
article of unknown outlet counts as its own source)? Builds a throwaway
index of data/articles unless --index-dir is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402
from assistant.model import UNKNOWN_OUTLET  # noqa: E402


def expected_sources(bot: Assistant, doc_ids: list[str]) -> int:
    keys = set()
    for doc_id in doc_ids:
        outlet = bot.article(doc_id).outlet_name
        keys.add(doc_id if outlet == UNKNOWN_OUTLET else outlet)
    return len(keys)


def answer_count(comparison, answers: list[str]) -> int:
    """Outlets counted by the largest statement group whose quotes contain an answer."""
    wanted = [a.lower() for a in answers]
    counts = [g.outlet_count for g in comparison.statements if any(w in c.quote.lower() for c in g.citations for w in wanted)]
    return max(counts, default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "data" / "questions.jsonl")
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        bot = Assistant.from_directory(ROOT / "data" / "articles", index_dir=args.index_dir or Path(tmp) / "index")
        report: dict = {"conflict": [], "multi-outlet": []}
        for row in rows:
            if row["type"] == "conflict":
                answer = bot.ask(row["question"])
                comparison = bot.compare(row["question"])

                def quoted(conflicts) -> bool:
                    return any(
                        len(c.sides) >= 2 and len({o for s in c.sides for o in s.outlets} | {x.doc_id for s in c.sides for x in s.citations}) >= 2
                        for c in conflicts
                    )

                report["conflict"].append({
                    "id": row["id"],
                    "ask": quoted(answer.conflicts) and answer.text.startswith("Outlets disagree"),
                    "compare": quoted(comparison.conflicts),
                    "kinds": sorted({c.kind for c in comparison.conflicts}),
                })
            elif row["type"] == "multi-outlet":
                comparison = bot.compare(row["question"])
                expected = expected_sources(bot, row["doc_ids"])
                found = answer_count(comparison, row["answers"])
                report["multi-outlet"].append({"id": row["id"], "expected": expected, "found": found})
                # A multi-outlet question is not a disagreement: flagging one is a false alarm.
                report["multi-outlet"][-1]["conflicts"] = len(comparison.conflicts)
    conflicts = report["conflict"]
    multi = report["multi-outlet"]
    report["summary"] = {
        "conflict questions": len(conflicts),
        "flagged by ask with both sides quoted": sum(r["ask"] for r in conflicts),
        "flagged by compare": sum(r["compare"] for r in conflicts),
        "multi-outlet questions": len(multi),
        "outlet count exact": sum(r["found"] == r["expected"] for r in multi),
        "outlet count under": sum(r["found"] < r["expected"] for r in multi),
        "outlet count over": sum(r["found"] > r["expected"] for r in multi),
        "multi-outlet questions flagged as conflicts": sum(r["conflicts"] > 0 for r in multi),
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
