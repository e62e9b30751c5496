"""How a build cuts its sentences into model batches, and runs them one after the other.

Sentences are embedded shortest first. onnxruntime gets batches of one exact length (no padding:
its dynamic int8 would quantise padding with the rows); OpenVINO gets consecutive rows in length
order padded to the batch's longest (`sorted_batches`), which means fewer input shapes.
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from assistant.embed.minilm import BATCH_SIZE

Runner = Callable[[dict[str, np.ndarray]], np.ndarray]  # model inputs -> embeddings

# Rows per batch: OpenVINO gains from longer runs (64: +10% tokens/s for int8 and fp32 on the 40
# quick-bench articles), onnxruntime's dynamic int8 loses 13% at 64.
ROWS_PER_BATCH = {"openvino": 64, "onnx": BATCH_SIZE}
# Tokens per OpenVINO batch (64 rows of up to 62 pieces; longer sentences in fewer rows). A stream keeps
# memory for the largest batch it has run: uncapped, 64 rows of 256 tokens took a process to 1.55 GB
# (0.67 GB capped at 4,096, 0.56 GB at 2,048; widths 20-256 run once each).
OPENVINO_BATCH_TOKENS = 64 * 64
CLS_ID, SEP_ID = 101, 102  # the packaged tokenizer's [CLS] and [SEP] (checked by tests/embed/test_backends.py)


def sorted_batches(lengths: np.ndarray, batch_size: int, max_tokens: int) -> list[np.ndarray]:
    """Row numbers sorted by length and cut into batches of up to `batch_size` rows and `max_tokens`
    tokens (rows x the batch's longest row, [CLS] and [SEP] included).

    Neighbours in length order differ by a piece or so, so padding each batch to its longest row
    costs little, and a batch's row count follows from its width: one input shape per width, a few
    hundred in a whole build instead of thousands. The token cap bounds what an OpenVINO stream
    holds for its largest batch (see OPENVINO_BATCH_TOKENS)."""
    order = np.argsort(lengths, kind="stable")
    batches, start = [], 0
    while start < len(order):
        widest = int(lengths[order[min(start + batch_size, len(order)) - 1]]) + 2
        rows = max(1, min(batch_size, max_tokens // widest))
        batches.append(order[start : start + rows])
        start += rows
    return batches


def length_batches(lengths: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Row numbers grouped into batches of one exact length, at most `batch_size` each, shortest first."""
    order = np.argsort(lengths, kind="stable")
    ordered = lengths[order]
    cuts = np.flatnonzero(np.diff(ordered)) + 1
    batches = []
    for group in np.split(order, cuts):
        batches.extend(group[start : start + batch_size] for start in range(0, len(group), batch_size))
    return batches


Batch = tuple[np.ndarray, dict[str, np.ndarray]]  # output rows, model inputs
BatchesRunner = Callable[[Iterable[Batch], np.ndarray], None]


def serial_batches(run: Runner) -> BatchesRunner:
    """Batches one after the other, each on all of `run`'s threads."""

    def run_all(batches: Iterable[Batch], out: np.ndarray) -> None:
        for rows, feed in batches:
            out[rows] = run(feed)

    return run_all
