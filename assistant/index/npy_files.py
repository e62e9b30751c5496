""".npy files written and read without holding them in memory.

A full-corpus build writes arrays of hundreds of megabytes (chunk vectors,
sentence codes, BM25 postings). Filling a memory-mapped file page by page
leaves every written page resident and counted in the process's RSS; so does
reading one through a mapping. These helpers write arrays by plain appends
(the page cache keeps them, not the process), hard-link a finished file into
a generation instead of copying it, and release mapped pages once read.
"""

from __future__ import annotations

import mmap
import os
import shutil
from pathlib import Path
from typing import BinaryIO, Iterable

import numpy as np
from numpy.lib import format as npy_format


class NpyWriter:
    """An .npy file of known dtype and shape written row block by row block, in order."""

    def __init__(self, path: Path, dtype, shape: tuple[int, ...]) -> None:
        self.path, self.dtype, self.shape = Path(path), np.dtype(dtype), tuple(int(n) for n in shape)
        self._handle: BinaryIO = open(self.path, "wb")
        header = {"descr": npy_format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": self.shape}
        npy_format.write_array_header_1_0(self._handle, header) if _fits_v1(header) else npy_format.write_array_header_2_0(self._handle, header)
        self._rows = 0

    def write(self, rows: np.ndarray) -> None:
        rows = np.ascontiguousarray(rows, dtype=self.dtype)
        if rows.shape[1:] != self.shape[1:]:
            raise ValueError(f"{self.path}: rows of shape {rows.shape[1:]}, file rows are {self.shape[1:]}")
        self._handle.write(rows.tobytes() if rows.size else b"")
        self._rows += len(rows)

    def close(self) -> None:
        self._handle.close()
        if self._rows != (self.shape[0] if self.shape else 1):
            raise ValueError(f"{self.path}: {self._rows} rows written, {self.shape[0]} declared")

    def __enter__(self) -> "NpyWriter":
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is None:
            self.close()
        else:
            self._handle.close()


def _fits_v1(header: dict) -> bool:
    return len(repr(header)) < 65_000


def write_npy(path: Path, dtype, shape: tuple[int, ...], blocks: Iterable[np.ndarray]) -> None:
    """Write the row blocks `blocks` (in order) as one .npy file of `shape`."""
    with NpyWriter(path, dtype, shape) as writer:
        for block in blocks:
            writer.write(block)


def open_npy(path: Path) -> np.ndarray:
    """The .npy file memory-mapped read-only: nothing is read until used."""
    return np.load(path, mmap_mode="r")


def mapped_file(array: np.ndarray) -> Path | None:
    """The .npy file `array` maps whole (same dtype, shape, C order), or None: such a file can be linked."""
    if not isinstance(array, np.memmap) or not array.filename or not array.flags.c_contiguous:
        return None
    try:
        on_disk = np.load(array.filename, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if on_disk.shape != array.shape or on_disk.dtype != array.dtype or getattr(on_disk, "offset", None) != array.offset:
        return None
    return Path(array.filename)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link `source` as `target` (same file system: no bytes copied), else copy it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def save_array(path: Path, array: np.ndarray, dtype=None) -> None:
    """np.save, but a memory-mapped .npy file already holding exactly `array` is linked, not copied."""
    dtype = np.dtype(dtype or array.dtype)
    source = mapped_file(array) if array.dtype == dtype else None
    if source is not None:
        link_or_copy(source, Path(path))
        return
    if isinstance(array, np.memmap) or _mapping(array) is not None:  # copy a mapped array in blocks, releasing them
        rows = max(1, (1 << 24) // max(1, array[:1].nbytes))
        write_npy(Path(path), dtype, array.shape, (_read_block(array, s, rows) for s in range(0, len(array), rows)))
        return
    np.save(path, np.ascontiguousarray(array, dtype=dtype))


def _read_block(array: np.ndarray, start: int, rows: int) -> np.ndarray:
    block = np.array(array[start : start + rows])
    release(array)
    return block


def _mapping(array) -> mmap.mmap | None:
    """The mmap under `array` (through views and np.asarray), or None."""
    seen = 0
    while array is not None and seen < 32:
        if isinstance(array, mmap.mmap):
            return array
        mapped = getattr(array, "_mmap", None)
        if isinstance(mapped, mmap.mmap):
            return mapped
        array = getattr(array, "base", None)
        seen += 1
    return None


def release(*arrays) -> None:
    """Drop the resident pages of memory-mapped arrays (they are read again from the file if used).

    Pages of a shared file mapping already hold the file's bytes, so nothing
    is lost; on systems without madvise this does nothing.
    """
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if advice is None:
        return
    for array in arrays:
        mapped = _mapping(array)
        if mapped is None:
            continue
        try:
            mapped.madvise(advice)
        except (OSError, ValueError):  # closed, or a platform that refuses it
            pass
