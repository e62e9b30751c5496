"""Token states of the lowest layers of all-MiniLM-L6-v2, run by onnxruntime int8.

The reading head (assistant/answer/reading.py) compares a question with a
candidate sentence token by token (late interaction). It needs each token's
state, not the pooled sentence vector, and three layers are enough for that:
the lower layers keep words close to their surface form, and three cost half
of six. The truncated network is exported once, on first use, beside the
embedder's own export (`assistant.embed.onnx_embedder.model_dir()`), then
quantised to int8 per channel; every later process only needs onnxruntime
and tokenizers. It always runs int8, whatever `NEWSCITE_BACKEND` says: the
head was trained on these states, and a head must see the states it learned.
"""

from __future__ import annotations

import threading
import warnings
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.embed.minilm import model_path, packaged_tokenizer
from assistant.embed.onnx_embedder import OPSET, BackendUnavailable, _publish, _quantize_int8, model_dir, onnxruntime_session

LAYERS = 3
EXPORT_VERSION = 1  # bump when the exported graph changes
MAX_TOKENS = 128
SPECIAL_IDS = frozenset({0, 100, 101, 102, 103})  # [PAD] [UNK] [CLS] [SEP] [MASK]


def _export_fp32(target: Path) -> None:
    """torch.onnx export of the embeddings and the lowest `LAYERS` transformer layers."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_path(), attn_implementation="eager", local_files_only=True).eval()
    model.encoder.layer = model.encoder.layer[:LAYERS]
    model.config.num_hidden_layers = LAYERS

    class States(torch.nn.Module):
        def __init__(self, encoder) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    example = torch.ones(2, 8, dtype=torch.int64)
    axes = {name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            States(model),
            (example, example, torch.zeros_like(example)),
            str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["states"],
            dynamic_axes={**axes, "states": {0: "batch", 1: "tokens"}},
            opset_version=OPSET,
            dynamo=False,
        )


def exported_states_model() -> Path:
    """The int8 token-state model, exported and quantised on first use (~10 s)."""
    folder = model_dir()
    fp32 = folder / f"states-l{LAYERS}-v{EXPORT_VERSION}.onnx"
    int8 = folder / f"states-l{LAYERS}-v{EXPORT_VERSION}_int8.onnx"
    if int8.exists():
        return int8
    if not fp32.exists():
        try:
            _publish(_export_fp32, fp32)
        except ImportError as error:
            raise BackendUnavailable(f"cannot export the token-state model to ONNX: {error}") from error
    _publish(_quantize_int8(fp32), int8)
    return int8


class TokenStates:
    """Per-token states (layer `LAYERS`) of one text at a time: no batch neighbours shift int8 scales."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._lock = threading.Lock()

    @cached_property
    def tokenizer(self):
        tokenizer = packaged_tokenizer()
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def session(self):
        try:
            import onnxruntime  # noqa: F401
        except ImportError as error:  # pragma: no cover - a dependency of the package
            raise BackendUnavailable(f"onnxruntime is not installed: {error}") from error
        return onnxruntime_session(exported_states_model(), self.threads)

    def states(self, text: str) -> tuple[np.ndarray, list[int]]:
        """(tokens x 384 float32 states, token ids), special tokens dropped."""
        encoding = self.tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        with self._lock:
            out = self.session.run(None, feed)[0][0]
        keep = [i for i, t in enumerate(encoding.ids) if t not in SPECIAL_IDS]
        return out[keep].astype(np.float32, copy=False), [encoding.ids[i] for i in keep]
