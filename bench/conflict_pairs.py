"""Precision and recall of the conflict flag on hand-labelled statement pairs.

    .venv/bin/python bench/conflict_pairs.py [--split dev|test|all] [--errors] [--json PATH]

Reads data/conflict_pairs.jsonl (pairs of sentences from two outlets about the
same story, each labelled conflict / no_conflict by reading them; see the
provenance and the labelling rule in data/conflict_pairs.md), embeds every sentence
with the packaged MiniLM model, runs `assistant.outlets.conflicts.detect.detect` on each
pair and reports precision, recall and F1 of the flag, next to trivial
detectors that a useful one must beat (flag everything, flag nothing, flag
any negation mismatch, flag any different number, flag high similarity).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.outlets.conflicts.detect import detect  # noqa: E402
from assistant.outlets.conflicts.statement import Statement  # noqa: E402
from assistant.embed.embedding import default_embedder  # noqa: E402

PAIRS = ROOT / "data" / "conflict_pairs.jsonl"
NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|without|deny|denies|denied)\b|n['’]t\b", re.I)
NUMBER = re.compile(r"\d[\d,.]*|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million)\b", re.I)


def load(split: str) -> list[dict]:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def scores(truth: list[bool], flagged: list[bool]) -> dict:
    tp = sum(t and f for t, f in zip(truth, flagged))
    fp = sum(f and not t for t, f in zip(truth, flagged))
    fn = sum(t and not f for t, f in zip(truth, flagged))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def bootstrap_f1(truth: list[bool], flagged: list[bool], rounds: int = 1000, seed: int = 6) -> list[float]:
    """95% interval of F1 over pairs resampled with replacement."""
    rng = np.random.default_rng(seed)
    t, f = np.array(truth), np.array(flagged)
    values = []
    for _ in range(rounds):
        pick = rng.integers(0, len(t), len(t))
        tp = int((t[pick] & f[pick]).sum())
        fp = int((~t[pick] & f[pick]).sum())
        fn = int((t[pick] & ~f[pick]).sum())
        values.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return [round(float(np.percentile(values, 2.5)), 3), round(float(np.percentile(values, 97.5)), 3)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=["dev", "test", "heldout", "all"])
    parser.add_argument("--errors", action="store_true", help="print the misclassified pairs")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    args = parser.parse_args()

    rows = load(args.split)
    texts = sorted({r[side]["text"] for r in rows for side in ("a", "b")})
    vectors = dict(zip(texts, default_embedder().embed(texts)))
    truth, flagged, findings, cosines = [], [], [], []
    for row in rows:
        a = Statement(row["a"]["text"], vectors[row["a"]["text"]])
        b = Statement(row["b"]["text"], vectors[row["b"]["text"]])
        finding = detect(a, b)
        truth.append(row["label"] == "conflict")
        flagged.append(finding is not None)
        findings.append(finding)
        cosines.append(float(vectors[a.text] @ vectors[b.text]))

    def negation_mismatch(row: dict) -> bool:
        return bool(NEGATION.search(row["a"]["text"])) != bool(NEGATION.search(row["b"]["text"]))

    def number_mismatch(row: dict) -> bool:
        na = {m.lower().replace(",", "") for m in NUMBER.findall(row["a"]["text"])}
        nb = {m.lower().replace(",", "") for m in NUMBER.findall(row["b"]["text"])}
        return bool(na and nb and na != nb)

    report = {
        "pairs": len(rows),
        "conflicts": sum(truth),
        "split": args.split,
        "detector": {**scores(truth, flagged), "f1_95": bootstrap_f1(truth, flagged)},
        "baselines": {
            "flag everything": scores(truth, [True] * len(rows)),
            "flag nothing": scores(truth, [False] * len(rows)),
            "negation mismatch": scores(truth, [negation_mismatch(r) for r in rows]),
            "different numbers": scores(truth, [number_mismatch(r) for r in rows]),
            "negation or numbers, cosine >= 0.5": scores(
                truth, [(negation_mismatch(r) or number_mismatch(r)) and c >= 0.5 for r, c in zip(rows, cosines)]
            ),
        },
        "by_kind": {},
    }
    for split in ("dev", "test", "heldout"):
        picked = [i for i, r in enumerate(rows) if r["split"] == split]
        if picked and args.split == "all":
            report[split] = scores([truth[i] for i in picked], [flagged[i] for i in picked])
    for kind in sorted({r["kind"] for r in rows if r["kind"]}):
        picked = [i for i, r in enumerate(rows) if r["kind"] == kind]
        report["by_kind"][kind] = {"conflicts": len(picked), "found": sum(flagged[i] for i in picked)}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    if args.errors:
        for row, t, f, finding, c in zip(rows, truth, flagged, findings, cosines):
            if t != f:
                what = "MISSED" if t else f"FALSE {finding.kind}:{finding.about} [{finding.claim_a} | {finding.claim_b}]"
                print(f"\n{what} {row['id']} ({row['split']}, cos {c:.2f})\n  A: {row['a']['text'][:200]}\n  B: {row['b']['text'][:200]}")


if __name__ == "__main__":
    main()
