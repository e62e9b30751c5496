"""The .npy helpers of the streaming build (assistant/index/npy_files.py)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.npy_files import NpyWriter, link_or_copy, mapped_file, release, save_array, write_npy


def test_rows_written_in_blocks_read_back_as_one_array(tmp_path):
    rows = np.arange(35, dtype=np.float32).reshape(7, 5)
    write_npy(tmp_path / "a.npy", np.float32, rows.shape, [rows[:3], rows[3:3], rows[3:]])
    assert np.array_equal(np.load(tmp_path / "a.npy"), rows)
    write_npy(tmp_path / "empty.npy", np.int8, (0, 4), [])
    assert np.load(tmp_path / "empty.npy", mmap_mode="r").shape == (0, 4)


def test_a_writer_refuses_a_row_count_other_than_declared(tmp_path):
    with pytest.raises(ValueError, match="2 rows written, 3 declared"):
        with NpyWriter(tmp_path / "a.npy", np.int64, (3, 2)) as writer:
            writer.write(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ValueError, match="rows of shape"):
        NpyWriter(tmp_path / "b.npy", np.int64, (3, 2)).write(np.zeros((3, 4), dtype=np.int64))


def test_a_mapped_file_is_hard_linked_and_anything_else_saved(tmp_path):
    np.save(tmp_path / "source.npy", np.arange(12, dtype=np.int64).reshape(4, 3))
    mapped = np.load(tmp_path / "source.npy", mmap_mode="r")
    assert mapped_file(mapped) == tmp_path / "source.npy"
    assert mapped_file(mapped[1:]) is None and mapped_file(np.asarray(mapped) * 2) is None
    save_array(tmp_path / "linked.npy", mapped)
    assert (tmp_path / "linked.npy").stat().st_ino == (tmp_path / "source.npy").stat().st_ino
    save_array(tmp_path / "converted.npy", mapped, np.float32)  # another dtype: written, not linked
    assert (tmp_path / "converted.npy").stat().st_ino != (tmp_path / "source.npy").stat().st_ino
    assert np.array_equal(np.load(tmp_path / "converted.npy"), np.asarray(mapped, dtype=np.float32))
    save_array(tmp_path / "plain.npy", np.ones((2, 2)))
    assert np.array_equal(np.load(tmp_path / "plain.npy"), np.ones((2, 2)))
    link_or_copy(tmp_path / "plain.npy", tmp_path / "plain-2.npy")
    assert np.array_equal(np.load(tmp_path / "plain-2.npy"), np.ones((2, 2)))


def test_released_pages_read_back_the_same(tmp_path):
    values = np.random.default_rng(1).normal(size=(1_000, 64)).astype(np.float32)
    np.save(tmp_path / "v.npy", values)
    mapped = np.load(tmp_path / "v.npy", mmap_mode="r")
    assert float(mapped.sum()) == pytest.approx(float(values.sum()))
    release(mapped, np.asarray(mapped)[10:20], values)  # views of a mapping and plain arrays alike
    assert np.array_equal(np.asarray(mapped), values)
