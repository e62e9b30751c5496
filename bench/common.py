"""Helpers shared by more than one script of bench/ (what measures) and train/ (what makes a shipped file).

The one module both folders import (`from bench.common import ...`, with the repository root on
sys.path): scripts take shared helpers from here, not from each other, so no import circle forms
(tests/test_import_cycles.py checks). Heavy libraries (torch, llama-index, the model) load inside the
functions that need them.

- The RealTime QA material the speed benchmarks run on, streamed from ../shared (never copied):
  the gold questions and their gold articles come from the evaluation's own adapter
  (`assistant.eval.datasets.load_realtimeqa`); the corpus is read line by line from the gzip
  file, so a size of N holds N articles in memory, not the whole file.
- The llama-index baseline pipeline (bench/speed.py, bench/ingest_quick.py).
- Peak memory of a build per phase, and a stand-in embedder (bench/ray_scale.py): see `PhaseMemory`.
- SQuAD 2.0 splits over their cached indexes and the token-state head's training
  (train/train_reader.py, train/train_reranker.py, train/train_support.py).
- Support pairs: QuoteSum answer sentences against cited / uncited passages, the bundled
  paraphrase sets, judged by the old check and the installed support head (bench/calibrate_support.py,
  bench/bench_support.py, train/train_support.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.eval.datasets import RTQA_CORPUS, _jsonl, corpus_article, load_realtimeqa  # noqa: E402
from assistant.eval.questions import Question  # noqa: E402
from assistant.model import Article, Span  # noqa: E402


# --- the RealTime QA corpus -----------------------------------------------------------

REALTIMEQA = ROOT.parent / "shared" / "datasets" / "realtimeqa"
CORPUS = REALTIMEQA / RTQA_CORPUS


@lru_cache(maxsize=1)
def _gold():
    return load_realtimeqa(REALTIMEQA, distractors=0)


def gold_articles() -> list[Article]:
    return list(_gold().articles)


def gold_questions() -> list[Question]:
    return list(_gold().questions)


def corpus_records(limit: int | None = None) -> Iterator[dict]:
    """The first `limit` records of the corpus (all when None), in file order, streamed."""
    return islice(_jsonl(CORPUS), limit)


def corpus_sample(limit: int | None) -> tuple[list[Article], int]:
    """Articles of the first `limit` corpus records, and how many records had no text."""
    articles, empty, seen = [], 0, set()
    for record in corpus_records(limit):
        if not (record.get("text") or "").strip() or record["doc_id"] in seen:
            empty += 1
            continue
        seen.add(record["doc_id"])
        articles.append(corpus_article(record, CORPUS))
    return articles, empty


# --- the llama-index baseline ----------------------------------------------------------


def llama_index_embed_model():
    """The packaged model as llama-index's `HuggingFaceEmbedding`, set in `Settings` beside a MockLLM (never OpenAI)."""
    from llama_index.core import Settings
    from llama_index.core.llms import MockLLM
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from assistant.embed.minilm import model_path

    Settings.llm = MockLLM()
    Settings.embed_model = HuggingFaceEmbedding(model_name=model_path(), device="cpu")
    return Settings.embed_model


def llama_index_build(articles, embed_model, chunk_size: int | None = None):
    """`VectorStoreIndex.from_documents` into a FAISS store: the pipeline a user writes first, its defaults.

    `chunk_size` (gpt tokens) sets its SentenceSplitter's; the default (1,024) cuts chunks that MiniLM
    truncates to 256 tokens, so most of each article is never embedded; 200 embeds every word
    (issue 25's baseline, bench/ingest_quick.py)."""
    import faiss
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.vector_stores.faiss import FaissVectorStore

    documents = [Document(text=a.text, id_=a.doc_id) for a in articles]
    storage = StorageContext.from_defaults(vector_store=FaissVectorStore(faiss_index=faiss.IndexFlatL2(384)))
    options = {}
    if chunk_size:
        from llama_index.core.node_parser import SentenceSplitter

        options["transformations"] = [SentenceSplitter(chunk_size=chunk_size, chunk_overlap=20)]
    return VectorStoreIndex.from_documents(documents, storage_context=storage, embed_model=embed_model, **options)



# --- peak memory of a build, per phase ---------------------------------------------------
# Peak memory of a build, per phase, and a stand-in embedder for measuring everything but the model.
#
# `PhaseMemory` samples /proc/self/status (VmRSS, RssAnon, RssFile) every 20 ms on a
# thread and files each sample under the phase running at that moment. Phases are
# marked by wrapping the build's own functions (whichever exist in the checkout
# measured, so the code before a change is measured the same way):
#
# - load: reading the articles (before the build starts)
# - segments: splitting, chunking, embedding, spilling the shards
# - merge: writing the merged arrays
# - faiss: building the FAISS index
# - bm25: building the BM25 index
# - write: the rest of saving the generation (and reopening it)
#
# RssAnon is the process's own heap (what grows with Python objects and numpy
# arrays); RssFile is memory-mapped file pages, which the kernel can drop under
# pressure but which count in RSS.
#
# `StandInEmbedder` gives every text a deterministic pseudo-random unit vector
# from a hash of the text: a full-corpus build then measures its non-model
# memory in minutes instead of CPU-hours.

FIELDS = ("VmRSS", "RssAnon", "RssFile")


def status() -> dict[str, float]:
    """VmRSS, RssAnon, RssFile of this process in MB."""
    values = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in FIELDS:
                values[key] = int(rest.split()[0]) / 1024
    return values


class PhaseMemory:
    """Peak VmRSS / RssAnon / RssFile per phase, sampled on a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.phase = "start"
        self.peaks: dict[str, dict[str, float]] = {}
        self.order: list[str] = []
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        now = status()
        peak = self.peaks.setdefault(self.phase, {k: 0.0 for k in FIELDS})
        if self.phase not in self.order:
            self.order.append(self.phase)
        for key in FIELDS:
            peak[key] = max(peak[key], now.get(key, 0.0))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(self._interval)

    def set(self, phase: str) -> None:
        self._sample()  # the end of the previous phase
        self.phase = phase
        self._sample()

    def __enter__(self) -> "PhaseMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()

    def report(self) -> dict:
        return {phase: {k: round(v, 1) for k, v in self.peaks[phase].items()} for phase in self.order}


def _wrap(owner, name: str, tracker: PhaseMemory, phase: str, after: str, generator: bool = False) -> None:
    original = getattr(owner, name, None)
    if original is None:
        return
    if generator:
        def wrapped(*args, **kwargs):
            tracker.set(phase)
            for item in original(*args, **kwargs):
                yield item
                tracker.set(phase)
    else:
        def wrapped(*args, **kwargs):
            tracker.set(phase)
            try:
                return original(*args, **kwargs)
            finally:
                tracker.set(after)
    setattr(owner, name, wrapped)


def instrument(tracker: PhaseMemory) -> None:
    """Mark the build's phases by wrapping its functions (only those this checkout has)."""
    import assistant.index.build as build
    import assistant.index.store as store
    from assistant.index import bm25

    _wrap(build, "local_segments", tracker, "segments", "merge", generator=True)
    _wrap(build, "merge_rows", tracker, "merge", "write")
    _wrap(store, "build_faiss", tracker, "faiss", "write")
    _wrap(bm25.BM25Index, "build", tracker, "bm25", "write")
    _wrap(store, "write_bm25", tracker, "bm25", "write")  # the block-by-block BM25 writer, where it exists


class StandInEmbedder:
    """Deterministic unit vectors from a hash of each text: the build's memory without the model's."""

    name = "stand-in (hashed vectors)"
    backend = "stand-in"
    dim = 384

    def embed(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
            out[row] = np.random.default_rng(seed).standard_normal(self.dim, dtype=np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


# --- SQuAD 2.0 splits and the token-state heads' training -------------------------------

SQUAD_DIR = ROOT.parent / "shared" / "datasets" / "squad2_dev_half"

SPLITS = {"training": (10, 15), "calibration": (0, 5), "evaluation": (6, 9)}

PROJ_DIM = 64

HIDDEN = 16

TOKEN_FEATURES = 6


def git_commit() -> str:
    run = lambda *cmd: subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    head = run("git", "rev-parse", "HEAD") or "unknown"
    return head + ("+changes" if run("git", "status", "--porcelain", "--", "bench", "train", "assistant") else "")


def holds_answer(sentence: str, answers: list[str]) -> bool:
    low = sentence.lower()
    return any(a.lower() in low for a in answers)


class Split:
    """The composer over one split's cached index, with its candidates per question (the veto off)."""

    def __init__(self, first: int, last: int) -> None:
        from assistant.eval.datasets import load_squad
        from assistant.eval.runner import default_index_dir
        from assistant.options import assistant_for

        self.questions = load_squad(SQUAD_DIR, first_title=first, titles=last - first + 1)
        self.bot = assistant_for(self.questions, default_index_dir(f"bench-squad-{first}-{last}"))
        self.snapshot = self.bot._snapshot  # the composer's candidates are not public: read them the way ask() does
        self.composer = self.bot.composer
        self.composer.reading = None

    def scored(self, question: str):
        found = self.bot._retrieve(self.snapshot, question, None, None)
        return found, self.composer.score(found.query, found.query_vector, self.composer.candidates(found.hits), question)

    def text(self, row: int) -> str:
        return self.snapshot.data.sentence_text(row)

    def picked(self, question: str):
        """(query, sentence text, CandidateScores) of the sentence the composer would quote, or None when it abstains."""
        from assistant.model import Answer

        found, scored = self.scored(question)
        choice = self.composer.choose(found, scored)
        if isinstance(choice, Answer):
            return None
        first, _ = choice
        return found.query, self.text(first.row), self.composer.candidate_scores(scored, first)


class Bank:
    """Token states of every distinct text, computed once (int8, one text per run, as at query time)."""

    def __init__(self) -> None:
        from assistant.embed.token_states import TokenStates

        self.states = TokenStates()
        self.index: dict[str, int] = {}
        self.items: list[tuple[np.ndarray, list[int]]] = []

    def __call__(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append(self.states.states(text))
        return self.index[text]

    def stack(self, texts: tuple[str, ...]) -> int:
        """Several texts' states stacked as one item (the support head's several cited sentences)."""
        if len(texts) == 1:
            return self(texts[0])
        key = "\x00".join(texts)
        if key not in self.index:
            parts = [self.items[self(t)] for t in texts]
            self.index[key] = len(self.items)
            self.items.append((np.concatenate([p[0] for p in parts]), [i for p in parts for i in p[1]]))
        return self.index[key]

    def padded(self, which: list[int]):
        """(states, mask) tensors of the chosen texts, padded to the longest."""
        import torch

        width = max(1, max(len(self.items[i][1]) for i in which))
        states = torch.zeros(len(which), width, 384)
        mask = torch.zeros(len(which), width, dtype=torch.bool)
        for row, i in enumerate(which):
            s, ids = self.items[i]
            states[row, : len(ids)] = torch.from_numpy(s)
            mask[row, : len(ids)] = True
        return states, mask


def build_head():
    import torch

    class Head(torch.nn.Module):
        """The same computation as assistant.answer.reading (token_features + mlp), batched and differentiable."""

        def __init__(self, mean: np.ndarray, std: np.ndarray) -> None:
            super().__init__()
            self.proj = torch.nn.Linear(384, PROJ_DIM)
            self.tok = torch.nn.Linear(384, 1)
            self.w1 = torch.nn.Linear(len(mean), HIDDEN)
            self.w2 = torch.nn.Linear(HIDDEN, 1)
            self.register_buffer("mean", torch.from_numpy(mean))
            self.register_buffer("std", torch.from_numpy(std))

        def forward(self, qs, qmask, exact, ss, smask, composer):
            q = torch.nn.functional.normalize(self.proj(qs), dim=-1, eps=1e-6)
            s = torch.nn.functional.normalize(self.proj(ss), dim=-1, eps=1e-6)
            sim = q @ s.transpose(1, 2)
            sim = sim.masked_fill(~smask[:, None, :], -4.0)
            best = sim.max(-1).values
            logits = self.tok(qs).squeeze(-1).masked_fill(~qmask, -1e9)
            a = torch.softmax(logits, -1)
            m = qmask.float()
            n = m.sum(-1).clamp(min=1)
            features = torch.stack(
                [
                    (a * best).sum(-1),
                    (best * m).sum(-1) / n,
                    best.masked_fill(~qmask, 4.0).min(-1).values,
                    (a * exact).sum(-1),
                    (exact * m).sum(-1) / n,
                    (a * best * (1 - exact)).sum(-1),
                ],
                -1,
            )
            x = (torch.cat([features, composer], -1) - self.mean) / self.std
            return self.w2(torch.relu(self.w1(x))).squeeze(-1)

        def numpy_weights(self) -> dict[str, np.ndarray]:
            d = lambda t: t.detach().cpu().numpy().astype(np.float32)  # noqa: E731
            return {
                "proj_w": d(self.proj.weight.T), "proj_b": d(self.proj.bias),
                "tok_w": d(self.tok.weight[0]), "tok_b": d(self.tok.bias[0]),
                "w1": d(self.w1.weight.T), "b1": d(self.w1.bias),
                "w2": d(self.w2.weight[0]), "b2": d(self.w2.bias[0]),
                "mean": d(self.mean), "std": d(self.std),
            }

    return Head


def fit(bank: Bank, q_index: list[int], s_index: list[int], composer: np.ndarray, labels_list: list[int], seed: int,
        epochs: int, batch: int, lr: float, weight_decay: float, threads: int = 2):
    """Train `Head` on (question or claim, sentence or evidence) pairs of the bank, with `composer` as extra features.

    Used by train/train_reader.py (the reading head) and train/train_support.py (the support head: claim against cited evidence)."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    labels = torch.tensor(labels_list, dtype=torch.float32)
    mean = np.concatenate([np.zeros(TOKEN_FEATURES), composer.mean(0)]).astype(np.float32)
    std = np.concatenate([np.full(TOKEN_FEATURES, 0.3), composer.std(0) + 1e-3]).astype(np.float32)
    head = build_head()(mean, std)
    optimiser = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=weight_decay)
    generator = np.random.default_rng(seed)
    positives = float(labels.mean())
    pos_weight = torch.tensor((1 - positives) / max(positives, 1e-3))
    composer_t = torch.from_numpy(composer)
    # every text padded once; a batch is then an index (questions and sentences apart: their lengths differ)
    questions, sentences = sorted(set(q_index)), sorted(set(s_index))
    q_states, q_mask = bank.padded(questions)
    s_states, s_mask = bank.padded(sentences)
    q_where = {v: k for k, v in enumerate(questions)}
    q_row = torch.tensor([q_where[i] for i in q_index])
    where = {v: k for k, v in enumerate(sentences)}
    s_row = torch.tensor([where[i] for i in s_index])
    exact = torch.zeros(len(labels_list), q_states.shape[1])
    for n, (qi, si) in enumerate(zip(q_index, s_index)):
        present = set(bank.items[si][1])
        ids = bank.items[qi][1]
        exact[n, : len(ids)] = torch.tensor([t in present for t in ids], dtype=torch.float32)
    lengths = np.array([len(bank.items[i][1]) for i in s_index], dtype=np.float64)
    for epoch in range(epochs):
        # batches of alike sentence lengths (little padding), in random order
        order = np.argsort(lengths + generator.random(len(labels_list)) * 6, kind="stable")
        batches = [order[first : first + batch] for first in range(0, len(order), batch)]
        total = 0.0
        for b in generator.permutation(len(batches)):
            idx = torch.from_numpy(batches[b])
            qr, sr = q_row[idx], s_row[idx]
            qm, sm = q_mask[qr], s_mask[sr]
            lq, ls = int(qm.sum(-1).max()), int(sm.sum(-1).max())
            logit = head(q_states[qr, :lq], qm[:, :lq], exact[idx, :lq], s_states[sr, :ls], sm[:, :ls], composer_t[idx])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, labels[idx], pos_weight=pos_weight)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(idx)
        print(f"epoch {epoch + 1}: loss {total / len(labels_list):.4f}", file=sys.stderr)
    return head



# --- support pairs ----------------------------------------------------------------------

QUOTESUM = ROOT.parent / "shared" / "datasets" / "quotesum" / "dev.jsonl"

MARK = re.compile(r"\[\s*(\d)\s+(.*?)\s*\]")


def plain_with_marks(summary: str) -> tuple[str, list[tuple[int, int, int]]]:
    """The summary without marks, and (start, end, passage) of each marked span in it."""
    out, spans, last = [], [], 0
    length = 0
    for match in MARK.finditer(summary):
        before = summary[last : match.start()]
        out.append(before)
        length += len(before)
        text = match.group(2)
        spans.append((length, length + len(text), int(match.group(1))))
        out.append(text)
        length += len(text)
        last = match.end()
    out.append(summary[last:])
    return "".join(out), spans


def sentences_of(text: str) -> list[str]:
    from assistant.ingest.sentences import split_sentences

    return [text[s.start : s.end] for s in split_sentences(text, [Span(0, len(text))])]


def question_pairs():
    """`pairs()` with the record's question first (train/train_support.py splits the records by it)."""
    from assistant.ingest.sentences import split_sentences
    from assistant.text import terms

    for line in QUOTESUM.read_text().splitlines():
        record = json.loads(line)
        passages = {n: record.get(f"source{n}", "") for n in range(1, 9)}
        passages = {n: text for n, text in passages.items() if text.strip()}
        titles = {n: (record.get(f"title{n}") or "").strip() for n in passages}
        plain, spans = plain_with_marks(record["summary"])
        plain = re.sub(r"\s+", " ", plain)
        for sentence_span in split_sentences(plain, [Span(0, len(plain))]):
            sentence = plain[sentence_span.start : sentence_span.end]
            cited = {n for a, b, n in spans if a < sentence_span.end and b > sentence_span.start}
            cited &= set(passages)
            uncited = set(passages) - cited
            if not cited or not uncited or len(terms(sentence)) < 3:
                continue
            yield (
                record["question"],
                sentence,
                [s for n in sorted(cited) for s in [titles[n], *sentences_of(passages[n])] if s],
                [s for n in sorted(uncited) for s in [titles[n], *sentences_of(passages[n])] if s],
            )


PARAPHRASES = {"dev": ROOT / "data" / "support_paraphrases.jsonl", "heldout": ROOT / "data" / "support_paraphrases_heldout.jsonl"}


def half_of(question: str) -> str:
    digest = hashlib.md5(question.encode("utf-8")).digest()
    if digest[0] % 2:
        return "quotesum_heldout"
    return "quotesum_calibration" if digest[1] % 4 == 0 else "quotesum_training"


class Row:
    """One (claim, cited evidence) pair with the old check's result; the head's probability once scored."""

    def __init__(self, group: str, kind: str, label: int, claim: str, evidence: tuple[str, ...], result, source: str = "") -> None:
        self.group, self.kind, self.label, self.claim, self.evidence, self.result, self.source = group, kind, label, claim, evidence, result, source
        self.p = float("nan")

    def old(self) -> bool:
        from assistant.answer.support import SUPPORT_THRESHOLD, hard_checks_pass

        return hard_checks_pass(self.result) and self.result.similarity >= SUPPORT_THRESHOLD

    def new(self, threshold: float) -> bool:
        from assistant.answer.support import hard_checks_pass

        return hard_checks_pass(self.result) and self.p >= threshold


def quotesum_rows(embedder) -> list[Row]:
    """calibrate_support's pairs: the best sentence (old score) of a cited / an uncited passage; numbers and names
    checked against those passages, the score and polarity against the best sentence (calibrate_support.best)."""
    from assistant.answer.support import SUPPORT_WEIGHT, claim_of, numbers_in, overlap, support
    from assistant.text import terms

    triples = list(question_pairs())
    texts = sorted({t for _, s, c, u in triples for t in [s, *c, *u]})
    vectors = dict(zip(texts, embedder.embed(texts)))
    rows = []
    for question, sentence, cited, uncited in triples:
        group = half_of(question)
        for label, candidates in ((1, cited), (0, uncited)):
            def old_score(candidate: str) -> float:
                cosine = float(vectors[sentence] @ vectors[candidate])
                return SUPPORT_WEIGHT * cosine + (1 - SUPPORT_WEIGHT) * overlap(frozenset(terms(sentence)), frozenset(terms(candidate)))

            best = max(candidates, key=old_score)
            result = support(sentence, vectors[sentence], [best], vectors[best][None, :], context=candidates, head=None)
            result.missing_numbers = tuple(sorted(numbers_in(claim_of(sentence)) - frozenset().union(*(numbers_in(c) for c in candidates))))
            rows.append(Row(group, "supported" if label else "wrong citation", label, claim_of(sentence), (best,), result, question))
    return rows


def paraphrase_rows() -> list[Row]:
    """Both paraphrase sets, scored as the LLM path scores them (bench/calibrate_support.paraphrases)."""
    from assistant import Assistant
    from assistant.answer.constraints import name_context
    from assistant.answer.support import claim_of, support
    from assistant.text import terms

    bot = Assistant.from_directory(ROOT / "data" / "articles", Path(tempfile.mkdtemp()) / "index")
    data = bot.data
    doc_index = {article.doc_id: i for i, article in enumerate(data.articles)}
    rows = []
    for name, path in PARAPHRASES.items():
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for record, vector in zip(records, bot.embedder.embed([r["claim"] for r in records])):
            doc = doc_index[record["doc"].removesuffix(".txt")]
            row = next(i for i, (d, start, end) in enumerate(data.sentences[:, :3]) if d == doc and start <= record["start"] < end)
            evidence = data.sentence_text(row)
            result = support(record["claim"], vector, [evidence], bot.composer.vectors.get([row]),
                             frozenset(terms(data.articles[doc].outlet_name)), context=name_context(data, row), head=None)
            rows.append(Row(f"paraphrases_{name}", record["kind"], int(record["label"] == "supported"), claim_of(record["claim"]),
                            (evidence,), result, record["id"]))
    return rows


# --- the old support check and the installed support head on the same pairs -----------------


def shipped():
    """The installed support head (assistant/models/support), or None."""
    from assistant.answer.support_head import SupportHead, SupportUnavailable

    try:
        return SupportHead()
    except SupportUnavailable:
        return None


def judge(rows, head) -> None:
    """Each row's probability from `head` (through `SupportHead.probability`, as the product computes it)."""
    if head is not None:
        for r in rows:
            r.p = head.probability(r.claim, list(r.evidence), r.result)


def paraphrase_rows_and_head():
    rows, head = paraphrase_rows(), shipped()
    judge(rows, head)
    return rows, head


def quotesum_rows_and_head():
    from assistant.embed.embedding import default_embedder

    rows, head = quotesum_rows(default_embedder()), shipped()
    judge(rows, head)
    return rows, head
