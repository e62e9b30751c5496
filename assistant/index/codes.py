"""Sentence vectors stored at index time as int8 codes with one scale per row.

The composer compares the question with up to 48 candidate sentences; embedding
them at question time costs tens of milliseconds, reading them costs
microseconds. A row keeps its largest component at +-127, so the rounding
error on a cosine between unit vectors stays near 1e-3, at 388 bytes a
sentence instead of 1,536 (float32) or 768 (float16).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

CODES_FILE = "sentence_codes.npy"
SCALES_FILE = "sentence_scales.npy"


@dataclass
class QuantizedVectors:
    """int8 codes (n, dim) and float32 scales (n,): row i is codes[i] * scales[i]."""

    codes: np.ndarray
    scales: np.ndarray

    @classmethod
    def encode(cls, vectors: np.ndarray) -> "QuantizedVectors":
        vectors = np.asarray(vectors, dtype=np.float32)
        peak = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, dtype=np.float32)
        scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        codes = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
        return cls(codes, scales)

    @classmethod
    def empty(cls, dim: int) -> "QuantizedVectors":
        return cls(np.zeros((0, dim), dtype=np.int8), np.zeros(0, dtype=np.float32))

    @classmethod
    def concat(cls, parts: Sequence["QuantizedVectors"], dim: int) -> "QuantizedVectors":
        if not parts:
            return cls.empty(dim)
        return cls(np.vstack([np.asarray(p.codes) for p in parts]), np.concatenate([np.asarray(p.scales) for p in parts]))

    def __len__(self) -> int:
        return len(self.scales)

    def slice(self, start: int, stop: int) -> "QuantizedVectors":
        return QuantizedVectors(self.codes[start:stop], self.scales[start:stop])

    def rows(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """float32 vectors of the given rows."""
        rows = np.asarray(rows, dtype=np.int64)
        return self.codes[rows].astype(np.float32) * self.scales[rows, None]

    def save(self, folder: Path) -> None:
        """Memory-mapped arrays that are whole .npy files already (a merged build) are hard-linked."""
        from assistant.index.npy_files import save_array

        save_array(folder / CODES_FILE, self.codes, np.int8)
        save_array(folder / SCALES_FILE, self.scales, np.float32)

    @classmethod
    def load(cls, folder: Path) -> "QuantizedVectors | None":
        """Memory-mapped: a question reads a few rows, not the whole file."""
        if not (folder / CODES_FILE).exists() or not (folder / SCALES_FILE).exists():
            return None
        # np.asarray drops the np.memmap subclass (its __getitem__ costs ~40 us a call) but keeps the mapping.
        return cls(np.asarray(np.load(folder / CODES_FILE, mmap_mode="r")), np.asarray(np.load(folder / SCALES_FILE, mmap_mode="r")))
