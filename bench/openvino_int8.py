"""OpenVINO static int8 (NNCF post-training quantisation, calibrated on news sentences) against onnxruntime int8.

    pip install --target out/nncf-pkgs --no-deps nncf==3.4.0 pydot==4.0.1 tabulate==0.10.0 ninja==1.13.2 psutil==7.2.2
    PYTHONPATH=out/nncf-pkgs python bench/openvino_int8.py [--articles 40] [--calibration 40]

nncf 3.4.0 installs from PyPI without touching torch or transformers (`pip install --dry-run nncf`
adds only nncf, ninja, pydot, tabulate and psutil); it is kept out of the project's environment
(a --target folder) because only this measurement needs it.

1. Quantise: the exported fp32 model (assistant/embed/onnx_embedder.py) read by OpenVINO,
   `nncf.quantize(model_type=TRANSFORMER, preset=MIXED)` on `--calibration` batches of 16
   sentences taken from corpus articles 200-1,999 (never the measured ones), sorted by length.
   The IR is written to out/openvino-int8/ (gitignored); nothing ships.
2. Measure, taking turns for 3 rounds (best round each): the distinct sentences of the first
   `--articles` corpus articles, as a build embeds them (word pieces, batches of 16 of one exact
   length, both cores): onnxruntime int8 (dynamic, the canonical backend), OpenVINO static int8
   (f32 and bf16 precision hints for what stays in floating point), and OpenVINO fp32 / bf16;
   sentences/s and tokens/s wall and per CPU-second; cosine of each vector with fp32's.
Writes bench/results/openvino_int8.json.
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
OUT = ROOT / "out" / "openvino-int8"


def sentences_of(records: list[dict]) -> list[str]:
    from assistant.ingest.sentences import split_sentences

    return list(dict.fromkeys(r["text"][s.start : s.end] for r in records for s in split_sentences(r["text"])))


def feeds(pieces: list[list[int]], batch: int = 16):
    from assistant.embed.onnx_embedder import CLS_ID, SEP_ID, length_batches

    lengths = np.array([min(len(p), 254) for p in pieces])
    out = []
    for rows in length_batches(lengths, batch):
        ids = np.empty((len(rows), int(lengths[rows[0]]) + 2), dtype=np.int64)
        ids[:, 0], ids[:, -1] = CLS_ID, SEP_ID
        for row, index in enumerate(rows):
            ids[row, 1:-1] = pieces[index][:254]
        out.append((rows, {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}))
    return out


def quantize(calibration_texts: list[str], batches: int) -> Path:
    import nncf
    import openvino as ov

    from assistant.embed.minilm import packaged_tokenizer
    from assistant.embed.onnx_embedder import exported_model

    tokenizer = packaged_tokenizer()
    tokenizer.enable_truncation(256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    texts = sorted(calibration_texts[: 16 * batches], key=len)
    items = []
    for start in range(0, len(texts), 16):
        encodings = tokenizer.encode_batch(texts[start : start + 16])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        items.append({"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                      "token_type_ids": np.zeros_like(ids)})
    model = ov.Core().read_model(str(exported_model("fp32")))
    quantized = nncf.quantize(model, nncf.Dataset(items), model_type=nncf.ModelType.TRANSFORMER,
                              preset=nncf.QuantizationPreset.MIXED, subset_size=len(items))
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "model_int8.xml"
    ov.save_model(quantized, str(target))
    return target


def openvino_runner(path: Path, hint: str):
    import openvino as ov

    compiled = ov.Core().compile_model(str(path), "CPU", {
        "INFERENCE_NUM_THREADS": os.cpu_count() or 1, "INFERENCE_PRECISION_HINT": hint, "PERFORMANCE_HINT": "LATENCY",
        "NUM_STREAMS": 1, "ENABLE_CPU_PINNING": False})
    request = compiled.create_infer_request()
    return lambda feed: request.infer(feed)[0].copy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--calibration", type=int, default=40, help="batches of 16 calibration sentences")
    args = parser.parse_args()
    from assistant.embed.backend_choice import openvino_capabilities
    from assistant.embed.onnx_embedder import OnnxEmbedder, exported_model
    from bench.common import corpus_records

    records = [r for r in corpus_records(2000) if (r.get("text") or "").strip()]
    measured_texts = sentences_of(records[: args.articles])
    started = time.perf_counter()
    path = quantize(sentences_of(records[200:]), args.calibration)
    quantize_seconds = time.perf_counter() - started
    int8 = OnnxEmbedder("onnx-int8")
    pieces = int8.token_ids(measured_texts)
    batches = feeds(pieces)
    tokens = sum(min(len(p), 254) + 2 for p in pieces)
    bf16 = "BF16" in openvino_capabilities()
    runners = {"onnxruntime int8 (dynamic)": int8.runner(int8.batch_threads, True),
               "OpenVINO int8 (NNCF static), f32 rest": openvino_runner(path, "f32"),
               "OpenVINO fp32": openvino_runner(exported_model("fp32"), "f32")}
    if bf16:
        runners["OpenVINO int8 (NNCF static), bf16 rest"] = openvino_runner(path, "bf16")
        runners["OpenVINO bf16"] = openvino_runner(exported_model("fp32"), "bf16")
    reference = np.zeros((len(measured_texts), 384), dtype=np.float32)
    fp32 = OnnxEmbedder("onnx-fp32").runner(os.cpu_count() or 1, True)
    for rows, feed in batches:
        reference[rows] = fp32(feed)
    for run in runners.values():
        run(batches[-1][1])
    best = {name: [float("inf"), float("inf"), None] for name in runners}
    load_before = os.getloadavg()[0]
    for _ in range(3):
        for name, run in runners.items():
            vectors = np.zeros_like(reference)
            wall, cpu = time.perf_counter(), time.process_time()
            for rows, feed in batches:
                vectors[rows] = run(feed)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = [min(best[name][0], wall), min(best[name][1], cpu), vectors]
    result = {"sentences": len(measured_texts), "tokens": tokens, "quantize_seconds": round(quantize_seconds, 1),
              "calibration_batches": args.calibration, "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
              "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "backends": {}}
    for name, (wall, cpu, vectors) in best.items():
        cosine = np.sum(vectors * reference, axis=1)
        result["backends"][name] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                                    "sentences_per_s": round(len(measured_texts) / wall), "tokens_per_s": round(tokens / wall),
                                    "tokens_per_cpu_s": round(tokens / cpu), "cosine_to_fp32_mean": round(float(cosine.mean()), 4),
                                    "cosine_to_fp32_p01": round(float(np.percentile(cosine, 1)), 4),
                                    "cosine_to_fp32_min": round(float(cosine.min()), 4)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    label = "native" if bf16 else "no-bf16"
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[label] = result
    RESULTS.write_text(json.dumps(saved, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
