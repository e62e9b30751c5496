"""A BM25 index written block by block: the same postings bm25s makes, without its tokenised corpus.

bm25s builds from the tokenised corpus held whole (lists of Python ints for
every chunk: gigabytes at 413k chunks). Here the chunk texts are read once,
in order, a block at a time; each block's (chunk, token, count) triples go
to scratch files, and a second pass writes the BM25 scores of each token's
postings straight into the output files. Scores are computed as bm25s
computes them (method "lucene": the same float64 arithmetic, rounded to
float32), so the posting lists are identical; only the token numbering
differs (bm25s numbers stems in set order, which varies between processes).
The folder is what `bm25s.BM25.save` writes and `Postings.load` reads.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from assistant.index.bm25 import BM25S_TOKEN
from assistant.index.npy_files import release
from assistant.text import bm25s_stopwords, stemmer

K1, B, DELTA = 1.5, 0.75, 0.5  # bm25s.BM25() defaults
BLOCK_CHUNKS = 4_096  # chunks tokenised at a time
SLICE = 1 << 20  # triples scored at a time in the second pass


def _blocks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    block: list[str] = []
    for text in texts:
        block.append(text)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block


class _Tokens:
    """Words to stem numbers, as bm25s.tokenize(stopwords="en", stemmer=...) splits and stems them."""

    def __init__(self) -> None:
        self.stop = bm25s_stopwords()
        self.stemmer = stemmer()
        self.word_column: dict[str, int] = {}
        self.stems: dict[str, int] = {}

    def columns(self, texts: list[str]) -> list[list[int]]:
        words = [[w for w in BM25S_TOKEN.findall(text.lower()) if w not in self.stop] for text in texts]
        new = list({w for doc in words for w in doc if w not in self.word_column})
        for word, stem in zip(new, self.stemmer.stemWords(new)):
            self.word_column[word] = self.stems.setdefault(stem, len(self.stems))
        column = self.word_column
        return [[column[w] for w in doc] for doc in words]


def write_bm25(texts: Iterable[str], folder: Path, block: int = BLOCK_CHUNKS) -> int:
    """Write the BM25 index of `texts` (row = position) to `folder`; returns the number of rows."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / ".triples"
    scratch.mkdir()
    try:
        tokens = _Tokens()
        lengths: list[np.ndarray] = []
        doc_freq = np.zeros(0, dtype=np.int64)
        n_docs = 0
        with open(scratch / "docs.bin", "wb") as docs_out, open(scratch / "tokens.bin", "wb") as tokens_out, \
                open(scratch / "counts.bin", "wb") as counts_out:
            for texts_block in _blocks(texts, block):
                columns = tokens.columns(texts_block)
                sizes = np.array([len(c) for c in columns], dtype=np.int64)
                flat = np.fromiter((t for c in columns for t in c), dtype=np.int64, count=int(sizes.sum()))
                docs = np.repeat(np.arange(n_docs, n_docs + len(columns), dtype=np.int64), sizes)
                pairs, counts = np.unique((docs << 32) | flat, return_counts=True)  # sorted by chunk, then token
                pair_docs, pair_tokens = (pairs >> 32).astype(np.int32), (pairs & 0xFFFFFFFF).astype(np.int32)
                docs_out.write(pair_docs.tobytes())
                tokens_out.write(pair_tokens.tobytes())
                counts_out.write(counts.astype(np.int32).tobytes())
                if len(tokens.stems) > len(doc_freq):
                    doc_freq = np.concatenate([doc_freq, np.zeros(len(tokens.stems) - len(doc_freq), dtype=np.int64)])
                doc_freq += np.bincount(pair_tokens, minlength=len(doc_freq))
                lengths.append(sizes)
                n_docs += len(columns)
        vocab = len(tokens.stems)
        doc_len = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        _write_postings(folder, scratch, doc_len, doc_freq[:vocab], n_docs)
        vocab_dict = dict(tokens.stems)
        vocab_dict[""] = vocab  # bm25s adds the empty token after the others (create_empty_token)
        (folder / "vocab.index.json").write_text(json.dumps(vocab_dict, ensure_ascii=False), encoding="utf-8")
        (folder / "params.index.json").write_text(json.dumps(_params(n_docs), indent=4))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return n_docs


def _write_postings(folder: Path, scratch: Path, doc_len: np.ndarray, doc_freq: np.ndarray, n_docs: int) -> None:
    """Second pass: each triple's score into its token's posting list (chunks ascending, as bm25s sorts them)."""
    from numpy.lib.format import open_memmap

    vocab = len(doc_freq)
    # bm25s: avg_doc_len = np.array([len(doc_ids) ...]).mean(); idf = math.log(1 + (N - df + 0.5) / (df + 0.5)) as float32
    avg = np.asarray(doc_len, dtype=np.int64).mean() if n_docs else np.float64("nan")
    idf = np.array([math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) if df else 0.0 for df in doc_freq.tolist()], dtype=np.float32)
    indptr = np.zeros(vocab + 1, dtype=np.int64)
    np.cumsum(doc_freq, out=indptr[1:])
    total = int(indptr[-1])
    data = open_memmap(folder / "data.csc.index.npy", "w+", np.float32, (total,))
    indices = open_memmap(folder / "indices.csc.index.npy", "w+", np.int32, (total,))
    cursor = indptr[:-1].copy()
    docs_map = np.memmap(scratch / "docs.bin", dtype=np.int32, mode="r") if total else np.zeros(0, np.int32)
    tokens_map = np.memmap(scratch / "tokens.bin", dtype=np.int32, mode="r") if total else np.zeros(0, np.int32)
    counts_map = np.memmap(scratch / "counts.bin", dtype=np.int32, mode="r") if total else np.zeros(0, np.int32)
    for start in range(0, total, SLICE):
        docs = np.array(docs_map[start : start + SLICE])
        tokens = np.array(tokens_map[start : start + SLICE])
        tf = np.array(counts_map[start : start + SLICE]).astype(np.float32)
        release(docs_map, tokens_map, counts_map)
        # bm25s (_score_tfc_robertson): tf / (k1 * ((1 - b) + b * l_d / l_avg) + tf), times the float32 idf
        l_d = doc_len[docs].astype(np.float64)
        tfc = tf / (K1 * ((1 - B) + B * l_d / avg) + tf)
        scores = (idf[tokens] * tfc).astype(np.float32)
        order = np.argsort(tokens, kind="stable")  # the slice is in chunk order: stable keeps it within a token
        sorted_tokens = tokens[order]
        first_of_run = np.flatnonzero(np.r_[True, sorted_tokens[1:] != sorted_tokens[:-1]])
        run_lengths = np.diff(np.r_[first_of_run, len(sorted_tokens)])
        rank = np.arange(len(sorted_tokens)) - np.repeat(first_of_run, run_lengths)
        positions = cursor[sorted_tokens] + rank
        data[positions] = scores[order]
        indices[positions] = docs[order]
        cursor[sorted_tokens[first_of_run]] += run_lengths
        data.flush()
        indices.flush()
        release(data, indices)
    del docs_map, tokens_map, counts_map
    np.save(folder / "indptr.csc.index.npy", indptr)
    for array in (data, indices):
        array.flush()
        release(array)


def _params(n_docs: int) -> dict:
    """params.index.json as bm25s.BM25().save writes it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        bm25s_version = version("bm25s")
    except PackageNotFoundError:
        bm25s_version = "0.0.0"
    return {"k1": K1, "b": B, "delta": DELTA, "method": "lucene", "idf_method": "lucene", "dtype": "float32",
            "int_dtype": "int32", "num_docs": n_docs, "version": bm25s_version, "backend": "numpy"}
