"""Ray ingest and bounded-memory local build, measured (README, Scaling past one machine).

    python bench/ray_scale.py --articles 96              # local, Ray 1 worker, Ray 2 workers on the same articles
    python bench/ray_scale.py --memory 250,1000          # peak RSS of a local build at these sizes
    python bench/ray_scale.py --memory 250 --code DIR    # the same with another checkout (e.g. the pre-segment build)
    python bench/ray_scale.py --memory all --stand-in    # the full corpus, hashed stand-in vectors instead of the model

Articles are the first N records of ../shared/datasets/realtimeqa/news_corpus.jsonl.gz
(streamed, never copied). Every run is its own process (peak RSS is its own) and
builds from scratch. For Ray: a local runtime with exactly W CPUs (`ray.init(num_cpus=W)`),
one CPU per task, so W workers; recorded per segment: the worker, its seconds and
sentences, when it was submitted and when it arrived. From those:

- per-worker throughput: sentences embedded / seconds inside the task;
- start-up: from the start of the build to the first shard handed to Ray (ray.init, job upload);
- scheduling overhead: wall from first submission to last arrival, minus the busiest worker's task seconds;
- merge: from the last segment's arrival to the saved generation (merge, IVF/flat index, BM25, write).

Results go to bench/results/ray_scale.json. The machine is shared: the load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "ray_scale.json"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def articles(count: int | None):
    """The first `count` corpus articles; None: the whole corpus plus the gold articles (the speed table's "all")."""
    sys.path.insert(0, str(ROOT))
    from bench.common import corpus_sample, gold_articles

    if count is not None:
        return corpus_sample(count)[0]
    gold = gold_articles()
    known = {a.doc_id for a in gold}
    return gold + [a for a in corpus_sample(None)[0] if a.doc_id not in known]


def build(mode: str, count: int, workers: int, index_dir: Path) -> dict:
    """One build in this process: mode "local" or "ray"; returns its figures."""
    from assistant.embed.embedding import default_embedder
    from assistant.index.build import update_index
    from assistant.ingest.load import LoadResult

    loaded = LoadResult(articles=articles(count))
    embedder = default_embedder()
    cpu0, started = time.process_time(), time.perf_counter()
    segments, submitted = [], {}
    if mode == "ray":
        import ray

        from assistant.index.ray_build import RETRIES, ray_segments

        ray.init(address="local", num_cpus=workers, include_dashboard=False, logging_level="WARNING", log_to_driver=False,
                 runtime_env={"py_modules": [str(ROOT / "assistant")]})
        connected = time.perf_counter()
        inner = ray_segments("ignored: already connected", on_submit=lambda n, t: submitted.setdefault(n, t))

        def source(*args, **kwargs):
            for segment in inner(*args, **kwargs):
                segments.append((segment, time.perf_counter()))
                yield segment
    else:
        from assistant.index.segments import local_segments

        def source(*args, **kwargs):
            for segment in local_segments(*args, **kwargs):
                segments.append((segment, time.perf_counter()))
                yield segment

    _, report = update_index(index_dir, [], embedder, loaded=loaded, segment_source=source)
    ended = time.perf_counter()
    figures = {
        "mode": mode, "workers": workers if mode == "ray" else 1, "articles": len(loaded.articles),
        "sentences_embedded": report.sentences_embedded, "chunks": report.chunks_embedded,
        "wall_s": round(ended - started, 2), "driver_cpu_s": round(time.process_time() - cpu0, 2),
        "driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "segments": len(segments),
        "merge_s": round(ended - max(t for _, t in segments), 2) if segments else None,
        "load_average": os.getloadavg()[0],
    }
    per_worker: dict[str, dict] = {}
    for segment, _ in segments:
        entry = per_worker.setdefault(segment.worker or "local", {"segments": 0, "sentences": 0, "task_s": 0.0, "task_cpu_s": 0.0})
        entry["segments"] += 1
        entry["sentences"] += segment.sentences_embedded
        entry["task_s"] += segment.seconds
        entry["task_cpu_s"] += getattr(segment, "cpu_seconds", 0.0)
    for entry in per_worker.values():
        entry["sentences_per_s"] = round(entry["sentences"] / entry["task_s"], 1) if entry["task_s"] else None
        entry["sentences_per_cpu_s"] = round(entry["sentences"] / entry["task_cpu_s"], 1) if entry["task_cpu_s"] else None
        entry["task_s"], entry["task_cpu_s"] = round(entry["task_s"], 2), round(entry["task_cpu_s"], 2)
    figures["per_worker"] = per_worker
    if mode == "ray":
        first = min(submitted.values())
        last = max(t for _, t in segments)
        busiest = max(e["task_s"] for e in per_worker.values())
        figures.update(
            startup_s=round(first - started, 2), ray_init_s=round(connected - started, 2),
            distributed_s=round(last - first, 2), scheduling_overhead_s=round((last - first) - busiest, 2),
            retries_allowed=RETRIES,
        )
        ray.shutdown()
    figures["throughput_sentences_per_s"] = round(report.sentences_embedded / figures["wall_s"], 1)
    return figures


def in_subprocess(args: list[str], code: Path = ROOT) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{code}:{ROOT}"}
    run = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr[-3000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def memory(count: int | None, stand_in: bool = False) -> dict:
    """Peak RSS of a local build from scratch (update_index over loaded articles), in this process, per phase
    (bench/common.py). With `stand_in`, hashed vectors replace the model (its memory is then absent)."""
    sys.path.insert(0, str(ROOT))
    from bench.common import PhaseMemory, StandInEmbedder, instrument, status
    from assistant.index.build import update_index
    from assistant.ingest.load import LoadResult

    with PhaseMemory() as tracker:
        instrument(tracker)
        tracker.set("load")
        baseline = status()
        handed = [LoadResult(articles=articles(count))]
        size = len(handed[0].articles)
        tracker.set("model")
        before_model = status()
        if stand_in:
            embedder = StandInEmbedder()
        else:
            from assistant.embed.embedding import default_embedder

            embedder = default_embedder()
            embedder.embed(["A sentence to load the model."])
        model_mb = status()["RssAnon"] - before_model["RssAnon"]
        tracker.set("segments")
        with tempfile.TemporaryDirectory() as work:
            started, cpu0 = time.perf_counter(), time.process_time()
            # handed over, not kept here: the build may let the loaded texts go once spilled (as the CLI's does)
            _, report = update_index(Path(work) / "index", [], embedder, loaded=handed.pop())
            tracker.set("done")
    return {"articles": size, "sentences": report.sentences_embedded, "chunks": report.chunks_embedded,
            "embedder": "stand-in" if stand_in else getattr(embedder, "backend", "?"),
            "wall_s": round(time.perf_counter() - started, 1), "cpu_s": round(time.process_time() - cpu0, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "python_start_rss_mb": round(baseline["VmRSS"], 1), "model_anon_mb": round(model_mb, 1),
            "phases": tracker.report(), "load_average": os.getloadavg()[0]}


def save(key: str, value) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[key] = value
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=96)
    parser.add_argument("--shard", type=int, default=16, help="articles per shard (NEWSCITE_SEGMENT_ARTICLES)")
    parser.add_argument("--memory", help="comma-separated sizes (or 'all': the full corpus): peak RSS of a local build")
    parser.add_argument("--stand-in", action="store_true", help="--memory with hashed stand-in vectors instead of the model")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose assistant/ builds (--memory)")
    parser.add_argument("--label", default="segments", help="name of the --memory results")
    parser.add_argument("--one", nargs=3, metavar=("MODE", "COUNT", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--one-memory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as work:
            print(json.dumps(build(args.one[0], int(args.one[1]), int(args.one[2]), Path(work) / "index")))
        return
    if args.one_memory:
        print(json.dumps(memory(None if args.one_memory == "all" else int(args.one_memory), args.stand_in)))
        return
    if args.memory:
        runs = []
        for size in args.memory.split(","):
            log(f"local build of {size} articles ({args.label}, code {args.code}{', stand-in vectors' if args.stand_in else ''})")
            runs.append(in_subprocess(["--one-memory", size] + (["--stand-in"] if args.stand_in else []), args.code))
            log(json.dumps(runs[-1]))
        key = f"memory_{args.label}" + ("_stand_in" if args.stand_in else "")
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        earlier = {str(r["articles"]): r for r in results.get(key, [])} if isinstance(results.get(key), list) else {}
        earlier.update({str(r["articles"]): r for r in runs})  # a size re-measured replaces its earlier run
        save(key, sorted(earlier.values(), key=lambda r: r["articles"]))
        return
    os.environ["NEWSCITE_SEGMENT_ARTICLES"] = str(args.shard)
    runs = []
    for mode, workers in (("local", 1), ("ray", 1), ("ray", 2)):
        log(f"{mode} build, {workers} worker(s), {args.articles} articles in shards of {args.shard}")
        runs.append(in_subprocess(["--one", mode, str(args.articles), str(workers)]))
        log(json.dumps(runs[-1]))
    save("scaling", {"shard_articles": args.shard, "runs": runs,
                     "speedup_2_vs_1_workers": round(runs[1]["wall_s"] / runs[2]["wall_s"], 2)})


if __name__ == "__main__":
    main()
