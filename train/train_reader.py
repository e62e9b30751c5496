"""Train the reading head (assistant/answer/reading.py), calibrate its veto threshold, write it with a manifest.

    python train/train_reader.py [--out assistant/models/reader]      # ~2 min (138 CPU-s) on 2 quiet cores

One command, reproducible (fixed seed, fixed epochs). Uses the cached SQuAD
evaluation indexes (~/.cache/newscite/eval-index/bench-squad-*; built on
first use like `bench/eval_datasets.py` does):

- training: the composer's top-8 candidate sentences for every question of
  SQuAD 2.0 dev-half titles 10-15 (label: the sentence holds a gold answer;
  `is_impossible` questions: all negative) and for ~500 synthetic look-alike
  questions (an answerable question with a name, number or year swapped for
  one its paragraph lacks, `train/reader_data.swap`; all negative);
- calibration: titles 0-5. The composer's picked sentence for every
  question; the threshold is the highest that vetoes at most `--budget`
  (0.25 points) of the answerable questions the composer answered;
- evaluation: titles 6-9, the same simulation; figures go to the manifest.

The features are the head's (see `build_head` in bench/common.py and
`assistant.answer.reading.token_features`): the question's token states
(MiniLM layer 3, onnxruntime int8, assistant.embed.token_states) projected
to 64 dimensions, each token's best cosine in the sentence, exact token
matches, pooled by learned per-token weights, plus the composer's score,
cosine, keyword overlap, rank and gap to the best. Writes
`<out>/reading_head.npz` and `<out>/manifest.json`.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.reading import COMPOSER_FEATURES, MANIFEST_FILE, MAX_RANK, READER_DIR, TEXT_FEATURES, WEIGHTS_FILE, CandidateScores, mlp, text_features, token_features  # noqa: E402
from assistant.embed.token_states import LAYERS  # noqa: E402
from bench.common import HIDDEN, PROJ_DIM, SPLITS, TOKEN_FEATURES, Bank, Split, fit, git_commit, holds_answer  # noqa: E402

TOP = MAX_RANK
NAME = re.compile(r"(?<![\w.])(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,}))*")


def look_alikes(split: Split, rng: random.Random, wanted: int) -> list[str]:
    """Answerable questions with one name, number or year swapped for one their paragraph lacks."""
    from train.reader_data import swap

    articles = {a.doc_id: a for a in split.questions.articles}
    names_by_title: dict[str, list[str]] = {}
    for a in articles.values():
        names_by_title.setdefault(a.title, []).extend(m.group(0) for m in NAME.finditer(a.text) if m.start() > 0)
    answerable = [q for q in split.questions.questions if q.answerable and q.doc_ids]
    rng.shuffle(answerable)
    out = []
    for q in answerable:
        paragraph = articles[q.doc_ids[0]]
        made = swap(q.question, rng, names_by_title[paragraph.title], avoid=paragraph.text)
        if made and made[1] != "polarity":
            out.append(made[0])
        if len(out) == wanted:
            break
    return out


def training_rows(split: Split, extra: list[str]):
    """(query, sentence, CandidateScores, label) for the top candidates of every question and look-alike."""
    rows = []
    items = [(q.question, q.answers) for q in split.questions.questions] + [(q, []) for q in extra]
    for question, answers in items:
        found, scored = split.scored(question)
        top = scored[:TOP]
        for rank, s in enumerate(top):
            text = split.text(s.row)
            scores = CandidateScores(s.score, s.cosine, s.overlap, rank, scored[0].score - s.score)
            rows.append((found.query, text, scores, int(bool(answers) and holds_answer(text, answers))))
    return rows


def train(rows, bank: Bank, seed: int, epochs: int, batch: int, lr: float, weight_decay: float, text: bool):
    q_index = [bank(q) for q, _, _, _ in rows]
    s_index = [bank(s) for _, s, _, _ in rows]
    composer = np.stack([np.concatenate([c.vector(), text_features(q, s)] if text else [c.vector()]) for q, s, c, _ in rows])
    return fit(bank, q_index, s_index, composer, [y for *_, y in rows], seed, epochs, batch, lr, weight_decay)


def answerability(weights, bank: Bank, query: str, sentence: str, scores: CandidateScores) -> float:
    """As ReadingHead.answerability, from the bank's states (the text cues when the weights were trained with them)."""
    qs, qids = bank.items[bank(query)]
    ss, sids = bank.items[bank(sentence)]
    parts = [token_features(weights, qs, qids, ss, sids), scores.vector()]
    if weights["w1"].shape[0] > TOKEN_FEATURES + len(COMPOSER_FEATURES):
        parts.append(text_features(query, sentence))
    return mlp(weights, np.concatenate(parts))


def simulate(split: Split, weights, bank: Bank) -> list[dict]:
    """Per question: answerable?, did the composer answer, does its quote hold an answer, the head's answerability."""
    out = []
    for q in split.questions.questions:
        picked = split.picked(q.question)
        if picked is None:
            out.append({"answerable": q.answerable, "answered": False, "right": False, "p": None})
            continue
        query, text, scores = picked
        out.append({"answerable": q.answerable, "answered": True, "right": q.answerable and holds_answer(text, q.answers),
                    "p": float(answerability(weights, bank, query, text, scores))})
    return out


def figures(sim: list[dict], threshold: float | None) -> dict:
    vetoed = lambda r: r["answered"] and threshold is not None and r["p"] < threshold  # noqa: E731
    ans = [r for r in sim if r["answerable"]]
    imp = [r for r in sim if not r["answerable"]]
    declined = lambda rs: sum((not r["answered"]) or vetoed(r) for r in rs) / max(1, len(rs))  # noqa: E731
    return {
        "questions": len(sim),
        "answerable_declined": round(declined(ans), 4),
        "impossible_declined": round(declined(imp), 4),
        "picked_sentence_right": round(sum(r["right"] and not vetoed(r) for r in ans) / max(1, len(ans)), 4),
        "right_answers_vetoed": int(sum(bool(r["right"] and vetoed(r)) for r in ans)),
    }


def calibrate(sim: list[dict], budget: float) -> float:
    """The highest threshold whose vetoes decline at most `budget` of the answerable questions."""
    ans = [r for r in sim if r["answerable"]]
    allowed = int(np.floor(budget * len(ans) + 1e-9))
    scores = sorted(r["p"] for r in ans if r["answered"])
    if allowed >= len(scores):
        return 1.0
    return float(scores[allowed])  # vetoing strictly below it declines exactly `allowed` (ties aside)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=READER_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--weight-decay", type=float, default=1e-3)
    parser.add_argument("--text", action="store_true", help="add the answer-type and surface cues (TEXT_FEATURES; tried, worse: docs/reader.md)")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--look-alikes", type=int, default=500)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "newscite-reading", help="per-question figures (simulation.json)")
    parser.add_argument("--weights", type=Path, help="calibrate and evaluate these trained weights (.npz) instead of training")
    parser.add_argument("--budget", type=float, default=0.0025, help="answerable questions the veto may decline (share)")
    args = parser.parse_args()
    started, cpu = time.time(), time.process_time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    bank = Bank()
    training = Split(*SPLITS["training"])
    extra = look_alikes(training, random.Random(args.seed), args.look_alikes)
    rows = training_rows(training, extra)
    print(f"{len(rows)} training pairs ({sum(r[3] for r in rows)} positive), {len(extra)} look-alikes", file=sys.stderr)
    if args.weights:
        with np.load(args.weights) as stored:
            weights = {name: stored[name] for name in stored.files}
    else:
        weights = train(rows, bank, args.seed, args.epochs, args.batch, args.lr, args.weight_decay, args.text).numpy_weights()
    args.out.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / WEIGHTS_FILE, **weights)
    calibration = simulate(Split(*SPLITS["calibration"]), weights, bank)
    threshold = calibrate(calibration, args.budget)
    evaluation = simulate(Split(*SPLITS["evaluation"]), weights, bank)
    (args.work / "simulation.json").write_text(json.dumps({"calibration": calibration, "evaluation": evaluation}))
    manifest = {
        "what": "reading head: answerability of the composer's picked sentence, used as a veto (assistant/answer/reading.py)",
        "made_by": "python train/train_reader.py",
        "threshold": threshold,  # unrounded: a longer-trained head put it at 4e-7
        "parameters": int(sum(v.size for v in weights.values())),
        "token_states": f"all-MiniLM-L6-v2 layer {LAYERS} of 6, onnxruntime int8 (assistant/embed/token_states.py)",
        "features": {**({} if weights["w1"].shape[0] == TOKEN_FEATURES + len(COMPOSER_FEATURES) else {"text": list(TEXT_FEATURES)}), "token": ["weighted max-sim", "mean max-sim", "min max-sim", "weighted exact match", "mean exact match",
                               "weighted max-sim of tokens not matched exactly"], "composer": list(COMPOSER_FEATURES)},
        "training": {"squad_titles": list(SPLITS["training"]), "candidates_per_question": TOP, "look_alikes": len(extra),
                     "pairs": len(rows), "positives": int(sum(r[3] for r in rows)), "seed": args.seed, "epochs": args.epochs,
                     "batch": args.batch, "lr": args.lr, "weight_decay": args.weight_decay, "projection": PROJ_DIM, "hidden": HIDDEN},
        "calibration": {"squad_titles": list(SPLITS["calibration"]), "budget_answerable_declined": args.budget,
                        "without_veto": figures(calibration, None), "with_veto": figures(calibration, threshold)},
        "evaluation": {"squad_titles": list(SPLITS["evaluation"]), "without_veto": figures(evaluation, None),
                       "with_veto": figures(evaluation, threshold)},
        "trained_with": {"commit": git_commit(), "python": platform.python_version(), "machine": f"{platform.machine()}",
                         "seconds": round(time.time() - started, 1), "cpu_seconds": round(time.process_time() - cpu, 1)},
    }
    if args.weights:  # calibrated only: say so, and keep how the weights were trained when the manifest beside them says
        previous = args.weights.with_name(MANIFEST_FILE)
        trained = json.loads(previous.read_text(encoding="utf-8")).get("trained_with") if previous.is_file() else None
        manifest["calibrated_with"] = {**manifest["trained_with"], "weights": str(args.weights)}
        manifest["trained_with"] = trained or {"weights": str(args.weights), "note": "trained elsewhere"}
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: manifest[k] for k in ("threshold", "parameters", "calibration", "evaluation")}, indent=1))


if __name__ == "__main__":
    main()
