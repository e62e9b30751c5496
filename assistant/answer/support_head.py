"""A trained support head: does the cited evidence support a sentence an LLM wrote?

The old check (assistant.answer.support) adds a sentence cosine to a keyword
overlap: a free paraphrase ("the FSA proposed to meet in Cairo" for
"expressed readiness to hold talks ... in the Egyptian capital, Cairo")
shares few words and falls under the bar. This head reads the claim token
by token against the evidence, the way the reading head reads a question
against a sentence (assistant.answer.reading): MiniLM layer-3 token states
(int8, assistant.embed.token_states), projected, each claim token's best
match among the evidence's tokens (max-sim) and exact matches, pooled by
learned token weights (`reading.token_features`, shared); plus the old
check's own figures and hard checks (EXTRA_FEATURES). A tiny MLP turns them
into the probability that the evidence supports the claim; five such
heads (seeds 0-4) are averaged, because one alone swings with its seed.

Trained by `train/train_support.py` (QuoteSum half + synthetic news pairs)
into `assistant/models/support/` (weights, threshold, data and figures).
NOT SHIPPED: on held-out data it traded wrong citations rejected for
supported sentences kept without beating the old check (README, "Written
answers from an LLM"; the measured manifest is bench/results/support_head.json).
With no such folder the old scoring decides, silently; with the folder but
no readable weights `shipped_support_head()` warns once and returns None.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from assistant.answer.reading import mlp, read_head, token_features
from assistant.embed.token_states import TokenStates
from assistant.text import terms

class OldCheck(Protocol):
    """What the head reads of the old check's `assistant.answer.support.Support` (no import: support imports this)."""

    similarity: float
    cosine: float
    overlap: float
    missing_numbers: tuple[str, ...]
    missing_names: tuple[str, ...]
    contradiction: str

SUPPORT_DIR = Path(__file__).resolve().parents[1] / "models" / "support"  # assistant/models/support
WEIGHTS_FILE = "support_head.npz"
EXTRA_FEATURES = (
    "old score", "cosine", "keyword overlap", "a number is missing", "a name is missing", "polarity conflict",
    "claim content words (/20)", "claim content words the evidence lacks (/5)", "negation in one of the two only",
    "capitalised claim words the evidence lacks (/3)",
)
NEGATION = re.compile(r"\b(not|never|no|nor|without|neither|none|nothing)\b|n't\b", re.I)
CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w-]+")


class SupportUnavailable(RuntimeError):
    """The head's weights are missing or unreadable: the old scoring decides."""


def extra_features(claim: str, evidence: Sequence[str], result: OldCheck) -> np.ndarray:
    """The old check's view of the pair (EXTRA_FEATURES), from its `Support` and the texts."""
    joined = " ".join(evidence)
    claim_terms, evidence_terms = frozenset(terms(claim)), frozenset(terms(joined))
    evidence_words = {w.lower() for w in re.findall(r"[\w-]+", joined)}
    capitalised = {w for w in CAPITALISED.findall(claim) if w.lower() not in evidence_words}
    return np.array(
        [
            result.similarity, result.cosine, result.overlap, bool(result.missing_numbers), bool(result.missing_names),
            bool(result.contradiction), min(len(claim_terms), 40) / 20, min(len(claim_terms - evidence_terms), 10) / 5,
            bool(NEGATION.search(claim)) != bool(NEGATION.search(joined)), min(len(capitalised), 6) / 3,
        ],
        dtype=np.float32,
    )


def stacked(states: TokenStates, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
    """Token states of several evidence sentences, one run each, stacked: a claim token may match any of them."""
    parts = [states.states(t) for t in texts]
    if not parts:
        return np.zeros((0, 384), dtype=np.float32), []
    return np.concatenate([p[0] for p in parts]), [i for p in parts for i in p[1]]


class SupportHead:
    """The shipped head: `probability(claim, evidence, result)` in [0, 1], compared with `threshold`."""

    def __init__(self, folder: str | Path = SUPPORT_DIR, states: TokenStates | None = None) -> None:
        self.folder = Path(folder)
        path = self.folder / WEIGHTS_FILE
        if not path.is_file():
            raise SupportUnavailable(f"{path}: no such file (train it with `python train/train_support.py`)")
        try:
            weights, self.manifest = read_head(self.folder, WEIGHTS_FILE)
            count = 1 + max(int(name.split("_", 1)[0][1:]) for name in weights)
            self.members = [{name.split("_", 1)[1]: v for name, v in weights.items() if name.startswith(f"m{k}_")} for k in range(count)]
            self.threshold = float(self.manifest["threshold"])
        except (OSError, ValueError, KeyError, IndexError) as error:
            raise SupportUnavailable(f"{self.folder}: unreadable support head ({error})") from None
        self.states = states or TokenStates()

    def probability(self, claim: str, evidence: Sequence[str], result: OldCheck) -> float:
        """The members' mean probability; token states are computed once, each member projects them its own way."""
        c_states, c_ids = self.states.states(claim)
        e_states, e_ids = stacked(self.states, evidence)
        extra = extra_features(claim, evidence, result)
        return float(np.mean([mlp(w, np.concatenate([token_features(w, c_states, c_ids, e_states, e_ids), extra])) for w in self.members]))


@lru_cache(maxsize=1)
def shipped_support_head() -> SupportHead | None:
    """The head in assistant/models/support, or None: silently when that folder is not there (not shipped:
    it did not beat the old check on held-out data, see README), with one warning when the folder is there
    but its weights are missing or unreadable."""
    if not SUPPORT_DIR.is_dir():
        return None
    try:
        return SupportHead(SUPPORT_DIR)
    except SupportUnavailable as error:
        warnings.warn(f"support head unavailable, the old support score decides: {error}", stacklevel=2)
        return None
