"""How deep one search goes: the comparer searches each question once this deep for every outlet,
and the dense and BM25 searchers keep a search this deep per query so shallower ones are its prefix."""

DEEP_SEARCH = 1000
