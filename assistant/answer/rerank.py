"""A cross-encoder that re-orders the composer's closest candidate sentences.

The composer's score (0.6 x cosine + 0.4 x keyword overlap) says how alike a
sentence is to the question, not whether it answers it. On SQuAD 2.0 the
sentence holding the answer is among the composer's top 8 for 93% of the
answerable questions but first for only 75-78%. This cross-encoder reads the
question and one sentence together (all-MiniLM-L6-v2 fine-tuned here by
`train/train_reranker.py`, exported to ONNX and quantised to int8; weights and
how they were made in `assistant/models/reranker/`) and gives a logit that the
sentence answers.

It only re-orders near-ties: candidates among the top `top` whose score is
within `margin` of the best (and above the abstention threshold) are ranked by
score + `weight` x logit. Abstention still rests on the composer's score, so
the re-ranker never turns an answer into "the articles don't say" or back.
When the weights file is missing the composer keeps its own order
(`shipped_reranker()` warns once and returns None).
"""

from __future__ import annotations

import json
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from assistant.embed.minilm import packaged_tokenizer
from assistant.embed.onnx_embedder import onnxruntime_session

RERANKER_DIR = Path(__file__).resolve().parents[1] / "models" / "reranker"  # assistant/models/reranker
WEIGHTS_FILE = "reranker.int8.onnx"
MANIFEST_FILE = "manifest.json"
CACHED_PAIRS = 1024  # a "this week" question composes twice over overlapping candidates; a chat repeats itself


class RerankerUnavailable(RuntimeError):
    """The re-ranker's weights are missing or unreadable: the composer keeps its own order."""


@dataclass(frozen=True)
class Combination:
    """Which candidates are re-ordered, and how much the re-ranker's logit counts (chosen on SQuAD titles 0-5)."""

    top: int  # the composer's best `top` candidates at most
    margin: float  # within this of the best score
    weight: float  # of the logit, added to the composer's score


class Reranker:
    """`logits(question, sentences)`: one logit per sentence, higher when it answers the question."""

    def __init__(self, folder: str | Path = RERANKER_DIR, threads: int = 1) -> None:
        self.folder = Path(folder)
        self.path = self.folder / WEIGHTS_FILE
        if not self.path.is_file():
            raise RerankerUnavailable(f"{self.path}: no such file (train it with `python train/train_reranker.py`)")
        try:
            self.manifest = json.loads((self.folder / MANIFEST_FILE).read_text(encoding="utf-8"))
            self.combination = Combination(**self.manifest["combination"])
            self.max_tokens = int(self.manifest["max_tokens"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise RerankerUnavailable(f"{self.folder}: unreadable re-ranker manifest ({error})") from None
        self.threads = threads
        self._cache: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    @cached_property
    def tokenizer(self):
        tokenizer = packaged_tokenizer()
        tokenizer.enable_truncation(self.max_tokens, strategy="longest_first")  # as the training's Hugging Face tokenizer
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def session(self):
        try:
            return onnxruntime_session(self.path, self.threads)
        except Exception as error:  # onnxruntime raises its own Fail/InvalidProtobuf types
            raise RerankerUnavailable(f"{self.path}: unreadable re-ranker ({error})") from None

    def logits(self, question: str, sentences: Sequence[str]) -> list[float]:
        """One logit per sentence, remembered for the most recent pairs."""
        logits = []
        for sentence in sentences:
            key = (question, sentence)
            with self._lock:
                logit = self._cache.get(key)
            if logit is None:
                logit = self.logit(question, sentence)
                with self._lock:
                    self._cache[key] = logit
                    if len(self._cache) > CACHED_PAIRS:
                        self._cache.popitem(last=False)
            logits.append(logit)
        return logits

    def forget(self) -> None:
        """Drop the remembered logits (a benchmark timing the model, not the cache)."""
        with self._lock:
            self._cache.clear()

    def logit(self, question: str, sentence: str) -> float:
        """One pair per run: int8 activation scales are computed over the whole input, so a batch
        would let the other sentences (and their padding) change a sentence's logit."""
        encoding = self.tokenizer.encode(question, sentence)
        ids = np.array([encoding.ids], dtype=np.int64)
        feed = {
            "input_ids": ids,
            "attention_mask": np.ones_like(ids),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        return float(self.session.run(None, feed)[0][0])


@lru_cache(maxsize=1)
def shipped_reranker() -> Reranker | None:
    """The re-ranker in assistant/models/reranker, or None (with one warning) when it is missing."""
    try:
        return Reranker(RERANKER_DIR)
    except RerankerUnavailable as error:
        warnings.warn(f"re-ranker unavailable, candidates keep the composer's order: {error}", stacklevel=2)
        return None
