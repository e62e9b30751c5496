"""How often the short answer ("2,500 people: ...") is right, on SQuAD 2.0 number and date questions.

    .venv/bin/python bench/short_answers.py [--titles 6-9] [--json bench/results/short_answers.json]

Asks every "how many / how much / when / what year" question of the chosen
SQuAD 2.0 dev-half titles (0-5 calibrate the abstention threshold, 6-9 are
held out) through `Assistant.ask` and compares the short answer it leads with
against the gold answers, SQuAD-style (lower case, no punctuation or
articles): exact match, F1, and whether it contains a gold answer or sits
inside one; and the same when the quote itself holds a gold answer (the
rule's own errors, apart from the composer's choice of sentence). Also counted: answered questions that show no short answer, and
short answers shown on `is_impossible` questions (each a confident error).
Indexes are cached like bench/eval_datasets.py's.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.answer_types import answer_type  # noqa: E402
from assistant.eval.datasets import load_squad  # noqa: E402
from assistant.eval.runner import default_index_dir  # noqa: E402
from assistant.options import assistant_for  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"


def normalise(text: str) -> str:
    text = "".join(c for c in text.lower() if c not in string.punctuation)
    return " ".join(w for w in text.split() if w not in ("a", "an", "the"))


def f1(prediction: str, gold: str) -> float:
    p, g = normalise(prediction).split(), normalise(gold).split()
    common = sum((Counter(p) & Counter(g)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", default="6-9", help="SQuAD dev-half titles, e.g. 6-9 (held out) or 0-5")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    first, _, last = args.titles.partition("-")
    question_set = load_squad(DATASETS / "squad2_dev_half", first_title=int(first), titles=int(last or first) - int(first) + 1)
    bot = assistant_for(question_set, default_index_dir(f"bench-squad-{args.titles}"))
    counts: Counter = Counter()
    em = f1_sum = 0.0
    examples: dict[str, list] = {"wrong": [], "impossible": []}
    for question in question_set.questions:
        wanted = answer_type(question.question)
        if wanted is None:
            continue
        kind = wanted.label
        answer = bot.ask(question.question)
        golds = [g for g in question.answers if g.strip()]
        counts[f"{kind} questions"] += 1
        if answer.abstained:
            continue
        short = answer.short_answer
        if not golds:
            counts[f"{kind} impossible answered"] += 1
            if short:
                counts[f"{kind} impossible with a short answer"] += 1
                examples["impossible"].append((question.question, short.text))
            continue
        counts[f"{kind} answerable answered"] += 1
        if short is None:
            continue
        counts[f"{kind} short answers"] += 1
        best_f1 = max(f1(short.text, g) for g in golds)
        exact = any(normalise(short.text) == normalise(g) for g in golds)
        overlapping = any(normalise(g) in normalise(short.text) or normalise(short.text) in normalise(g) for g in golds)
        counts[f"{kind} exact"] += exact
        counts[f"{kind} contains or inside gold"] += overlapping
        if any(normalise(g) in normalise(answer.citations[0].quote) for g in golds):  # the rule's own share of errors
            counts[f"{kind} quote holds a gold answer"] += 1
            counts[f"{kind} quote holds a gold answer, short answer right"] += overlapping
        em += exact
        f1_sum += best_f1
        if not overlapping:
            examples["wrong"].append((question.question, short.text, golds[:2]))
    shown = counts["number short answers"] + counts["date short answers"]
    figures = {
        "titles": args.titles,
        "counts": dict(counts),
        "exact match": round(em / shown, 3) if shown else None,
        "f1": round(f1_sum / shown, 3) if shown else None,
        "contains or inside gold": round((counts["number contains or inside gold"] + counts["date contains or inside gold"]) / shown, 3) if shown else None,
        "right when the quote holds a gold answer": round(
            sum(counts[f"{k} quote holds a gold answer, short answer right"] for k in ("number", "date"))
            / max(1, sum(counts[f"{k} quote holds a gold answer"] for k in ("number", "date"))), 3),
        "examples": {k: v[:25] for k, v in examples.items()},
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
