"""The shipped OpenVINO static-int8 model against onnxruntime's dynamic int8 and the float backends.

    python bench/openvino_int8.py [--articles 40] [--rounds 3]

The distinct sentences of the first `--articles` RealTime QA corpus records (never the calibration
records 200-1,999 of train/quantize_openvino_int8.py) are embedded the way a build embeds them
(`OnnxEmbedder.embed_tokens`: word pieces, batches of one exact length, 64 rows and one stream per
core on OpenVINO, 16 rows on onnxruntime), by each backend in turn for `--rounds` rounds; each
keeps its best round. Reported: tokens/s wall and per CPU-second, and the cosine of each vector
with onnx-fp32's (torch's vectors up to rounding). openvino-bf16 runs only where OpenVINO lists
BF16. Writes bench/results/openvino_int8.json (one entry per CPU condition).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "openvino_int8.json"


def sentences_of(records: list[dict]) -> list[str]:
    from assistant.ingest.sentences import split_sentences

    return list(dict.fromkeys(r["text"][s.start : s.end] for r in records for s in split_sentences(r["text"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from assistant.embed.backend_choice import cpu_description, openvino_capabilities
    from assistant.embed.onnx_embedder import OnnxEmbedder
    from bench.common import corpus_records

    records = [r for r in corpus_records(200) if (r.get("text") or "").strip()][: args.articles]
    texts = sentences_of(records)
    backends = ["onnx-int8", "openvino-int8", "openvino-fp32"]
    if "BF16" in openvino_capabilities():
        backends.append("openvino-bf16")
    embedders = {name: OnnxEmbedder(name).warm_up() for name in (*backends, "onnx-fp32")}
    pieces = embedders["onnx-fp32"].token_ids(texts)
    tokens = sum(min(len(p), 254) + 2 for p in pieces)
    reference = embedders["onnx-fp32"].embed_tokens(pieces)
    for name in backends:
        embedders[name].embed_tokens(pieces[:200])  # the runner on all cores, compiled and warm
    best = {name: [float("inf"), float("inf"), None] for name in backends}
    load_before = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name in backends:
            wall, cpu = time.perf_counter(), time.process_time()
            vectors = embedders[name].embed_tokens(pieces)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = [min(best[name][0], wall), min(best[name][1], cpu), vectors]
    result = {"cpu": cpu_description(), "sentences": len(texts), "tokens": tokens, "rounds": args.rounds,
              "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
              "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "backends": {}}
    for name, (wall, cpu, vectors) in best.items():
        cosine = np.sum(vectors * reference, axis=1)
        result["backends"][name] = {
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "tokens_per_s": round(tokens / wall),
            "tokens_per_cpu_s": round(tokens / cpu), "cosine_to_fp32_mean": round(float(cosine.mean()), 4),
            "cosine_to_fp32_p01": round(float(np.percentile(cosine, 1)), 4),
            "cosine_to_fp32_min": round(float(cosine.min()), 4),
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved["native" if "openvino-bf16" in backends else "no-bf16"] = result
    RESULTS.write_text(json.dumps(saved, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
