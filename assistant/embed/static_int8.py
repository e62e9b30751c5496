"""The shipped OpenVINO static-int8 MiniLM: where it lies and whether it was made from the installed weights.

Static int8 fixes every activation scale at quantisation time (NNCF, calibrated on
news sentences by train/quantize_openvino_int8.py), where onnxruntime's dynamic
int8 measures each batch's activations as it runs. It is 1.15-1.56x faster on the same
cores (the spread is load; docs/speed.md), nearer fp32 (0.998 against 0.992 mean cosine),
and a sentence's vector no longer depends on the sentences batched with it. The model is shipped (23 MB
IR, like the re-ranker) rather than quantised on first use: every machine then
stores the same quantised network, and nncf stays a training dependency.
"""

from __future__ import annotations

import json
from pathlib import Path

MODEL_FOLDER = Path(__file__).resolve().parents[1] / "models" / "minilm-openvino-int8"
MODEL_FILE = MODEL_FOLDER / "model.xml"
MANIFEST_FILE = MODEL_FOLDER / "manifest.json"


class StaleModel(RuntimeError):
    """The shipped int8 model is missing or was made from other weights than the installed ones."""


def shipped_model(source_key: str) -> Path:
    """The IR's path, after checking its manifest names the installed model (`onnx_embedder._model_key`)."""
    if not MODEL_FILE.exists() or not MANIFEST_FILE.exists():
        raise StaleModel(f"{MODEL_FOLDER} has no model: run python train/quantize_openvino_int8.py")
    made_from = json.loads(MANIFEST_FILE.read_text()).get("source_key")
    if made_from != source_key:
        raise StaleModel(
            f"{MODEL_FILE} was quantised from model {made_from}, but the installed one is {source_key}: "
            "run python train/quantize_openvino_int8.py"
        )
    return MODEL_FILE
