"""The block-by-block BM25 writer (assistant/index/bm25_build.py) makes bm25s's postings."""

from __future__ import annotations

import json

import numpy as np

from assistant.index.bm25 import BM25Index, Postings
from assistant.index.bm25_build import write_bm25

TEXTS = [
    "The Free Syrian Army proposed to meet Russia in Cairo; Russia's ministry said talks would follow.",
    "Talks, talks and more talks: the ministers talked for hours in Cairo.",
    "the of and a an",  # only stopwords: a chunk with no tokens
    "",
    "Running runners ran; the runner runs. RUNS!",
    "Ünïcödé wörds in Zürich and naïve café owners.",
] * 7 + [f"Chunk number {i} mentions Cairo {i % 3} times and Russia." for i in range(50)]


def postings_by_token(postings: Postings) -> dict[str, tuple[list[int], list[float]]]:
    out = {}
    for token, column in postings.vocab.items():
        if token == "":
            continue
        start, end = int(postings.indptr[column]), int(postings.indptr[column + 1])
        out[token] = (postings.indices[start:end].tolist(), postings.data[start:end].tolist())
    return out


def test_postings_and_scores_equal_bm25s_whatever_the_block_size(tmp_path):
    reference = BM25Index.build(TEXTS)
    expected = postings_by_token(reference._postings)
    reference.save(tmp_path / "bm25s")
    for block in (1, 5, 4_096):
        folder = tmp_path / f"blocks-{block}"
        assert write_bm25(iter(TEXTS), folder, block=block) == len(TEXTS)
        ours = Postings.load(folder)
        assert ours.num_docs == len(TEXTS)
        assert postings_by_token(ours) == expected  # the same floats, not just close ones
        assert set(json.loads((folder / "vocab.index.json").read_text())) == set(reference._postings.vocab)
        assert json.loads((folder / "params.index.json").read_text()) == json.loads((tmp_path / "bm25s" / "params.index.json").read_text())
        for name in Postings.FILES:
            assert np.load(folder / name).dtype == np.load(tmp_path / "bm25s" / name).dtype
        index = BM25Index.load(folder)
        for query in ("Where did the Free Syrian Army meet Russia?", "runners in Cairo", "café owners", "the"):
            assert index.search(query, 10) == reference.search(query, 10)
        assert not (folder / ".triples").exists()


def test_an_empty_collection_gives_an_empty_index(tmp_path):
    assert write_bm25(iter([]), tmp_path / "bm25") == 0
    index = BM25Index.load(tmp_path / "bm25")
    assert index.search("anything", 5) == []
