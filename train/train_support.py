"""Train the support head (assistant/answer/support_head.py), choose its threshold, write it with a manifest.

    python train/train_support.py [--out assistant/models/support]     # a few minutes on 2 shared cores

One command, reproducible (fixed seed, fixed epochs, one thread). Data:

- QuoteSum dev (../shared/datasets/quotesum/dev.jsonl), pairs built as
  bench/calibrate_support.py builds them: an answer sentence against the best
  sentence of a passage it cites (supported) and against the best sentence of
  a passage of the same question it does not cite (wrong citation). Records
  are split by md5 of the question: even first byte = training half, odd =
  held out (never trained on, never used to choose anything). In the training
  half, second byte % 4 == 0 = the calibration quarter (not trained on; the
  threshold is chosen there);
- synthetic pairs from News Articles (Dai 2017), `train/support_data.py`
  (article ids in the manifest): the first half of the pairs trains, the
  second half is a synthetic test;
- data/support_paraphrases.jsonl (the development paraphrase set) joins the
  calibration quarter for choosing the threshold; data/support_paraphrases_heldout.jsonl
  is only reported.

The head: `reading.token_features` (claim tokens against the cited sentences'
tokens; projection and token weights learned) + `support_head.EXTRA_FEATURES`
(the old check's score, cosine, overlap, hard checks, ...) -> MLP, trained by
`train_reader.fit` (the reading head's loop), on the pairs that pass the
hard checks only (the others are vetoed anyway); five members with seeds
0-4, probabilities averaged (one member's figures swing by several points
with the seed). The hard checks (numbers, names,
polarity) still veto in the product; the threshold is Youden-optimal on the
calibration pool with that veto. Writes `<out>/support_head.npz` and
`<out>/manifest.json`; prints old vs new figures.
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.reading import MANIFEST_FILE, mlp, token_features  # noqa: E402
from assistant.answer.support import claim_of, hard_checks_pass, support  # noqa: E402
from assistant.answer.support_head import EXTRA_FEATURES, SUPPORT_DIR, WEIGHTS_FILE, extra_features  # noqa: E402
from assistant.embed.token_states import LAYERS  # noqa: E402
from assistant.text import terms  # noqa: E402
from bench.common import HIDDEN, PROJ_DIM, TOKEN_FEATURES, Bank, Row, fit, git_commit, paraphrase_rows, quotesum_rows  # noqa: E402
from train.support_data import make_pairs  # noqa: E402


def synthetic_rows(embedder, count: int, seed: int) -> tuple[list[Row], list[str]]:
    pairs, used = make_pairs(count, seed)
    texts = sorted({t for p in pairs for t in [p.claim, *p.evidence]})
    vectors = dict(zip(texts, embedder.embed(texts)))
    rows = []
    for p in pairs:
        evidence_vectors = np.stack([vectors[e] for e in p.evidence])
        result = support(p.claim, vectors[p.claim], list(p.evidence), evidence_vectors, frozenset(terms(p.outlet)), context=p.context, head=None)
        rows.append(Row("synthetic", p.kind, p.label, claim_of(p.claim), p.evidence, result, p.source))
    return rows, used


def features(rows: list[Row], bank: Bank) -> tuple[list[int], list[int], np.ndarray]:
    claims = [bank(r.claim) for r in rows]
    evidence = [bank.stack(r.evidence) for r in rows]
    extras = np.stack([extra_features(r.claim, r.evidence, r.result) for r in rows])
    return claims, evidence, extras


def score(rows: list[Row], bank: Bank, members: list[dict[str, np.ndarray]]) -> None:
    """The head's probability, computed as SupportHead.probability computes it (numpy, from the bank's states)."""
    claims, evidence, extras = features(rows, bank)
    for r, c, e, x in zip(rows, claims, evidence, extras):
        r.p = float(np.mean([mlp(w, np.concatenate([token_features(w, *bank.items[c], *bank.items[e]), x])) for w in members]))


def choose_threshold(rows: list[Row]) -> float:
    """Youden-optimal (kept + rejected - 1) with the hard-check veto, on the calibration rows."""
    pos = [r for r in rows if r.label]
    neg = [r for r in rows if not r.label]
    best, best_j = 0.5, -1.0
    for cut in np.unique(np.round([r.p for r in rows], 4)):
        j = np.mean([r.new(cut) for r in pos]) + np.mean([not r.new(cut) for r in neg]) - 1
        if j > best_j + 1e-12:
            best, best_j = float(cut), float(j)
    return best


def figures(rows: list[Row], threshold: float) -> dict:
    """kept (supported) or rejected (unsupported) per label and kind, old check vs head."""
    out: dict = {}
    for key in sorted({(r.label, r.kind) for r in rows}, key=lambda k: (-k[0], k[1])):
        part = [r for r in rows if (r.label, r.kind) == key]
        right_old = int(sum(r.old() == bool(r.label) for r in part))
        right_new = int(sum(r.new(threshold) == bool(r.label) for r in part))
        out[f"{'kept' if key[0] else 'rejected'}: {key[1]}"] = {"pairs": len(part), "old": right_old, "new": right_new}
    for label, word in ((1, "kept"), (0, "rejected")):
        part = [r for r in rows if r.label == label]
        if part:
            out[f"{word}: all"] = {"pairs": len(part), "old": round(sum(r.old() == bool(label) for r in part) / len(part), 4),
                                   "new": round(sum(r.new(threshold) == bool(label) for r in part) / len(part), 4)}
    return out


def prepared(news_articles: int, seed: int, cache: Path | None = None):
    """All pairs with the old check's results, and the token-state bank (from `cache` when it is there: developing only)."""
    import pickle

    if cache and cache.is_file():
        rows, synthetic, used_articles, items, index = pickle.loads(cache.read_bytes())
        bank = Bank()
        bank.items, bank.index = items, index
        return rows, synthetic, used_articles, bank
    from assistant.embed.embedding import default_embedder

    embedder = default_embedder()
    rows = quotesum_rows(embedder)
    synthetic, used_articles = synthetic_rows(embedder, news_articles, seed)
    rows += synthetic + paraphrase_rows()
    print(f"{len(rows)} pairs: {collections.Counter((r.group, r.label) for r in rows)}", file=sys.stderr)
    bank = Bank()
    features(rows, bank)
    if cache:
        cache.write_bytes(pickle.dumps((rows, synthetic, used_articles, bank.items, bank.index)))
    return rows, synthetic, used_articles, bank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=SUPPORT_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--weight-decay", type=float, default=1e-2)
    parser.add_argument("--members", type=int, default=5, help="heads trained with seeds seed..seed+members-1, probabilities averaged")
    parser.add_argument("--news-articles", type=int, default=1200, help="synthetic pairs: this many articles of News Articles (Dai 2017)")
    parser.add_argument("--quotesum-copies", type=int, default=8, help="each QuoteSum training pair counts this many times")
    parser.add_argument("--hide-heldout", action="store_true", help="print no held-out figures (while developing; the manifest has them)")
    parser.add_argument("--cache", type=Path, help="keep the pairs and token states here between runs (developing only)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "newscite-support", help="per-pair scores (scores.json)")
    args = parser.parse_args()
    started, cpu = time.time(), time.process_time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    rows, synthetic, used_articles, bank = prepared(args.news_articles, args.seed, args.cache)
    half = len(synthetic) // 2  # the first half trains, the second is a synthetic test
    for r in synthetic[half:]:
        r.group = "synthetic_test"
    training = synthetic[:half] + [r for r in rows if r.group == "quotesum_training"] * args.quotesum_copies
    training = [r for r in training if hard_checks_pass(r.result)]  # the hard checks veto the rest anyway
    claims, evidence, extras = features(training, bank)
    members = []
    for member in range(args.members):
        head = fit(bank, claims, evidence, extras, [r.label for r in training], args.seed + member, args.epochs, args.batch,
                   args.lr, args.weight_decay, threads=1)
        members.append(head.numpy_weights())
    weights = {f"m{k}_{name}": value for k, member in enumerate(members) for name, value in member.items()}
    score(rows, bank, members)
    calibration = [r for r in rows if r.group in ("quotesum_calibration", "paraphrases_dev")]
    threshold = choose_threshold(calibration)
    groups = ["quotesum_training", "quotesum_calibration", "quotesum_heldout", "paraphrases_dev", "paraphrases_heldout", "synthetic", "synthetic_test"]
    report = {g: figures([r for r in rows if r.group == g], threshold) for g in groups}
    args.out.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / WEIGHTS_FILE, **weights)
    (args.work / "scores.json").write_text(json.dumps([
        {"group": r.group, "kind": r.kind, "label": r.label, "claim": r.claim, "evidence": r.evidence, "p": r.p,
         "similarity": r.result.similarity, "hard": hard_checks_pass(r.result), "source": r.source} for r in rows], indent=0))
    manifest = {
        "what": "support head: does the cited evidence support a sentence an LLM wrote (assistant/answer/support_head.py)",
        "made_by": "python train/train_support.py",
        "threshold": threshold,
        "decision": "numbers, names and polarity checks pass (a veto, as before) and probability >= threshold",
        "parameters": int(sum(v.size for v in weights.values())),
        "token_states": f"all-MiniLM-L6-v2 layer {LAYERS} of 6, onnxruntime int8 (assistant/embed/token_states.py)",
        "features": {"token": ["weighted max-sim", "mean max-sim", "min max-sim", "weighted exact match", "mean exact match",
                               "weighted max-sim of tokens not matched exactly"], "extra": list(EXTRA_FEATURES)},
        "data": {
            "quotesum": "../shared/datasets/quotesum/dev.jsonl; records split by md5(question): byte 0 odd = held out; "
                        "even: byte 1 % 4 == 0 = calibration quarter, else training",
            "pairs": {g: dict(collections.Counter(str(r.label) for r in rows if r.group == g)) for g in groups},
            "news_dai2017_article_ids": used_articles,
            "news_dai2017_training_articles": sorted({r.source for r in synthetic[:half]}),
            "synthetic_kinds": dict(collections.Counter(f"{r.label}:{r.kind}" for r in synthetic)),
            "threshold_chosen_on": ["quotesum_calibration", "paraphrases_dev"],
        },
        "training": {"members": args.members, "only_pairs_passing_the_hard_checks": True, "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "weight_decay": args.weight_decay,
                     "quotesum_copies": args.quotesum_copies, "projection": PROJ_DIM, "hidden": HIDDEN, "token_features": TOKEN_FEATURES},
        "figures": report,
        "trained_with": {"commit": git_commit(), "python": platform.python_version(), "machine": platform.machine(),
                         "seconds": round(time.time() - started, 1), "cpu_seconds": round(time.process_time() - cpu, 1)},
    }
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    shown = {g: f for g, f in report.items() if not (args.hide_heldout and g.endswith("heldout"))}
    print(json.dumps({"threshold": threshold, "figures": shown}, indent=1))


if __name__ == "__main__":
    main()
