"""OpenVINO runs of the model: one request for questions and small batches, one stream per core for builds."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable

import numpy as np

from assistant.embed.batching import Batch, BatchesRunner, Runner

# OpenVINO's CPU plugin keeps compiled kernels per input shape (5,000 by default), and exact-length
# batches come in thousands of shapes: on 56k corpus sentences a process grew to 4.05 GB with the
# default, 1.24 GB with 200 (as fast), 1.07 GB with none (7% slower); onnxruntime int8 0.32 GB.
OPENVINO_SHAPE_CACHE = 200


def compiled_model(path: Path, cache_dir: Path, threads: int, precision: str, streams: int = 1):
    """The model compiled for the CPU; compiled blobs are cached in `cache_dir` (from the ONNX file ~1 s, from the cache ~0.3 s)."""
    import openvino as ov

    core = ov.Core()
    core.set_property({"CACHE_DIR": str(cache_dir)})
    config = {
        "INFERENCE_NUM_THREADS": threads,
        "INFERENCE_PRECISION_HINT": precision,
        "PERFORMANCE_HINT": "LATENCY" if streams == 1 else "THROUGHPUT",
        "NUM_STREAMS": streams,
        "ENABLE_CPU_PINNING": False,  # the cores are shared: let the OS move the thread to a free one
        "CPU_RUNTIME_CACHE_CAPACITY": OPENVINO_SHAPE_CACHE,
    }
    return core.compile_model(str(path), "CPU", config)  # a path (not a Model) lets a cache hit skip parsing


def openvino_runner(path: Path, cache_dir: Path, precision: str, threads: int) -> Runner:
    """One infer request: batches one after the other on `threads` threads."""
    request = compiled_model(path, cache_dir, threads, precision).create_infer_request()
    lock = threading.Lock()  # an infer request serves one call at a time

    def run(feed: dict[str, np.ndarray]) -> np.ndarray:
        with lock:
            return request.infer(feed)[0].copy()

    return run


def openvino_streams(path: Path, cache_dir: Path, precision: str, threads: int) -> BatchesRunner:
    """One OpenVINO stream of one thread per core, each taking the next batch as soon as it is free.

    A batch of 64 short rows is too small to keep two threads busy inside one run (they wait for
    each other at every layer); two batches side by side do: 11% more tokens/s on two cores for the
    static int8 model (median of 6 alternating rounds, docs/speed.md).
    """
    import openvino as ov

    queue = ov.AsyncInferQueue(compiled_model(path, cache_dir, threads, precision, streams=threads), threads)
    queue.set_callback(lambda request, target: target[0].__setitem__(target[1], request.get_output_tensor(0).data))
    lock = threading.Lock()  # one caller at a time: the queue's requests are shared

    def run_all(batches: Iterable[Batch], out: np.ndarray) -> None:
        with lock:
            for rows, feed in batches:
                queue.start_async(feed, (out, rows))
            queue.wait_all()

    return run_all
