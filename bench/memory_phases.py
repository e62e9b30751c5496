"""Peak memory of a build, per phase, and a stand-in embedder for measuring everything but the model.

`PhaseMemory` samples /proc/self/status (VmRSS, RssAnon, RssFile) every 20 ms on a
thread and files each sample under the phase running at that moment. Phases are
marked by wrapping the build's own functions (whichever exist in the checkout
measured, so the code before a change is measured the same way):

- load: reading the articles (before the build starts)
- segments: splitting, chunking, embedding, spilling the shards
- merge: writing the merged arrays
- faiss: building the FAISS index
- bm25: building the BM25 index
- write: the rest of saving the generation (and reopening it)

RssAnon is the process's own heap (what grows with Python objects and numpy
arrays); RssFile is memory-mapped file pages, which the kernel can drop under
pressure but which count in RSS.

`StandInEmbedder` gives every text a deterministic pseudo-random unit vector
from a hash of the text: a full-corpus build then measures its non-model
memory in minutes instead of CPU-hours.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Sequence

import numpy as np

FIELDS = ("VmRSS", "RssAnon", "RssFile")


def status() -> dict[str, float]:
    """VmRSS, RssAnon, RssFile of this process in MB."""
    values = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in FIELDS:
                values[key] = int(rest.split()[0]) / 1024
    return values


class PhaseMemory:
    """Peak VmRSS / RssAnon / RssFile per phase, sampled on a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.phase = "start"
        self.peaks: dict[str, dict[str, float]] = {}
        self.order: list[str] = []
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        now = status()
        peak = self.peaks.setdefault(self.phase, {k: 0.0 for k in FIELDS})
        if self.phase not in self.order:
            self.order.append(self.phase)
        for key in FIELDS:
            peak[key] = max(peak[key], now.get(key, 0.0))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(self._interval)

    def set(self, phase: str) -> None:
        self._sample()  # the end of the previous phase
        self.phase = phase
        self._sample()

    def __enter__(self) -> "PhaseMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()

    def report(self) -> dict:
        return {phase: {k: round(v, 1) for k, v in self.peaks[phase].items()} for phase in self.order}


def _wrap(owner, name: str, tracker: PhaseMemory, phase: str, after: str, generator: bool = False) -> None:
    original = getattr(owner, name, None)
    if original is None:
        return
    if generator:
        def wrapped(*args, **kwargs):
            tracker.set(phase)
            for item in original(*args, **kwargs):
                yield item
                tracker.set(phase)
    else:
        def wrapped(*args, **kwargs):
            tracker.set(phase)
            try:
                return original(*args, **kwargs)
            finally:
                tracker.set(after)
    setattr(owner, name, wrapped)


def instrument(tracker: PhaseMemory) -> None:
    """Mark the build's phases by wrapping its functions (only those this checkout has)."""
    import assistant.index.build as build
    import assistant.index.store as store
    from assistant.index import bm25

    _wrap(build, "local_segments", tracker, "segments", "merge", generator=True)
    _wrap(build, "merge_rows", tracker, "merge", "write")
    _wrap(store, "build_faiss", tracker, "faiss", "write")
    _wrap(bm25.BM25Index, "build", tracker, "bm25", "write")
    _wrap(store, "write_bm25", tracker, "bm25", "write")  # the block-by-block BM25 writer, where it exists


class StandInEmbedder:
    """Deterministic unit vectors from a hash of each text: the build's memory without the model's."""

    name = "stand-in (hashed vectors)"
    backend = "stand-in"
    dim = 384

    def embed(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
            out[row] = np.random.default_rng(seed).standard_normal(self.dim, dtype=np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

