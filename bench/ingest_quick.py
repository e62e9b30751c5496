"""Quick ingest check: NewsCite against the llama-index pipeline on 40 articles, files to an answering index, in one process.

    python bench/ingest_quick.py [--articles 40] [--runs 3] [--backends default,onnx-int8]
    NEWSCITE_HIDE_CAPABILITIES=BF16 python bench/ingest_quick.py      # as on a CPU without bf16
    python bench/speed.py --quick                                     # the same, from the speed benchmark

The first `--articles` RealTime QA corpus records with text (streamed from ../shared, never copied)
are written once to a JSONL file in a scratch folder. Each run then starts from that file, inside
the clock: NewsCite's `update_index` reads it, splits, embeds and saves an index it reopens
(what `newscite ask` answers from); the llama-index pipeline reads the same lines into
`Document`s and builds, in memory (not even persisted),
`VectorStoreIndex.from_documents` with the packaged MiniLM on torch (`HuggingFaceEmbedding`) and a
FAISS store, with a `SentenceSplitter` of 200 gpt tokens (overlap 20) so that, like NewsCite, it
embeds every word (issue 25's baseline; its default 1,024-token chunks are truncated to MiniLM's
256 tokens, so most of each article would never be embedded). `--llama-chunk 0` measures that
default instead. Both pipelines have their libraries imported and models loaded and warmed up
before the clock starts (imports are measured by `newscite index` itself, see docs/speed.md).

The pipelines take turns, `--runs` rounds (llama-index, then each NewsCite backend), so that load
from other work on the machine slows them alike; each reports wall and CPU seconds per run and
the median of the runs, articles per second and chunks per second, and the ratio to llama-index
(median over rounds of the per-round ratio). `default` is what the backend choice picks on this
CPU (assistant/embed/backend_choice.py); set NEWSCITE_HIDE_CAPABILITIES=BF16 to see what a CPU
without bf16 picks. The 1-minute load average is recorded before and after each round.

Prints a table and writes bench/results/ingest_quick.json (one entry per CPU condition).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "ingest_quick.json"
LLAMA_CHUNK = 200  # gpt tokens per llama-index chunk: every word embedded (issue 25)


def _timed(function) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def write_articles(count: int, folder: Path) -> Path:
    """The first `count` corpus articles with text, as one JSONL file (the files both pipelines start from)."""
    from bench.common import corpus_sample

    articles, _ = corpus_sample(count)
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            handle.write(json.dumps({"id": a.doc_id, "text": a.text, "title": a.title, "url": a.url,
                                     "published": a.published}) + "\n")
    return path


class LlamaIndexPipeline:
    def __init__(self, chunk_size: int | None) -> None:
        from bench.common import llama_index_build, llama_index_embed_model

        self.chunk_size = chunk_size
        self.build = llama_index_build
        self.embed_model = llama_index_embed_model()
        self.embed_model.get_text_embedding_batch(["warm up"] * 16)

    def __call__(self, path: Path, articles: int) -> dict:
        from assistant.model import Article

        def run():
            lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            docs = [Article(doc_id=str(r["id"]), text=r["text"]) for r in lines]
            return self.build(docs, self.embed_model, self.chunk_size)  # in memory: not even persisted

        index, wall, cpu = _timed(run)
        return _entry(articles, len(index.docstore.docs), wall, cpu)


class NewsCitePipeline:
    def __init__(self, backend: str) -> None:
        from assistant.embed.embedding import default_embedder, make_embedder

        self.embedder = default_embedder() if backend == "default" else make_embedder(backend)
        self.embedder.embed(["warm up"] * 16)
        self.embedder.embed(["a warm-up batch of sentences long enough to use both cores"] * 32)
        self.requested = backend

    def __call__(self, path: Path, articles: int) -> dict:
        from assistant.index.build import update_index

        folder = Path(tempfile.mkdtemp(prefix="newscite-quick-"))
        try:  # loads the file, builds, saves the index and reopens it (what `newscite ask` answers from)
            (data, report), wall, cpu = _timed(lambda: update_index(folder / "index", [path], self.embedder, rebuild=True))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        entry = _entry(articles, len(data.chunks), wall, cpu)
        entry.update(backend=self.embedder.backend, sentences=int(len(data.sentences)),
                     texts_embedded=report.sentences_embedded)
        return entry


def _entry(articles: int, chunks: int, wall: float, cpu: float) -> dict:
    return {"chunks": chunks, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "articles_per_s": round(articles / wall, 2), "chunks_per_s": round(chunks / wall, 1),
            "articles_per_cpu_s": round(articles / cpu, 2)}


def _summary(runs: list[dict]) -> dict:
    keys = ("seconds", "cpu_seconds", "articles_per_s", "chunks_per_s", "articles_per_cpu_s")
    summary = {key: round(statistics.median(r[key] for r in runs), 2) for key in keys}
    summary.update({k: v for k, v in runs[0].items() if k not in keys})
    summary["runs"] = runs
    return summary


def run(count: int = 40, backends: tuple[str, ...] = ("default",), runs: int = 3, llama_chunk: int | None = LLAMA_CHUNK) -> dict:
    from assistant.embed.backend_choice import choose_backend, cpu_description, hidden_capabilities, openvino_capabilities

    scratch = Path(tempfile.mkdtemp(prefix="newscite-quick-files-"))
    try:
        path = write_articles(count, scratch)
        articles = sum(1 for _ in path.open(encoding="utf-8"))
        baseline = LlamaIndexPipeline(llama_chunk or None)
        ours = {name: NewsCitePipeline(name) for name in backends}
        measured: dict[str, list[dict]] = {"llama_index": [], **{name: [] for name in backends}}
        loads = []
        for _ in range(runs):
            before = os.getloadavg()[0]
            measured["llama_index"].append(baseline(path, articles))
            for name, pipeline in ours.items():
                measured[name].append(pipeline(path, articles))
            loads.append((round(before, 2), round(os.getloadavg()[0], 2)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    base = _summary(measured["llama_index"])
    result_ours = {}
    for name in backends:
        entry = _summary(measured[name])
        ratios = [b["seconds"] / o["seconds"] for b, o in zip(measured["llama_index"], measured[name])]
        cpu_ratios = [b["cpu_seconds"] / o["cpu_seconds"] for b, o in zip(measured["llama_index"], measured[name])]
        entry["x_llama_articles_per_s"] = round(statistics.median(ratios), 2)
        entry["x_llama_articles_per_cpu_s"] = round(statistics.median(cpu_ratios), 2)
        entry["x_llama_per_round"] = [round(r, 2) for r in ratios]
        if name == "default":
            entry["choice_rates"] = choose_backend().rates
        result_ours[name] = entry
    result = {"articles": articles, "runs": runs, "llama_chunk_tokens": llama_chunk or "default (1024)",
              "cpu": cpu_description(), "openvino_capabilities": openvino_capabilities(),
              "hidden": hidden_capabilities(), "load_average_per_round": loads,
              "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "llama_index": base, "newscite": result_ours}
    label = "no-bf16" if "BF16" in hidden_capabilities() else "native"
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[label] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(saved, indent=1) + "\n")
    return result


def table(result: dict) -> str:
    base = result["llama_index"]
    lines = [f"{result['articles']} articles, files to an answering index, median of {result['runs']} side-by-side runs, "
             f"on {result['cpu']} (capabilities {result['openvino_capabilities']}, hidden {result['hidden'] or 'none'}; "
             f"load before/after each round {result['load_average_per_round']})",
             "| pipeline | chunks | wall s | CPU s | articles/s | x llama-index | articles per CPU-s | x llama-index | per round |",
             "|---|---|---|---|---|---|---|---|---|",
             f"| llama-index (torch fp32, {result['llama_chunk_tokens']}-token chunks) | {base['chunks']} | {base['seconds']} | "
             f"{base['cpu_seconds']} | {base['articles_per_s']} | 1.0 | {base['articles_per_cpu_s']} | 1.0 | |"]
    for name, e in result["newscite"].items():
        label = f"NewsCite {name}" + (f" ({e['backend']})" if name == "default" else "")
        lines.append(f"| {label} | {e['chunks']} | {e['seconds']} | {e['cpu_seconds']} | {e['articles_per_s']} | "
                     f"{e['x_llama_articles_per_s']} | {e['articles_per_cpu_s']} | {e['x_llama_articles_per_cpu_s']} | "
                     f"{e['x_llama_per_round']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default="default", help="comma-separated: default, onnx-int8, onnx-fp32, openvino-fp32, ...")
    parser.add_argument("--llama-chunk", type=int, default=LLAMA_CHUNK, help="llama-index chunk size in gpt tokens (0: its default)")
    args = parser.parse_args()
    print(table(run(args.articles, tuple(args.backends.split(",")), args.runs, args.llama_chunk)))


if __name__ == "__main__":
    main()
