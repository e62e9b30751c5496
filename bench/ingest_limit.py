"""How far ingest is from what two cores can do in int8: model tokens per second against the VNNI peak.

    python bench/ingest_limit.py [--articles 40] [--backend openvino-int8]

1. The work: all-MiniLM-L6-v2's multiply-adds per token, from its config (per layer: Q, K, V and
   output projections 4*h*h, feed-forward 2*h*f; attention scores and weighted sum 2*L*h for a
   sequence of L tokens), at the mean length of the sentences embedded.
2. The model alone: the distinct sentences of the first `--articles` corpus articles embedded the
   way a build does (word pieces, batches of one exact length, `--backend`, both cores), best of
   3, in tokens per second (wall and per CPU-second).
3. The build: `update_index` on the same articles (files to a saved index), best of 3, tokens per second.
4. The limit: the cores' theoretical int8 peak (cores x int8 multiply-adds per cycle with
   AVX512-VNNI x clock) and a measured one: onnxruntime's int8 GEMM (`MatMulInteger`,
   1024 x 1024 x 1024, both threads), best of 5.

The clock is read from /proc/cpuinfo (under KVM, the TSC rate, not the boost clock). int8
multiply-adds per cycle per core: one 512-bit VPDPBUSD (64 multiply-adds) per cycle on AMD Zen 4,
which runs AVX-512 on two 256-bit halves; two per cycle on Intel server cores with two FMA
units (128). Writes bench/results/ingest_limit.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "ingest_limit.json"


def macs_per_token(mean_length: float) -> dict:
    from assistant.embed.minilm import model_path

    config = json.loads((Path(model_path()) / "config.json").read_text())
    h, f, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    dense = layers * (4 * h * h + 2 * h * f)
    attention = layers * 2 * mean_length * h
    return {"hidden": h, "intermediate": f, "layers": layers, "dense_macs": dense,
            "attention_macs_at_mean_length": round(attention), "macs_per_token": round(dense + attention)}


def clock_ghz() -> float:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("cpu MHz"):
            return float(line.split(":")[1]) / 1000
    return float("nan")


def vnni_macs_per_cycle() -> int:
    text = Path("/proc/cpuinfo").read_text()
    if "avx512_vnni" not in text:
        return 32 if "avx_vnni" in text else 0  # 256-bit VNNI: one per cycle
    return 64 if "AuthenticAMD" in text else 128


def gemm_peak(size: int = 1024, rounds: int = 5) -> float:
    """Measured int8 multiply-adds per second of onnxruntime's MatMulInteger on every core."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    node = helper.make_node("MatMulInteger", ["a", "b"], ["c"])
    graph = helper.make_graph([node], "gemm", [helper.make_tensor_value_info("a", TensorProto.UINT8, [size, size]),
                                                helper.make_tensor_value_info("b", TensorProto.INT8, [size, size])],
                              [helper.make_tensor_value_info("c", TensorProto.INT32, [size, size])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feed = {"a": rng.integers(0, 255, (size, size), dtype=np.uint8), "b": rng.integers(-127, 127, (size, size), dtype=np.int8)}
    session.run(None, feed)
    best = min(_seconds(lambda: session.run(None, feed)) for _ in range(rounds))
    return size**3 / best


def _seconds(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def model_alone(texts: list[str], backend: str) -> dict:
    from assistant.embed.embedding import make_embedder

    embedder = make_embedder(backend)
    pieces = embedder.token_ids(texts)
    tokens = sum(min(len(p), 254) + 2 for p in pieces)
    embedder.embed_tokens(pieces[:64])
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        embedder.embed_tokens(pieces)
        best_wall, best_cpu = min(best_wall, time.perf_counter() - wall), min(best_cpu, time.process_time() - cpu)
    return {"sentences": len(texts), "tokens": tokens, "mean_tokens": round(tokens / len(texts), 1),
            "wall_s": round(best_wall, 2), "cpu_s": round(best_cpu, 2),
            "tokens_per_s": round(tokens / best_wall), "tokens_per_cpu_s": round(tokens / best_cpu)}


def build(path: Path, backend: str, tokens: int) -> dict:
    from assistant.embed.embedding import make_embedder
    from assistant.index.build import update_index

    embedder = make_embedder(backend)
    embedder.embed(["warm up"] * 32)
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(3):
        folder = Path(tempfile.mkdtemp(prefix="newscite-limit-"))
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            update_index(folder / "index", [path], embedder, rebuild=True)
            best_wall, best_cpu = min(best_wall, time.perf_counter() - wall), min(best_cpu, time.process_time() - cpu)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return {"wall_s": round(best_wall, 2), "cpu_s": round(best_cpu, 2), "tokens_per_s": round(tokens / best_wall)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--backend", default="openvino-int8")
    args = parser.parse_args()
    from assistant.index.sentence_rows import split_articles
    from assistant.index.store import IndexSettings
    from bench.ingest_quick import write_articles
    from bench.common import corpus_sample

    load_before = os.getloadavg()[0]
    articles, _ = corpus_sample(args.articles)
    segmented, _ = split_articles(articles, IndexSettings())
    texts = list(dict.fromkeys(a.text[s:e] for a, spans, *_ in segmented for s, e in spans))
    alone = model_alone(texts, args.backend)
    scratch = Path(tempfile.mkdtemp(prefix="newscite-limit-files-"))
    try:
        built = build(write_articles(args.articles, scratch), args.backend, alone["tokens"])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    work = macs_per_token(alone["mean_tokens"])
    cores, ghz, per_cycle = os.cpu_count() or 1, clock_ghz(), vnni_macs_per_cycle()
    peak = cores * per_cycle * ghz * 1e9
    measured_peak = gemm_peak()
    macs = work["macs_per_token"]
    result = {
        "backend": args.backend, "articles": len(articles), "work": work, "model_alone": alone, "build": built,
        "limit": {"cores": cores, "clock_ghz": round(ghz, 3), "int8_macs_per_cycle_per_core": per_cycle,
                  "theoretical_gmacs": round(peak / 1e9, 1), "measured_gemm_gmacs": round(measured_peak / 1e9, 1),
                  "tokens_per_s_at_theoretical_peak": round(peak / macs),
                  "tokens_per_s_at_measured_gemm_peak": round(measured_peak / macs)},
        "model_gmacs": round(alone["tokens_per_s"] * macs / 1e9, 1),
        "model_share_of_theoretical_peak": round(alone["tokens_per_s"] * macs / peak, 3),
        "model_share_of_measured_gemm_peak": round(alone["tokens_per_s"] * macs / measured_peak, 3),
        "build_share_of_theoretical_peak": round(built["tokens_per_s"] * macs / peak, 3),
        "model_share_of_build_time": round(alone["wall_s"] / built["wall_s"], 3),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[args.backend] = result
    RESULTS.write_text(json.dumps(saved, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
