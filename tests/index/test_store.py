"""The index folder is NewsCite's own: what a build refuses, what cleanup may delete, how writers wait.

Real components: the packaged MiniLM model, real FAISS indexes in tmp_path, the CLI in a subprocess.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading

import pytest

from assistant.index.build import update_index
from assistant.index.store import (
    FOLDER_MARKER,
    IndexFolderError,
    current_generation,
    load_index,
    remove_stale_generations,
    write_lock,
)
from tests.conftest import BUNDLED, ROOT


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(BUNDLED, folder)
    return folder


def unrelated_files(folder):
    """What a user might keep in a folder: names that look like NewsCite's leftovers but are not."""
    (folder / "gen-2023-photos").mkdir(parents=True)
    (folder / "gen-2023-photos" / "beach.jpg").write_bytes(b"\xff\xd8 photo")
    (folder / "thesis.tmp").mkdir()
    (folder / "thesis.tmp" / "chapter1.tex").write_text("\\chapter{Intro}")
    return [folder / "gen-2023-photos" / "beach.jpg", folder / "thesis.tmp" / "chapter1.tex"]


def test_case_1_a_non_empty_folder_without_a_newscite_index_is_refused_and_left_alone(seeds, tmp_path, embedder):
    index_dir = tmp_path / "u"
    kept = unrelated_files(index_dir)
    with pytest.raises(IndexFolderError, match="not empty and holds no NewsCite index"):
        update_index(index_dir, [seeds], embedder)
    assert all(path.exists() for path in kept)
    assert not (index_dir / FOLDER_MARKER).exists() and current_generation(index_dir) is None


def test_case_1_the_cli_says_so_without_a_traceback(seeds, tmp_path):
    index_dir = tmp_path / "u"
    kept = unrelated_files(index_dir)
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "index", str(seeds), "--index-dir", str(index_dir)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert run.returncode == 1
    assert "not empty and holds no NewsCite index" in run.stderr and "Traceback" not in run.stderr
    assert all(path.exists() for path in kept)


def test_case_1_cleanup_deletes_only_generations_newscite_marked(seeds, tmp_path, embedder):
    index_dir = tmp_path / "index"
    update_index(index_dir, [seeds], embedder)
    first = current_generation(index_dir)
    kept = unrelated_files(index_dir)  # the user puts things into a NewsCite index folder afterwards
    update_index(index_dir, [seeds], embedder, rebuild=True)
    second = current_generation(index_dir)
    assert second != first and not first.exists()  # NewsCite's own old generation is gone
    assert all(path.exists() for path in kept)
    remove_stale_generations(index_dir, keep=second.name)
    assert all(path.exists() for path in kept) and second.exists()


def test_an_empty_or_new_folder_is_claimed_and_an_old_unmarked_index_is_still_ours(seeds, tmp_path, embedder):
    empty = tmp_path / "empty"
    empty.mkdir()
    update_index(empty, [seeds], embedder)
    assert (empty / FOLDER_MARKER).is_file()
    (empty / FOLDER_MARKER).unlink()  # an index built before the marker existed
    _, report = update_index(empty, [seeds], embedder)
    assert len(report.unchanged) == 5 and (empty / FOLDER_MARKER).is_file()


def test_case_8_index_dir_pointing_at_a_file_is_a_clear_error(seeds, tmp_path, embedder):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("my notes")
    with pytest.raises(IndexFolderError, match="is a file, not a folder"):
        update_index(a_file, [seeds], embedder)
    with pytest.raises(IndexFolderError, match="is a file, not a folder"):
        load_index(a_file)
    assert a_file.read_text() == "my notes"
    for command in (["index", str(seeds)], ["ask", "Who?"]):
        run = subprocess.run(
            [sys.executable, "-m", "assistant", *command, "--index-dir", str(a_file)],
            cwd=ROOT, capture_output=True, text=True,
        )
        assert run.returncode == 1 and "is a file, not a folder" in run.stderr and "Traceback" not in run.stderr


def test_case_8_a_waiting_writer_says_it_waits(tmp_path):
    index_dir = tmp_path / "index"
    holding, release = threading.Event(), threading.Event()

    def first_writer():
        with write_lock(index_dir):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert holding.wait(10)
    said: list[str] = []
    entered = threading.Event()

    def second_writer():
        with write_lock(index_dir, on_wait=said.append):
            entered.set()

    waiter = threading.Thread(target=second_writer)
    waiter.start()
    entered.wait(0.5)
    assert not entered.is_set()  # still waiting for the first writer...
    assert said == [f"Another NewsCite process is writing the index in {index_dir}; waiting for it to finish..."]
    release.set()
    thread.join(10)
    waiter.join(10)
    assert entered.is_set()


def test_a_writer_that_does_not_wait_says_nothing(tmp_path):
    said: list[str] = []
    with write_lock(tmp_path / "index", on_wait=said.append):
        pass
    assert said == []

