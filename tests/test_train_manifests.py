"""bench/ measures, train/ makes the shipped files (issue 26): each shipped model file names the script that makes it.

A script that writes a file NewsCite ships (model weights, their manifest, a calibration) lives in
train/; bench/ only measures (its results go to bench/results/). Helpers both use are in
bench/common.py.
"""

from __future__ import annotations

import ast
import json

import pytest

from tests.conftest import ROOT

# what a shipped model file records of how it was made, and the script that makes it
SHIPPED = {
    "assistant/models/reader/manifest.json": "train/train_reader.py",
    "assistant/models/reranker/manifest.json": "train/train_reranker.py",
    "assistant/models/minilm-openvino-int8/manifest.json": "train/quantize_openvino_int8.py",
    "assistant/answer/calibration.json": "train/calibrate_abstention.py",
}
# where the models' folders and the calibration are named in code: a script using one writes it
SHIPPED_NAMES = {"READER_DIR", "RERANKER_DIR", "SUPPORT_DIR", "CALIBRATION_FILE", "MANIFEST_FILE", "WEIGHTS_FILE"}


@pytest.mark.parametrize("manifest, script", sorted(SHIPPED.items()))
def test_each_shipped_model_file_names_the_script_in_train_that_makes_it(manifest, script):
    made_by = json.loads((ROOT / manifest).read_text(encoding="utf-8"))["made_by"]
    assert made_by == f"python {script}"
    assert (ROOT / script).is_file()
    # and the script writes that line itself, so the next run keeps it
    assert f'"made_by": "python {script}"' in (ROOT / script).read_text(encoding="utf-8")


def test_every_models_folder_is_listed():
    folders = {f"assistant/models/{p.parent.name}/manifest.json" for p in (ROOT / "assistant" / "models").glob("*/manifest.json")}
    assert folders <= set(SHIPPED)


def test_bench_scripts_do_not_write_shipped_files():
    writers = []
    for path in sorted((ROOT / "bench").glob("*.py")):
        names = {alias.asname or alias.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.ImportFrom) for alias in node.names}
        if names & SHIPPED_NAMES:
            writers.append(path.name)
    assert writers == [], f"scripts in bench/ that name a shipped file (move them to train/): {writers}"
