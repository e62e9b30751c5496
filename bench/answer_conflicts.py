"""Precision and recall of the "different answer" conflict check on data/answer_conflicts.jsonl.

    .venv/bin/python bench/answer_conflicts.py [--split dev|test|all] [--ids-from JSON] [--errors] [--json PATH]

`--ids-from bench/results/answer_conflicts_unseen.json` scores only the items
listed under `ids` there (the test items never looked at while a check was
developed). Figures are also given per source of the pair (news_dai2017,
realtimeqa), for pairs from other outlets than the ones tuned on.

Each item is a question and two sentences from different outlets about the same
story, labelled by reading them (data/answer_conflicts.md): different_answer
(both answer, with different entities), same_answer (the same entity, often
worded differently), one_silent (only one answers). The check
(`assistant.outlets.conflicts.answers.answer_conflict`) runs on each pair as
the comparer runs it: behind the same-topic gate on the packaged model's
embeddings. A flag on a different_answer pair is a true positive; on any
other pair a false alarm. Also reported: the statement checks of
`assistant.outlets.conflicts.detect.detect` on the same pairs (they look for
polarity, figures, dates and agents, not for answers), and both together.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.embed.embedding import default_embedder  # noqa: E402
from assistant.outlets.conflicts.answers import ANSWER_COSINE, answer_conflict  # noqa: E402
from assistant.outlets.conflicts.detect import detect  # noqa: E402
from assistant.outlets.conflicts.statement import Statement, same_topic  # noqa: E402
from assistant.text import terms  # noqa: E402

ITEMS = ROOT / "data" / "answer_conflicts.jsonl"


def scores(flags: list[bool], labels: list[bool]) -> dict:
    tp = sum(f and l for f, l in zip(flags, labels))
    fp = sum(f and not l for f, l in zip(flags, labels))
    fn = sum(l and not f for f, l in zip(flags, labels))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": _round(precision), "recall": _round(recall), "f1": round(f1, 3)}


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="test", choices=["dev", "test", "all"])
    parser.add_argument("--items", type=Path, default=ITEMS)
    parser.add_argument("--ids-from", type=Path, default=None, help="a JSON file whose `ids` list the items to score")
    parser.add_argument("--errors", action="store_true", help="print every wrong flag and every miss")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    items = [json.loads(line) for line in args.items.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [item for item in items if args.split == "all" or item["split"] == args.split]
    ids = set(json.loads(args.ids_from.read_text(encoding="utf-8"))["ids"]) if args.ids_from else None
    if ids is not None:
        items = [item for item in items if item["id"] in ids]
    embedder = default_embedder()
    vectors = embedder.embed([text for item in items for text in (item["a"]["text"], item["b"]["text"])])
    labels, answer_flags, statement_flags = [], [], []
    for i, item in enumerate(items):
        a = Statement(item["a"]["text"], vectors[2 * i])
        b = Statement(item["b"]["text"], vectors[2 * i + 1])
        focus = frozenset(terms(item["question"]))
        gate = same_topic(a, b, threshold=ANSWER_COSINE)  # the comparer's gate for answer conflicts
        found = answer_conflict(item["question"], a, b) if gate else None
        labels.append(item["label"] == "different_answer")
        answer_flags.append(found is not None)
        statement_flags.append(detect(a, b, focus=focus) is not None)
        if args.errors and (found is not None) != labels[-1]:
            what = f"FLAGGED {found.claim_a!r} / {found.claim_b!r}" if found else f"MISSED (gate {'open' if gate else 'shut'})"
            print(f"{item['id']} [{item['label']}/{item.get('kind')}] {what}\n  Q: {item['question']}\n  A: {item['a']['text'][:220]}\n  B: {item['b']['text'][:220]}\n")
    figures = {
        "split": args.split if ids is None else f"{args.split}, items listed in {args.ids_from.name}",
        "items": len(items),
        "different_answer": sum(labels),
        "answer check": scores(answer_flags, labels),
        "statement checks (detect)": scores(statement_flags, labels),
        "both": scores([x or y for x, y in zip(answer_flags, statement_flags)], labels),
        "answer check recall by kind": {
            kind: _round(_share([f for f, item in zip(answer_flags, items) if item.get("kind") == kind]))
            for kind in ("real", "swap")
        },
        "answer check by source": {
            source: scores(
                [f for f, item in zip(answer_flags, items) if item["a"]["source"] == source],
                [l for l, item in zip(labels, items) if item["a"]["source"] == source],
            )
            for source in sorted({item["a"]["source"] for item in items})
        },
        "answer check false alarms by label": {
            label: _round(_share([f for f, item in zip(answer_flags, items) if item["label"] == label]))
            for label in ("same_answer", "one_silent")
        },
    }
    if ids is not None:
        figures["ids"] = sorted(ids & {item["id"] for item in items})
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
