"""The reader: a small cross-encoder that judges one (question or claim, sentence) pair.

Cosine and keyword overlap cannot tell a sentence that answers a question
from one that merely shares its words ("talks with Turkey" vs "talks with
Russia"). The reader reads the question (or a claim) together with a
candidate sentence and its neighbours and says:

- `answer`: probability that the sentence answers the question;
- `span`: the short answer, as character offsets into the sentence;
- `support` / `contradict`: probability that the sentence (in context)
  supports or contradicts a claim (the third case is "neither").

It is a few layers of all-MiniLM-L6-v2 fine-tuned by `train/train_cross_encoder.py`
and written as ONNX int8 to `assistant/models/cross_encoder/` with a manifest of
how it was trained. Only onnxruntime and tokenizers run at query time, on
one thread with spinning off. When the file is missing `load_reader()`
returns None (and `Reader(...)` raises `ReaderUnavailable`) so callers keep
their old scoring.

The input layout is defined here, once, for training and inference alike:
``[CLS] query [SEP] sentence [SEP] before … after [SEP]``: the sentence
always comes whole and first, the neighbours fill what is left.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

import numpy as np

READER_DIR = Path(__file__).resolve().parents[1] / "models" / "cross_encoder"  # assistant/models/cross_encoder (not shipped)
MODEL_FILE = "reader.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"

MAX_TOKENS = 96  # what the shipped reader was trained with
MAX_QUERY_TOKENS = 32
MAX_SENTENCE_TOKENS = 60  # longer sentences are read (and spans found) in their first 60 tokens
MAX_ANSWER_TOKENS = 24  # longest span the decoder returns
CLS_ID, SEP_ID, PAD_ID = 101, 102, 0
HEADS = ("answer", "support", "neutral", "contradict")  # cls logits: answer (sigmoid), then NLI (softmax of 3)
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAMES = ("cls_logits", "start_logits", "end_logits")


class ReaderUnavailable(RuntimeError):
    """The reader's model file (or its runtime) is missing: fall back to the old scoring."""


@dataclass(frozen=True)
class Candidate:
    """A sentence to judge, with the text just before and after it in its article."""

    sentence: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class ReaderVerdict:
    """What the reader says about one candidate sentence."""

    answer: float  # P(the sentence answers the question): the manifest's `answer_score` recipe of the two below
    answer_head: float  # the pair head's answer probability
    answer_span: float  # 1 - P(the span head points at [CLS], "no answer here")
    span: tuple[int, int] | None  # short answer: [start, end) into the sentence, None for an empty sentence
    span_score: float  # softmax(start) * softmax(end) of that span
    support: float  # P(sentence supports the query read as a claim)
    contradict: float  # P(sentence contradicts it)

    def short_answer(self, sentence: str) -> str | None:
        return sentence[self.span[0] : self.span[1]] if self.span else None


@dataclass
class Encoded:
    """One pair as token ids, with where the sentence's tokens sit and their character offsets."""

    ids: list[int]
    type_ids: list[int]
    sentence_start: int  # index of the sentence's first token in `ids`
    offsets: list[tuple[int, int]]  # per sentence token, character range in the sentence


def load_tokenizer(path: str | Path):
    """A `tokenizers.Tokenizer` with no truncation, padding or special tokens added."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def encode(tokenizer, query: str, candidate: Candidate, max_tokens: int = MAX_TOKENS) -> Encoded:
    """Lay out one pair: ``[CLS] query [SEP] sentence [SEP] before … after [SEP]``."""
    q = tokenizer.encode(query, add_special_tokens=False).ids[:MAX_QUERY_TOKENS]
    s = tokenizer.encode(candidate.sentence, add_special_tokens=False)
    s_ids, offsets = s.ids[:MAX_SENTENCE_TOKENS], s.offsets[:MAX_SENTENCE_TOKENS]
    room = max_tokens - len(q) - len(s_ids) - 4
    context: list[int] = []
    if room > 0 and (candidate.before or candidate.after):
        before = tokenizer.encode(candidate.before, add_special_tokens=False).ids if candidate.before else []
        after = tokenizer.encode(candidate.after, add_special_tokens=False).ids if candidate.after else []
        take_before = min(len(before), max(room // 2, room - len(after)))
        take_after = min(len(after), room - take_before)
        context = (before[len(before) - take_before :] if take_before else []) + after[:take_after]
    ids = [CLS_ID, *q, SEP_ID, *s_ids, SEP_ID, *context, SEP_ID]
    type_ids = [0] * (len(q) + 2) + [1] * (len(s_ids) + len(context) + 2)
    return Encoded(ids=ids, type_ids=type_ids, sentence_start=len(q) + 2, offsets=[tuple(o) for o in offsets])


def pad(batch: Sequence[Encoded]) -> dict[str, np.ndarray]:
    """The model's three int64 inputs for a batch, padded to its longest pair."""
    width = max(len(e.ids) for e in batch)
    ids = np.full((len(batch), width), PAD_ID, dtype=np.int64)
    types = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    for row, e in enumerate(batch):
        ids[row, : len(e.ids)] = e.ids
        types[row, : len(e.ids)] = e.type_ids
        mask[row, : len(e.ids)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def null_probability(start: np.ndarray, end: np.ndarray, e: Encoded) -> float:
    """P(start and end at [CLS]) over [CLS] and the sentence-and-context tokens, as trained."""
    allowed = [0, *range(e.sentence_start, len(e.ids))]
    return float(_softmax(start[allowed])[0] * _softmax(end[allowed])[0])


def best_span(start: np.ndarray, end: np.ndarray, e: Encoded) -> tuple[tuple[int, int] | None, float]:
    """The most likely [start, end) character span inside the sentence (end token >= start token)."""
    n = len(e.offsets)
    if n == 0:
        return None, 0.0
    s = _softmax(start[e.sentence_start : e.sentence_start + n])
    t = _softmax(end[e.sentence_start : e.sentence_start + n])
    scores = np.triu(np.outer(s, t)) - np.triu(np.outer(s, t), MAX_ANSWER_TOKENS)
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return (e.offsets[i][0], e.offsets[j][1]), float(scores[i, j])


ANSWER_SCORES = {
    "head": lambda head, span: head,
    "mean of the answer head and 1 - P(null span)": lambda head, span: (head + span) / 2,
}


def verdicts(
    cls_logits: np.ndarray, start: np.ndarray, end: np.ndarray, batch: Sequence[Encoded], answer_score: str = "head"
) -> list[ReaderVerdict]:
    """Turn the network's raw outputs for a batch into verdicts."""
    combine = ANSWER_SCORES[answer_score]
    head = _sigmoid(cls_logits[:, 0])
    nli = _softmax(cls_logits[:, 1:4])
    out = []
    for row, e in enumerate(batch):
        span, span_score = best_span(start[row], end[row], e)
        has_span = 1.0 - null_probability(start[row], end[row], e)
        out.append(
            ReaderVerdict(
                answer=float(combine(float(head[row]), has_span)),
                answer_head=float(head[row]),
                answer_span=has_span,
                span=span,
                span_score=span_score,
                support=float(nli[row, 0]),
                contradict=float(nli[row, 2]),
            )
        )
    return out


class Reader:
    """The shipped ONNX int8 reader, run by onnxruntime on one thread."""

    def __init__(self, folder: str | Path = READER_DIR, threads: int = 1):
        self.folder = Path(folder)
        self.model_file = self.folder / MODEL_FILE
        for needed in (self.model_file, self.folder / TOKENIZER_FILE):
            if not needed.is_file():
                raise ReaderUnavailable(f"{needed}: no such file (train one with `python train/train_cross_encoder.py`)")
        self.threads = threads

    @cached_property
    def tokenizer(self):
        return load_tokenizer(self.folder / TOKENIZER_FILE)

    @cached_property
    def session(self):
        try:
            import onnxruntime as ort
        except ImportError as error:  # pragma: no cover - a dependency of the package
            raise ReaderUnavailable(f"onnxruntime is not installed ({error})") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(self.model_file), options, providers=["CPUExecutionProvider"])

    @cached_property
    def manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    @cached_property
    def answer_score(self) -> str:
        """How `answer` combines the two answerability estimates (the manifest says; older files: the head alone)."""
        recipe = self.manifest.get("answer_score", "head")
        if recipe not in ANSWER_SCORES:
            raise ReaderUnavailable(f"{self.folder / MANIFEST_FILE}: unknown answer_score {recipe!r}")
        return recipe

    def score(self, query: str, candidates: Sequence[Candidate | str], batch_size: int = 1) -> list[ReaderVerdict]:
        """One verdict per candidate, in order. `query` is a question or a claim.

        Pairs run one at a time by default: dynamic int8 quantisation scales
        activations per batch, so in a batch a pair's scores shift with its
        neighbours and padding (by up to 0.04 here), and batching saved no
        CPU time on one thread (40 ms for 10 pairs either way).
        """
        pairs = [encode(self.tokenizer, query, c if isinstance(c, Candidate) else Candidate(c)) for c in candidates]
        out: list[ReaderVerdict] = []
        for first in range(0, len(pairs), batch_size):
            batch = pairs[first : first + batch_size]
            cls_logits, start, end = self.session.run(list(OUTPUT_NAMES), pad(batch))
            out.extend(verdicts(cls_logits, start, end, batch, self.answer_score))
        return out


def load_reader(folder: str | Path = READER_DIR) -> Reader | None:
    """The shipped reader, or None with a warning when its file is missing."""
    try:
        return Reader(folder)
    except ReaderUnavailable as error:
        warnings.warn(f"reader unavailable, using the old scoring: {error}", stacklevel=2)
        return None


def candidates_in(text: str, spans: Sequence[tuple[int, int]], context_chars: int = 300) -> list[Candidate]:
    """Candidates for sentence spans of one text, each with up to `context_chars` of text on either side."""
    return [
        Candidate(text[s:e], before=text[max(0, s - context_chars) : s].strip(), after=text[e : e + context_chars].strip())
        for s, e in spans
    ]
