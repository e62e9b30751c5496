"""Quick ingest check: NewsCite against the llama-index pipeline on 40 articles, in one process.

    python bench/speed.py --quick [--articles 40] [--backends default,onnx-int8,onnx-fp32,openvino-fp32]

Both pipelines get their models loaded and warmed up before the clock starts,
run on the same 40 RealTime QA corpus articles (streamed from ../shared), one
after the other in the same process, and each is timed in wall and CPU
seconds. NewsCite runs once per backend: `default` is what the backend choice
picks on this CPU (assistant/embed/backend_choice.py); set
NEWSCITE_HIDE_CAPABILITIES=BF16 to see what a CPU without bf16 picks.

Prints a table and writes bench/results/ingest_quick.json.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "ingest_quick.json"


def _timed(function) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def llama_index_pipeline(articles) -> dict:
    """`VectorStoreIndex.from_documents` with the packaged model on torch and a FAISS store (its defaults)."""
    from bench.common import llama_index_build, llama_index_embed_model

    embed_model = llama_index_embed_model()
    embed_model.get_text_embedding_batch(["warm up"] * 16)
    index, wall, cpu = _timed(lambda: llama_index_build(articles, embed_model))
    chunks = len(index.docstore.docs)
    return {"chunks": chunks, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "chunks_per_s": round(chunks / wall, 1), "chunks_per_cpu_s": round(chunks / cpu, 1)}


def newscite_pipeline(articles, backend: str) -> dict:
    """`update_index` from scratch into a temporary folder, with a warmed-up embedder."""
    from assistant.embed.embedding import default_embedder, make_embedder
    from assistant.index.build import backend_choice_of, update_index
    from assistant.ingest.load import LoadResult

    embedder = default_embedder() if backend == "default" else make_embedder(backend)
    embedder.embed(["warm up"] * 16)
    folder = Path(tempfile.mkdtemp(prefix="newscite-quick-"))
    try:
        (data, report), wall, cpu = _timed(
            lambda: update_index(folder / "index", [folder], embedder, rebuild=True, loaded=LoadResult(articles=list(articles)))
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    chunks = len(data.chunks)
    choice = backend_choice_of(embedder) or {}
    return {"backend": embedder.backend, "chunks": chunks, "sentences": int(len(data.sentences)),
            "texts_embedded": report.sentences_embedded, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "chunks_per_s": round(chunks / wall, 1), "chunks_per_cpu_s": round(chunks / cpu, 1),
            "choice_rates": choice.get("rates") if backend == "default" else None}


def run(count: int = 40, backends: tuple[str, ...] = ("default", "onnx-int8", "onnx-fp32", "openvino-fp32")) -> dict:
    from assistant.embed.backend_choice import cpu_description, hidden_capabilities, openvino_capabilities
    from bench.common import corpus_sample

    articles, _ = corpus_sample(count)
    baseline = llama_index_pipeline(articles)
    ours = {name: newscite_pipeline(articles, name) for name in backends}
    for entry in ours.values():
        entry["x_llama_chunks_per_s"] = round(entry["chunks_per_s"] / baseline["chunks_per_s"], 2)
        entry["x_llama_chunks_per_cpu_s"] = round(entry["chunks_per_cpu_s"] / baseline["chunks_per_cpu_s"], 2)
    result = {"articles": len(articles), "cpu": cpu_description(), "openvino_capabilities": openvino_capabilities(),
              "hidden": hidden_capabilities(), "load_average": round(os.getloadavg()[0], 2),
              "llama_index": baseline, "newscite": ours}
    label = "no-bf16" if "BF16" in hidden_capabilities() else "native"
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[label] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(saved, indent=1) + "\n")
    return result


def table(result: dict) -> str:
    base = result["llama_index"]
    lines = [f"{result['articles']} articles on {result['cpu']} (capabilities {result['openvino_capabilities']}, "
             f"hidden {result['hidden'] or 'none'}, load {result['load_average']})",
             "| pipeline | chunks | wall s | CPU s | chunks/s | x llama-index | chunks per CPU-s | x llama-index |",
             "|---|---|---|---|---|---|---|---|",
             f"| llama-index (torch fp32) | {base['chunks']} | {base['seconds']} | {base['cpu_seconds']} | "
             f"{base['chunks_per_s']} | 1.0 | {base['chunks_per_cpu_s']} | 1.0 |"]
    for name, e in result["newscite"].items():
        label = f"NewsCite {name}" + (f" ({e['backend']})" if name == "default" else "")
        lines.append(f"| {label} | {e['chunks']} | {e['seconds']} | {e['cpu_seconds']} | {e['chunks_per_s']} | "
                     f"{e['x_llama_chunks_per_s']} | {e['chunks_per_cpu_s']} | {e['x_llama_chunks_per_cpu_s']} |")
    return "\n".join(lines)
