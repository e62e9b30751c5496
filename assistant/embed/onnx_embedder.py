"""all-MiniLM-L6-v2 exported to ONNX and run by OpenVINO or onnxruntime.

Torch plus sentence-transformers take seconds to import and embed 4-6x
slower on these CPUs than the same network run by an inference runtime. The
packaged model is exported once, on first use, to a user cache directory
(nothing is committed, nothing downloaded); the export needs torch, every
later process only needs `tokenizers` and the runtime. Mean pooling and L2
normalisation are part of the graph, so a run returns finished embeddings.

Backends (see `BACKENDS`), all but the first reading the same exported file:

- ``openvino-int8``: OpenVINO running the shipped static-int8 model (assistant/embed/static_int8.py):
  int8 weights and activations with fixed scales, the fastest here and the canonical choice.
- ``openvino-bf16``: OpenVINO with bfloat16 inference, for CPUs with native bf16
  (AVX512-BF16/AMX); elsewhere OpenVINO emulates it ~40x slower, so
  assistant/embed/backend_choice.py never picks it there.
- ``onnx-int8``: onnxruntime, weights quantised to int8 per channel, activations per batch (the questions' backend).
- ``onnx-fp32``: onnxruntime, the exported graph as is (same vectors as torch).
- ``openvino-fp32``: OpenVINO in fp32 (same vectors as torch).

Queries run on one thread with idle spinning off (a spinning pool slows the
FAISS search that follows); batches use every core.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import warnings
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from assistant.embed.batching import (CLS_ID, ROWS_PER_BATCH, OPENVINO_BATCH_TOKENS, SEP_ID, Batch, BatchesRunner, Runner,
                                      length_batches, serial_batches, sorted_batches)
from assistant.embed.minilm import BATCH_SIZE, MODEL_DIM, MODEL_MAX_TOKENS, MODEL_NAME, model_path, packaged_tokenizer, piece_tokenizer
from assistant.embed.openvino_runtime import openvino_runner, openvino_streams
from assistant.embed.static_int8 import StaleModel, shipped_model

EXPORT_VERSION = 1  # bump when the exported graph changes
OPSET = 17
BACKENDS = ("openvino-int8", "openvino-bf16", "onnx-int8", "onnx-fp32", "openvino-fp32")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")



class BackendUnavailable(RuntimeError):
    """The runtime for a backend is missing or its model cannot be built here."""


def cache_root() -> Path:
    """`$NEWSCITE_CACHE_DIR`, else `$XDG_CACHE_HOME/newscite`, else ~/.cache/newscite."""
    if os.environ.get("NEWSCITE_CACHE_DIR"):
        return Path(os.environ["NEWSCITE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newscite"


def _model_key() -> str:
    """Changes when the packaged weights or the export recipe change."""
    folder = Path(model_path())
    digest = hashlib.sha256(f"{MODEL_NAME}/{EXPORT_VERSION}/{OPSET}".encode())
    for name in ("config.json", "tokenizer.json"):
        digest.update((folder / name).read_bytes())
    weights = folder / "model.safetensors"
    digest.update(str(weights.stat().st_size).encode())
    with open(weights, "rb") as handle:
        digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:16]


def model_dir() -> Path:
    return cache_root() / f"onnx-{_model_key()}"


def _publish(build: Callable[[Path], None], target: Path) -> Path:
    """Build into a temporary file beside `target`, then rename: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        build(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _export_fp32(target: Path) -> None:
    """torch.onnx export of the transformer with mean pooling and L2 normalisation in the graph."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_path(), attn_implementation="eager", local_files_only=True).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, encoder) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    example = torch.ones(2, 8, dtype=torch.int64)
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shape-dependent Python branches
        torch.onnx.export(
            Pooled(model),
            (example, example, torch.zeros_like(example)),
            str(target),
            input_names=list(INPUTS),
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )


def _quantize_int8(source: Path) -> Callable[[Path], None]:
    def build(target: Path) -> None:
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantiser logs "consider pre-processing" advice on the root logger
        try:
            # per channel: per-tensor scales lost too much (top-10 overlap with fp32 0.68 vs 0.86)
            quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.setLevel(level)

    return build


def exported_model(precision: str = "fp32") -> Path:
    """Path of the exported model ("fp32" or "int8"), building it on first use."""
    folder = model_dir()
    fp32 = folder / "model.onnx"
    if not fp32.exists():
        try:
            _publish(_export_fp32, fp32)
        except ImportError as error:  # torch or transformers missing: no export possible here
            raise BackendUnavailable(f"cannot export the model to ONNX: {error}") from error
        (folder / "export.json").write_text(json.dumps({"model": MODEL_NAME, "source": model_path(), "export_version": EXPORT_VERSION}))
    if precision == "fp32":
        return fp32
    if precision != "int8":
        raise ValueError(f"unknown precision {precision!r}")
    int8 = folder / "model_int8.onnx"
    if not int8.exists():
        _publish(_quantize_int8(fp32), int8)
    return int8


def onnxruntime_session(path: Path, threads: int, spinning: bool = False):
    """An onnxruntime CPU session on `threads` threads, quiet; without spinning, idle threads sleep
    instead of holding a core that other work on a shared machine needs."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _onnxruntime_runner(path: Path, threads: int, spinning: bool) -> Runner:
    session = onnxruntime_session(path, threads, spinning)
    return lambda feed: session.run(None, feed)[0]


class OnnxEmbedder:
    """The Embedder protocol on an inference runtime; same vectors as `TorchEmbedder` up to rounding."""

    name = MODEL_NAME
    dim = MODEL_DIM

    def __init__(self, backend: str = BACKENDS[0], batch_threads: int | None = None, query_threads: int = 1) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        self.backend = backend
        self.rows_per_batch = ROWS_PER_BATCH[backend.split("-")[0]]
        # OpenVINO pads within sorted batches (masked: a row's vector is the same alone); onnxruntime's
        # dynamic int8 would quantise the padding with the rows, so it keeps exact-length batches.
        self.padded = backend.startswith("openvino-")
        self.batch_threads = batch_threads or os.cpu_count() or 1
        self.query_threads = query_threads
        self._runners: dict[tuple[int, bool], Runner] = {}
        self._runner_lock = threading.Lock()

    @cached_property
    def tokenizer(self):
        tokenizer = packaged_tokenizer()
        tokenizer.enable_truncation(MODEL_MAX_TOKENS)  # the file says 128; sentence-transformers uses 256
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
        return tokenizer

    @cached_property
    def piece_tokenizer(self):
        """Word pieces only: no [CLS]/[SEP], no truncation, no padding (what `embed_tokens` takes)."""
        return piece_tokenizer()

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's word pieces (untruncated, without [CLS]/[SEP]): a build counts them for its chunks
        and embeds them, so every sentence is tokenised once."""
        return [e.ids for e in self.piece_tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    def _make_runner(self, threads: int, spinning: bool) -> Runner:
        runtime, precision = self.backend.split("-")
        if runtime == "onnx":
            try:
                import onnxruntime  # noqa: F401
            except ImportError as error:
                raise BackendUnavailable(f"onnxruntime is not installed: {error}") from error
            return _onnxruntime_runner(exported_model(precision), threads, spinning)
        path, precision = self._openvino_model()
        return openvino_runner(path, model_dir() / "openvino-cache", precision, threads)

    def _openvino_model(self) -> tuple[Path, str]:
        """The model file and OpenVINO precision hint of an openvino-* backend."""
        try:
            import openvino  # noqa: F401
        except ImportError as error:
            raise BackendUnavailable(f"openvino is not installed: {error}") from error
        precision = self.backend.split("-")[1]
        if precision == "int8":  # what stays in floating point runs in f32: bf16 there was slower (docs/speed.md)
            try:
                return shipped_model(_model_key()), "f32"
            except StaleModel as error:
                raise BackendUnavailable(str(error)) from error
        return exported_model("fp32"), {"bf16": "bf16", "fp32": "f32"}[precision]

    def runner(self, threads: int, spinning: bool) -> Runner:
        key = (threads, spinning)
        with self._runner_lock:
            if key not in self._runners:
                self._runners[key] = self._make_runner(threads, spinning)
            return self._runners[key]

    @cached_property
    def batches_runner(self) -> BatchesRunner:
        """How a run of many batches uses every core: OpenVINO streams side by side, onnxruntime one batch after the other."""
        if self.backend.startswith("openvino-") and self.batch_threads > 1:
            path, precision = self._openvino_model()
            return openvino_streams(path, model_dir() / "openvino-cache", precision, self.batch_threads)
        return serial_batches(self.runner(self.batch_threads, True))

    def release(self) -> None:
        """Let the batch runtime go, keeping the query runner: after a big build OpenVINO holds about
        1 GB of per-shape kernels and buffers. The next batch rebuilds it from the compiled-model cache."""
        with self._runner_lock:
            self.__dict__.pop("batches_runner", None)
            self._runners = {key: run for key, run in self._runners.items() if key == (self.query_threads, False)}

    def warm_up(self) -> "OnnxEmbedder":
        """Build (or load) the model and run it once, so a broken backend fails here, not mid-query."""
        vector = self.embed_query("warm up")
        if vector.shape != (self.dim,) or not np.isfinite(vector).all():
            raise BackendUnavailable(f"{self.backend} returned a malformed embedding")
        return self

    def _feed(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Normalised float32 vectors, one row per text (`embed_tokens` of their word pieces)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.embed_tokens(self.token_ids(texts), batch_size)

    def embed_tokens(self, pieces: Sequence[Sequence[int]], batch_size: int | None = None) -> np.ndarray:
        """Vectors of texts given as word pieces (`token_ids`), in batches sorted by length.

        Each row is [CLS] + its first 254 pieces + [SEP] (what the tokenizer's own truncation to 256
        gives). onnxruntime batches hold up to `batch_size` rows (default `ROWS_PER_BATCH`) of one
        exact length, no padding: its dynamic int8 quantises a run's activations with one scale for
        the whole batch, padding included, so its vectors depend a little on their batch neighbours
        (0.991 mean, 0.973 min cosine between a sentence alone and in a batch of 16; docs/backends.md).
        OpenVINO batches are consecutive rows in length order padded to their longest and masked
        (`sorted_batches`): fewer input shapes, 6% faster than exact lengths, and the static int8's
        fixed scales leave a row's vector as it is alone (0.9999998 mean cosine to exact-length batches).
        """
        out = np.zeros((len(pieces), self.dim), dtype=np.float32)
        if not len(pieces):
            return out
        keep = MODEL_MAX_TOKENS - 2
        lengths = np.fromiter((min(len(p), keep) for p in pieces), dtype=np.int64, count=len(pieces))

        def batches() -> Iterable[Batch]:
            size = batch_size or self.rows_per_batch
            cut = sorted_batches(lengths, size, OPENVINO_BATCH_TOKENS) if self.padded else length_batches(lengths, size)
            for rows in cut:
                ids = np.zeros((len(rows), int(lengths[rows].max()) + 2), dtype=np.int64)
                mask = np.zeros_like(ids)
                for row, index in enumerate(rows):
                    length = lengths[index]
                    ids[row, 0], ids[row, 1 : length + 1], ids[row, length + 1] = CLS_ID, pieces[index][:keep], SEP_ID
                    mask[row, : length + 2] = 1
                yield rows, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}

        # A handful of texts (a question, a small update) runs on the query runner: one thread, no spinning.
        if len(pieces) <= BATCH_SIZE:
            serial_batches(self.runner(self.query_threads, False))(batches(), out)
        else:
            self.batches_runner(batches(), out)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.runner(self.query_threads, False)(self._feed([text]))[0].astype(np.float32, copy=False)
