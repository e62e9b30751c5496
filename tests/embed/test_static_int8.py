"""The shipped static-int8 model is the one its manifest describes, and a stale one is refused, not used."""

from __future__ import annotations

import hashlib
import json

import pytest

from assistant.embed import static_int8
from assistant.embed.onnx_embedder import BackendUnavailable, OnnxEmbedder, _model_key


def test_the_shipped_files_are_the_ones_the_manifest_names():
    manifest = json.loads(static_int8.MANIFEST_FILE.read_text())
    assert manifest["made_by"] == "python train/quantize_openvino_int8.py"
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((static_int8.MODEL_FOLDER / name).read_bytes()).hexdigest() == digest, name
    assert manifest["source_key"] == _model_key()  # made from the MiniLM installed here


def test_a_model_made_from_other_weights_is_refused_with_the_command_that_remakes_it(tmp_path, monkeypatch):
    manifest = json.loads(static_int8.MANIFEST_FILE.read_text())
    stale = tmp_path / "manifest.json"
    stale.write_text(json.dumps({**manifest, "source_key": "0123456789abcdef"}))
    monkeypatch.setattr(static_int8, "MANIFEST_FILE", stale)
    with pytest.raises(BackendUnavailable, match="quantised from model 0123456789abcdef.*train/quantize_openvino_int8.py"):
        OnnxEmbedder("openvino-int8").warm_up()
    monkeypatch.setattr(static_int8, "MODEL_FILE", tmp_path / "model.xml")  # not there
    with pytest.raises(BackendUnavailable, match="has no model"):
        OnnxEmbedder("openvino-int8").warm_up()
