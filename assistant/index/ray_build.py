"""Ingest on a Ray cluster: workers build the segments, the driver merges them into one generation.

`newscite index DIR --ray auto` starts a local Ray runtime on every core;
`--ray HOST:PORT` (or `ray://HOST:PORT`) joins a running cluster. The driver
loads the articles and decides what changed exactly as a local build does
(assistant/index/build.py), cuts the articles to embed into the same shards
(assistant/index/segments.py), and hands each shard to a Ray task that splits,
chunks and embeds it with the backend the driver chose. Segments come back
through Ray's object store, are spilled to the index folder as they arrive,
and the driver merges them, trains the IVF once and writes the generation.

Faults: a task whose worker process or node dies is run again by Ray
(`max_retries`); an error inside a task (a backend this node cannot run)
fails the build with the node named. Nothing is written to the live index
until the merge is saved, so a build interrupted on the driver leaves the
previous generation in use; its spilled segments are deleted.

Ray is imported only here, and this module only when `--ray` is given.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Sequence

from assistant.index.segments import Segment, build_segment, shards
from assistant.index.store import NewsCiteIndexError
from assistant.model import Article

RETRIES = 3  # a shard whose worker dies is run again up to this many times
IN_FLIGHT_PER_CPU = 2  # shards submitted ahead per CPU: workers never wait, the object store stays bounded
PACKAGE = Path(__file__).resolve().parents[1]  # the whole `assistant` package, shipped to the workers


class RayBuildError(NewsCiteIndexError):
    """A shard failed on the cluster for a reason a retry cannot fix."""


class BackendNotNative(RuntimeError):
    """The driver's backend would be emulated on this node (bf16 without native bf16)."""


def connect(address: str) -> bool:
    """Join the cluster at `address`, or start a local runtime on every core for "auto".

    The driver's copy of this package is shipped to the workers
    (`py_modules`), so every node runs the same code as the driver; the
    libraries it needs (onnxruntime, tokenizers, llama-index) must be
    installed on each node. Returns False when this process was already
    connected (then the caller leaves the connection open).
    """
    import ray

    if ray.is_initialized():
        return False
    options = dict(
        runtime_env={"py_modules": [str(PACKAGE)], "env_vars": _forwarded_env()},
        logging_level="WARNING",
        log_to_driver=False,
        configure_logging=True,
    )
    if address == "auto":
        ray.init(address="local", num_cpus=os.cpu_count() or 1, include_dashboard=False, **options)
    else:
        ray.init(address=address, **options)
    return True


def _forwarded_env() -> dict[str, str]:
    """The driver's NewsCite settings that change what a worker builds (limits, forced backend, cache)."""
    return {k: v for k, v in os.environ.items() if k.startswith("NEWSCITE_")}


@lru_cache(maxsize=2)
def worker_embedder(backend: str, threads: int):
    """The driver's backend in this worker, on the CPUs Ray gave the task; never one this node would
    only emulate (the rule the backend choice applies: assistant/embed/backend_choice.py)."""
    from assistant.embed.backend_choice import candidates, openvino_capabilities
    from assistant.embed.embedding import make_embedder

    _, skipped = candidates(openvino_capabilities())
    if backend.endswith("-bf16") and backend in skipped:
        raise BackendNotNative(
            f"node {socket.gethostname()} cannot embed with {backend} the way the driver chose: {skipped[backend]}; "
            "run the build with NEWSCITE_BACKEND=openvino-int8 (the canonical backend; onnx-int8 where OpenVINO is missing) or leave this node out of the cluster"
        )
    return make_embedder(backend, threads)


def build_shard(number: int, shard: list[tuple[Article, str]], settings, backend: str) -> Segment:
    """A Ray task: one shard's segment, embedded with `backend` on the CPUs assigned to the task."""
    import ray

    assigned = ray.get_runtime_context().get_assigned_resources().get("CPU", 1)
    segment = build_segment(number, shard, settings, worker_embedder(backend, max(1, int(assigned))))
    segment.worker = f"{ray.get_runtime_context().get_node_id()[:8]}/{os.getpid()}"
    return segment


def ray_segments(address: str, shard_size: int | None = None, cpus_per_task: int = 1,
                 on_submit: Callable[[int, float], None] | None = None):
    """A `segment_source` for `update_index` that builds the shards on the Ray cluster at `address`.

    `on_submit(shard number, time)` lets a benchmark see when each shard was handed to Ray.
    """

    def source(to_embed: Sequence[tuple[Article, str]], settings, embedder, progress=None) -> Iterator[Segment]:
        import ray

        planned = shards(to_embed, shard_size)
        if not planned:
            return
        connect(address)
        task = ray.remote(build_shard).options(num_cpus=cpus_per_task, max_retries=RETRIES, name="newscite-shard")
        cpus = int(ray.cluster_resources().get("CPU", 1))
        limit = max(2, IN_FLIGHT_PER_CPU * cpus)
        nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
        print(f"ray: {len(planned)} shards of up to {len(planned[0])} articles on {nodes} node(s), {cpus} CPU(s)",
              file=sys.stderr, flush=True)
        pending: dict = {}
        submitted, done_sentences, done_articles = 0, 0, 0
        try:
            while submitted < len(planned) or pending:
                while submitted < len(planned) and len(pending) < limit:
                    pending[task.remote(submitted, planned[submitted], settings, embedder.backend)] = submitted
                    if on_submit:
                        on_submit(submitted, time.perf_counter())
                    submitted += 1
                ready, _ = ray.wait(list(pending), num_returns=1)
                number = pending.pop(ready[0])
                segment = _result(ray, ready[0], planned[number], number)
                done_sentences += segment.sentences_embedded
                done_articles += len(planned[number])
                if progress:
                    left = len(to_embed) - done_articles
                    progress(done_sentences, done_sentences + round(left * done_sentences / max(done_articles, 1)))
                yield segment
        finally:
            for ref in pending:  # interrupted: stop the shards still running, nothing of them is kept
                ray.cancel(ref, force=True)

    return source


def _result(ray, ref, shard: list[tuple[Article, str]], number: int) -> Segment:
    """The segment of a finished task, or an error that names the shard's first file."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as error:
        cause = error.cause if getattr(error, "cause", None) is not None else error
        first = shard[0][0]
        raise RayBuildError(
            f"shard {number} ({len(shard)} articles from {first.path or first.doc_id}) failed on the cluster: {cause}"
        ) from error
    except ray.exceptions.RayError as error:  # workers died more often than RETRIES
        raise RayBuildError(f"shard {number} could not be built after {RETRIES} retries: {error}") from error
