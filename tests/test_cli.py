"""The `newscite index` command: one line per problem, never a traceback; progress off a terminal."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import BUNDLED, ROOT


@pytest.fixture
def seeds(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(BUNDLED, folder)
    return folder


def test_a_size_limit_that_is_not_a_size_is_one_clear_message(seeds, tmp_path):
    import os

    run = subprocess.run(
        [sys.executable, "-m", "assistant", "index", str(seeds), "--index-dir", str(tmp_path / "index")],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NEWSCITE_MAX_FILE_MB": "lots"},
    )
    assert run.returncode == 1 and run.stderr.strip() == "NEWSCITE_MAX_FILE_MB='lots' is not a number"


def test_off_a_terminal_the_indexer_prints_its_progress(seeds, tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "index", str(seeds), "--index-dir", str(tmp_path / "index")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert run.returncode == 0 and "embedding: 87 of 87 sentences" in run.stderr
