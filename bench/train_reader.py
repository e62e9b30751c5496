"""Train the reading head (assistant/answer/reading.py), calibrate its veto threshold, write it with a manifest.

    python bench/train_reader.py [--out assistant/models/reader]      # ~2 min (138 CPU-s) on 2 quiet cores

One command, reproducible (fixed seed, fixed epochs). Uses the cached SQuAD
evaluation indexes (~/.cache/newscite/eval-index/bench-squad-*; built on
first use like `bench/eval_datasets.py` does):

- training: the composer's top-8 candidate sentences for every question of
  SQuAD 2.0 dev-half titles 10-15 (label: the sentence holds a gold answer;
  `is_impossible` questions: all negative) and for ~500 synthetic look-alike
  questions (an answerable question with a name, number or year swapped for
  one its paragraph lacks, `bench/reader_data.swap`; all negative);
- calibration: titles 0-5. The composer's picked sentence for every
  question; the threshold is the highest that vetoes at most `--budget`
  (0.25 points) of the answerable questions the composer answered;
- evaluation: titles 6-9, the same simulation; figures go to the manifest.

The features are the head's (see `Head` below and
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from assistant.answer.reading import COMPOSER_FEATURES, MANIFEST_FILE, MAX_RANK, READER_DIR, TEXT_FEATURES, WEIGHTS_FILE, CandidateScores, mlp, text_features, token_features  # noqa: E402
from assistant.embed.token_states import LAYERS, TokenStates  # noqa: E402
from assistant.eval.datasets import load_squad  # noqa: E402
from assistant.eval.runner import default_index_dir  # noqa: E402
from assistant.model import Answer  # noqa: E402
from assistant.options import assistant_for  # noqa: E402

SQUAD_DIR = ROOT.parent / "shared" / "datasets" / "squad2_dev_half"
SPLITS = {"training": (10, 15), "calibration": (0, 5), "evaluation": (6, 9)}
TOP = MAX_RANK
PROJ_DIM = 64
HIDDEN = 16
TOKEN_FEATURES = 6
NAME = re.compile(r"(?<![\w.])(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,}))*")


def git_commit() -> str:
    run = lambda *cmd: subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    head = run("git", "rev-parse", "HEAD") or "unknown"
    return head + ("+changes" if run("git", "status", "--porcelain", "--", "bench", "assistant") else "")


def holds_answer(sentence: str, answers: list[str]) -> bool:
    low = sentence.lower()
    return any(a.lower() in low for a in answers)


class Split:
    """The composer over one split's cached index, with its candidates per question (the veto off)."""

    def __init__(self, first: int, last: int) -> None:
        self.questions = load_squad(SQUAD_DIR, first_title=first, titles=last - first + 1)
        self.bot = assistant_for(self.questions, default_index_dir(f"bench-squad-{first}-{last}"))
        self.snapshot = self.bot._snapshot  # the composer's candidates are not public: read them the way ask() does
        self.composer = self.bot.composer
        self.composer.reading = None

    def scored(self, question: str):
        found = self.bot._retrieve(self.snapshot, question, None, None)
        return found, self.composer.score(found.query, found.query_vector, self.composer.candidates(found.hits), question)

    def text(self, row: int) -> str:
        return self.snapshot.data.sentence_text(row)

    def picked(self, question: str):
        """(query, sentence text, CandidateScores) of the sentence the composer would quote, or None when it abstains."""
        found, scored = self.scored(question)
        choice = self.composer.choose(found, scored)
        if isinstance(choice, Answer):
            return None
        first, _ = choice
        return found.query, self.text(first.row), self.composer.candidate_scores(scored, first)


def look_alikes(split: Split, rng: random.Random, wanted: int) -> list[str]:
    """Answerable questions with one name, number or year swapped for one their paragraph lacks."""
    from reader_data import swap

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


class Bank:
    """Token states of every distinct text, computed once (int8, one text per run, as at query time)."""

    def __init__(self) -> None:
        self.states = TokenStates()
        self.index: dict[str, int] = {}
        self.items: list[tuple[np.ndarray, list[int]]] = []

    def __call__(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append(self.states.states(text))
        return self.index[text]

    def stack(self, texts: tuple[str, ...]) -> int:
        """Several texts' states stacked as one item (the support head's several cited sentences)."""
        if len(texts) == 1:
            return self(texts[0])
        key = "\x00".join(texts)
        if key not in self.index:
            parts = [self.items[self(t)] for t in texts]
            self.index[key] = len(self.items)
            self.items.append((np.concatenate([p[0] for p in parts]), [i for p in parts for i in p[1]]))
        return self.index[key]

    def padded(self, which: list[int]):
        """(states, mask) tensors of the chosen texts, padded to the longest."""
        import torch

        width = max(1, max(len(self.items[i][1]) for i in which))
        states = torch.zeros(len(which), width, 384)
        mask = torch.zeros(len(which), width, dtype=torch.bool)
        for row, i in enumerate(which):
            s, ids = self.items[i]
            states[row, : len(ids)] = torch.from_numpy(s)
            mask[row, : len(ids)] = True
        return states, mask


def build_head():
    import torch

    class Head(torch.nn.Module):
        """The same computation as assistant.answer.reading (token_features + mlp), batched and differentiable."""

        def __init__(self, mean: np.ndarray, std: np.ndarray) -> None:
            super().__init__()
            self.proj = torch.nn.Linear(384, PROJ_DIM)
            self.tok = torch.nn.Linear(384, 1)
            self.w1 = torch.nn.Linear(len(mean), HIDDEN)
            self.w2 = torch.nn.Linear(HIDDEN, 1)
            self.register_buffer("mean", torch.from_numpy(mean))
            self.register_buffer("std", torch.from_numpy(std))

        def forward(self, qs, qmask, exact, ss, smask, composer):
            q = torch.nn.functional.normalize(self.proj(qs), dim=-1, eps=1e-6)
            s = torch.nn.functional.normalize(self.proj(ss), dim=-1, eps=1e-6)
            sim = q @ s.transpose(1, 2)
            sim = sim.masked_fill(~smask[:, None, :], -4.0)
            best = sim.max(-1).values
            logits = self.tok(qs).squeeze(-1).masked_fill(~qmask, -1e9)
            a = torch.softmax(logits, -1)
            m = qmask.float()
            n = m.sum(-1).clamp(min=1)
            features = torch.stack(
                [
                    (a * best).sum(-1),
                    (best * m).sum(-1) / n,
                    best.masked_fill(~qmask, 4.0).min(-1).values,
                    (a * exact).sum(-1),
                    (exact * m).sum(-1) / n,
                    (a * best * (1 - exact)).sum(-1),
                ],
                -1,
            )
            x = (torch.cat([features, composer], -1) - self.mean) / self.std
            return self.w2(torch.relu(self.w1(x))).squeeze(-1)

        def numpy_weights(self) -> dict[str, np.ndarray]:
            d = lambda t: t.detach().cpu().numpy().astype(np.float32)  # noqa: E731
            return {
                "proj_w": d(self.proj.weight.T), "proj_b": d(self.proj.bias),
                "tok_w": d(self.tok.weight[0]), "tok_b": d(self.tok.bias[0]),
                "w1": d(self.w1.weight.T), "b1": d(self.w1.bias),
                "w2": d(self.w2.weight[0]), "b2": d(self.w2.bias[0]),
                "mean": d(self.mean), "std": d(self.std),
            }

    return Head


def train(rows, bank: Bank, seed: int, epochs: int, batch: int, lr: float, weight_decay: float, text: bool):
    q_index = [bank(q) for q, _, _, _ in rows]
    s_index = [bank(s) for _, s, _, _ in rows]
    composer = np.stack([np.concatenate([c.vector(), text_features(q, s)] if text else [c.vector()]) for q, s, c, _ in rows])
    return fit(bank, q_index, s_index, composer, [y for *_, y in rows], seed, epochs, batch, lr, weight_decay)


def fit(bank: Bank, q_index: list[int], s_index: list[int], composer: np.ndarray, labels_list: list[int], seed: int,
        epochs: int, batch: int, lr: float, weight_decay: float, threads: int = 2):
    """Train `Head` on (question or claim, sentence or evidence) pairs of the bank, with `composer` as extra features.

    Shared with bench/train_support.py (the support head: claim against cited evidence)."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    labels = torch.tensor(labels_list, dtype=torch.float32)
    mean = np.concatenate([np.zeros(TOKEN_FEATURES), composer.mean(0)]).astype(np.float32)
    std = np.concatenate([np.full(TOKEN_FEATURES, 0.3), composer.std(0) + 1e-3]).astype(np.float32)
    head = build_head()(mean, std)
    optimiser = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=weight_decay)
    generator = np.random.default_rng(seed)
    positives = float(labels.mean())
    pos_weight = torch.tensor((1 - positives) / max(positives, 1e-3))
    composer_t = torch.from_numpy(composer)
    # every text padded once; a batch is then an index (questions and sentences apart: their lengths differ)
    questions, sentences = sorted(set(q_index)), sorted(set(s_index))
    q_states, q_mask = bank.padded(questions)
    s_states, s_mask = bank.padded(sentences)
    q_where = {v: k for k, v in enumerate(questions)}
    q_row = torch.tensor([q_where[i] for i in q_index])
    where = {v: k for k, v in enumerate(sentences)}
    s_row = torch.tensor([where[i] for i in s_index])
    exact = torch.zeros(len(labels_list), q_states.shape[1])
    for n, (qi, si) in enumerate(zip(q_index, s_index)):
        present = set(bank.items[si][1])
        ids = bank.items[qi][1]
        exact[n, : len(ids)] = torch.tensor([t in present for t in ids], dtype=torch.float32)
    lengths = np.array([len(bank.items[i][1]) for i in s_index], dtype=np.float64)
    for epoch in range(epochs):
        # batches of alike sentence lengths (little padding), in random order
        order = np.argsort(lengths + generator.random(len(labels_list)) * 6, kind="stable")
        batches = [order[first : first + batch] for first in range(0, len(order), batch)]
        total = 0.0
        for b in generator.permutation(len(batches)):
            idx = torch.from_numpy(batches[b])
            qr, sr = q_row[idx], s_row[idx]
            qm, sm = q_mask[qr], s_mask[sr]
            lq, ls = int(qm.sum(-1).max()), int(sm.sum(-1).max())
            logit = head(q_states[qr, :lq], qm[:, :lq], exact[idx, :lq], s_states[sr, :ls], sm[:, :ls], composer_t[idx])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, labels[idx], pos_weight=pos_weight)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(idx)
        print(f"epoch {epoch + 1}: loss {total / len(labels_list):.4f}", file=sys.stderr)
    return head


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
