"""Measure every embedding backend against torch fp32; this is how the default was chosen.

For each backend: chunks/s and sentences/s at batch 16 on both cores, one
query's latency on one thread (median of 200), and quality against torch
fp32 on the RealTime QA gold articles: cosine of the same text's vectors,
top-10 overlap of chunk search for the 220 gold questions, and hit@10 (a
gold article among the top 10 chunks' articles).

Throughput is reported as wall time and as CPU seconds (user + system of
this process); under load from other work the CPU figure is the steadier.

    python bench/embedding_backends.py [--backends torch,openvino-bf16,...]

Writes bench/results/embedding_backends.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.embed.embedding import TorchEmbedder  # noqa: E402
from assistant.embed.onnx_embedder import BACKENDS, OnnxEmbedder  # noqa: E402

REALTIMEQA = ROOT.parent / "shared" / "datasets" / "realtimeqa"
RESULTS = ROOT / "bench" / "results" / "embedding_backends.json"


def gold_material(limit_articles: int | None = None):
    """Chunks and sentences of the gold articles, and the gold questions with their article rows."""
    from bench.common import gold_articles, gold_questions
    from assistant.index.sentence_rows import split_articles
    from assistant.index.store import IndexSettings

    articles = gold_articles()[:limit_articles]
    segmented, _ = split_articles(articles, IndexSettings())
    chunks, chunk_doc, sentences = [], [], []
    for doc, (article, spans, _, texts) in enumerate(segmented):
        chunks.extend(texts)
        chunk_doc.extend([doc] * len(texts))
        sentences.extend(article.text[s:e] for s, e in spans)
    doc_ids = [a.doc_id for a, *_ in segmented]
    questions = [(q.question, {doc_ids.index(d) for d in q.doc_ids if d in doc_ids}) for q in gold_questions()]
    questions = [(text, gold) for text, gold in questions if gold]
    return chunks, np.array(chunk_doc), sentences, questions


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def make(backend: str):
    if backend == "torch":
        return TorchEmbedder()
    return OnnxEmbedder(backend)


def measure(backend: str, chunks, sentences, queries, sample: int) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    embedder = make(backend)
    embedder.embed(chunks[:32])  # load, export on first use, warm up
    _, wall_c, cpu_c = timed(embedder.embed, chunks[:sample])
    _, wall_s, cpu_s = timed(embedder.embed, sentences[: sample * 2])
    if backend == "torch":
        import torch

        torch.set_num_threads(1)  # one thread per query is faster (DEVELOPERS.md)
    embedder.embed_query(queries[0])
    latencies = []
    for text in (queries * 3)[:200]:
        start = time.perf_counter()
        embedder.embed_query(text)
        latencies.append(time.perf_counter() - start)
    if backend == "torch":
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
    figures = {
        "chunks_per_s": round(sample / wall_c, 1),
        "chunks_per_cpu_s": round(sample / cpu_c, 1),
        "sentences_per_s": round(2 * sample / wall_s, 1),
        "sentences_per_cpu_s": round(2 * sample / cpu_s, 1),
        "query_ms_p50": round(1000 * float(np.median(latencies)), 2),
        "query_ms_p95": round(1000 * float(np.percentile(latencies, 95)), 2),
    }
    chunk_vectors = embedder.embed(chunks)
    sentence_vectors = embedder.embed(sentences[: sample * 2])
    query_vectors = np.vstack([embedder.embed_query(q) for q in queries])
    return figures, chunk_vectors, sentence_vectors, query_vectors


def top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    scores = queries @ vectors.T
    return np.argsort(-scores, axis=1)[:, :10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default=",".join(("torch", *BACKENDS)))
    parser.add_argument("--sample", type=int, default=320, help="chunks timed (twice as many sentences)")
    parser.add_argument("--articles", type=int, default=None, help="only the first N gold articles")
    args = parser.parse_args()
    if not REALTIMEQA.exists():
        sys.exit(f"{REALTIMEQA} not found: this benchmark needs ../shared/datasets")

    chunks, chunk_doc, sentences, questions = gold_material(args.articles)
    queries = [q for q, _ in questions]
    print(f"{len(chunks)} chunks, {len(sentences)} sentences, {len(queries)} questions", file=sys.stderr)
    results, reference = {}, None
    for backend in args.backends.split(","):
        load = os.getloadavg()[0]
        figures, cv, sv, qv = measure(backend, chunks, sentences, queries, args.sample)
        figures["load_average_before"] = round(load, 2)
        hits = top10(cv, qv)
        figures["hit_at_10"] = round(float(np.mean([bool(set(chunk_doc[h]) & gold) for h, (_, gold) in zip(hits, questions)])), 4)
        if reference is None:
            reference = (cv, sv, qv, hits)
        rc, rs, rq, rhits = reference
        figures["cosine_to_torch_min"] = round(float(min((cv * rc).sum(1).min(), (sv * rs).sum(1).min())), 4)
        figures["cosine_to_torch_mean"] = round(float(np.concatenate([(cv * rc).sum(1), (sv * rs).sum(1)]).mean()), 4)
        figures["top10_overlap_with_torch"] = round(float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(hits, rhits)])), 4)
        results[backend] = figures
        print(backend, json.dumps(figures), file=sys.stderr, flush=True)
    report = {
        "what": "all-MiniLM-L6-v2 backends vs torch fp32 (the first row is the reference)",
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()},
        "corpus": f"RealTime QA gold articles: {len(chunks)} chunks, {len(sentences)} sentences; {len(queries)} gold questions",
        "batch_size": 16,
        "backends": results,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
