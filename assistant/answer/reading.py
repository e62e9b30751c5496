"""A reading head that can veto the composer's answer when the sentence does not answer the question.

The composer (assistant.answer.extractive) picks the closest sentence: its
score says how alike the question and the sentence are, not whether the
sentence answers. This head reads both token by token: the token states of
MiniLM's lowest three layers (assistant.embed.token_states, onnxruntime
int8), projected to 64 dimensions; each question token's best match in the
sentence (late interaction, max-sim) and whether the token occurs there
exactly, pooled with learned per-token weights; plus the composer's own
scores for the candidate. A small MLP turns these into the probability that
the sentence answers. About 25k parameters, trained by
`train/train_reader.py` on SQuAD 2.0 titles 10-15 and synthetic look-alike
questions; weights and how they were made in `assistant/models/reader/`.

It is used as a veto only: after the threshold and the constraint rule
picked a sentence, an answerability below the calibrated threshold turns
the answer into an abstention. When the weights file is missing the
composer answers as before (`shipped_head()` warns once and returns None).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embed.token_states import TokenStates

READER_DIR = Path(__file__).resolve().parents[1] / "models" / "reader"  # assistant/models/reader
WEIGHTS_FILE = "reading_head.npz"
MANIFEST_FILE = "manifest.json"
MAX_RANK = 8  # the head was trained on the composer's top 8 candidates
COMPOSER_FEATURES = ("score", "cosine", "overlap", "rank", "gap")
TEXT_FEATURES = (
    "asks for a number, the sentence has a new one", "asks for a number, the sentence has none new",
    "asks for a name or place, the sentence has a new one", "asks for a name or place, the sentence has none new",
    "new names in the sentence (/5)", "negation in one of the two only", "sentence words (/50)",
)
ASKS_NUMBER = re.compile(r"\b(how (many|much|long|old|far|large|big|often|tall|high)|what (year|percentage|percent|age|decade|century)|when)\b", re.I)
ASKS_NAME = re.compile(r"\b(who|whom|whose|where|which)\b", re.I)
NUMBER = re.compile(r"\d[\d,.]*")
NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w-]+")
NEGATION = re.compile(r"\b(not|never|no|n't|without|nor)\b|n't\b", re.I)


class ReadingUnavailable(RuntimeError):
    """The head's weights are missing or unreadable: the composer keeps its old rule."""


@dataclass(frozen=True)
class CandidateScores:
    """What the composer knows of one candidate sentence."""

    score: float
    cosine: float
    overlap: float
    rank: int  # 0 = the composer's best
    gap: float  # best score - this score

    def vector(self) -> np.ndarray:
        return np.array([self.score, self.cosine, self.overlap, min(self.rank, MAX_RANK) / MAX_RANK, self.gap], dtype=np.float32)


def token_features(
    weights: dict[str, np.ndarray], q_states: np.ndarray, q_ids: list[int], s_states: np.ndarray, s_ids: list[int]
) -> np.ndarray:
    """Late-interaction and exact-match features, pooled over the question's tokens (see `build_head` in bench/common.py)."""
    if len(q_ids) == 0 or len(s_ids) == 0:
        return np.zeros(6, dtype=np.float32)
    # einsum, not @: for matrices this small OpenBLAS wakes its thread pool and costs 16 ms of CPU on a busy machine (einsum 0.4 ms)
    q = np.einsum("ij,jk->ik", q_states, weights["proj_w"]) + weights["proj_b"]
    s = np.einsum("ij,jk->ik", s_states, weights["proj_w"]) + weights["proj_b"]
    q /= np.linalg.norm(q, axis=1, keepdims=True) + 1e-6
    s /= np.linalg.norm(s, axis=1, keepdims=True) + 1e-6
    best = (q @ s.T).max(axis=1)
    present = set(s_ids)
    exact = np.array([t in present for t in q_ids], dtype=np.float32)
    logits = q_states @ weights["tok_w"] + weights["tok_b"]
    a = np.exp(logits - logits.max())
    a /= a.sum()
    return np.array(
        [float(a @ best), float(best.mean()), float(best.min()), float(a @ exact), float(exact.mean()), float(a @ (best * (1 - exact)))],
        dtype=np.float32,
    )


def text_features(question: str, sentence: str) -> np.ndarray:
    """Answer type and surface cues (TEXT_FEATURES): does the sentence bring what the question asks for?"""
    q_words = set(re.findall(r"[\w-]+", question.lower()))
    new_numbers = [n for n in NUMBER.findall(sentence) if n.strip(",.").lower() not in q_words]
    new_names = {n for n in NAME.findall(sentence) if n.lower() not in q_words}
    number, name = bool(ASKS_NUMBER.search(question)), bool(ASKS_NAME.search(question))
    return np.array(
        [
            number and bool(new_numbers), number and not new_numbers, name and bool(new_names), name and not new_names,
            min(len(new_names), 5) / 5, bool(NEGATION.search(question)) != bool(NEGATION.search(sentence)),
            min(len(sentence.split()), 100) / 50,
        ],
        dtype=np.float32,
    )


def read_head(folder: Path, weights_file: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """A head trained here: its float32 arrays and its manifest (OSError, ValueError or KeyError when unreadable)."""
    with np.load(folder / weights_file) as stored:
        weights = {name: stored[name].astype(np.float32) for name in stored.files}
    return weights, json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))


def mlp(weights: dict[str, np.ndarray], features: np.ndarray) -> float:
    x = (features - weights["mean"]) / weights["std"]
    h = np.maximum(0.0, x @ weights["w1"] + weights["b1"])
    logit = float(h @ weights["w2"] + weights["b2"])
    return 1.0 / (1.0 + np.exp(-logit))


class ReadingHead:
    """The shipped head: `answerability(question, sentence, scores)` in [0, 1]; `answers(...)` applies the threshold."""

    def __init__(self, folder: str | Path = READER_DIR, states: TokenStates | None = None) -> None:
        self.folder = Path(folder)
        path = self.folder / WEIGHTS_FILE
        if not path.is_file():
            raise ReadingUnavailable(f"{path}: no such file (train it with `python train/train_reader.py`)")
        try:
            self.weights, self.manifest = read_head(self.folder, WEIGHTS_FILE)
            self.threshold = float(self.manifest["threshold"])
            self.text = "text" in self.manifest.get("features", {})  # heads trained with TEXT_FEATURES read them too
        except (OSError, ValueError, KeyError) as error:
            raise ReadingUnavailable(f"{self.folder}: unreadable reading head ({error})") from None
        self.states = states or TokenStates()

    def answerability(self, question: str, sentence: str, scores: CandidateScores) -> float:
        q_states, q_ids = self.states.states(question)
        s_states, s_ids = self.states.states(sentence)
        parts = [token_features(self.weights, q_states, q_ids, s_states, s_ids), scores.vector()]
        if self.text:
            parts.append(text_features(question, sentence))
        return mlp(self.weights, np.concatenate(parts))

    def answers(self, question: str, sentence: str, scores: CandidateScores) -> bool:
        return self.answerability(question, sentence, scores) >= self.threshold


@lru_cache(maxsize=1)
def shipped_head() -> ReadingHead | None:
    """The head in assistant/models/reader, or None (with one warning) when it is missing."""
    try:
        return ReadingHead(READER_DIR)
    except ReadingUnavailable as error:
        warnings.warn(f"reading head unavailable, answers are not vetoed: {error}", stacklevel=2)
        return None
