"""BM25 search from the saved postings (without importing bm25s) equals bm25s."""

from __future__ import annotations


import numpy as np

from assistant.index.store import current_generation

QUERY = "Where did the FSA propose to meet Russia?"


def test_bm25_search_without_bm25s_matches_bm25s(bot):
    """Questions are tokenised and scored from the saved posting lists exactly as bm25s would."""
    import bm25s

    from assistant.index.bm25 import BM25Index, _query_tokens
    from assistant.text import stemmer

    data = bot.data
    texts = [QUERY, "Who is the FSA's spokesman?", "What's the U.S. role -- if any -- in 2016?", "", "a an the"]
    texts += [data.sentence_text(r) for r in range(0, len(data.sentences), 7)]
    for text in texts:
        expected = bm25s.tokenize([text], stopwords="en", stemmer=stemmer(), show_progress=False, return_ids=False)
        assert _query_tokens(text) == tuple(expected[0] if expected else ()), text
    folder = current_generation(bot.index_dir) / "bm25"
    ours, reference = BM25Index.load(folder), bm25s.BM25.load(str(folder), mmap=True)
    assert ours._retriever is None  # loaded without bm25s
    for text in texts[:3] + texts[5:12]:
        tokens = list(_query_tokens(text))
        full = reference.get_scores(tokens) if tokens else np.zeros(len(data.chunks))
        rows, scores = ours.matches(text)
        mine = np.zeros(len(data.chunks), dtype=np.float32)
        mine[rows] = scores
        assert np.allclose(mine, full, atol=1e-5), text
        mask = np.arange(len(data.chunks)) % 2 == 0
        top = [row for row, _ in ours.search(text, 5, allowed=mask)]
        assert all(mask[top]) and all(full[r] > 0 for r in top)
        best = sorted(np.flatnonzero(mask & (full > 0)), key=lambda r: -full[r])[:5]
        assert np.allclose(sorted(full[top]), sorted(full[best]))
