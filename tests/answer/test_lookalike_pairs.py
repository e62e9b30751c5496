"""data/lookalike_pairs.jsonl (issue 23): answerable questions and their one-element look-alikes.

No model: the file's shape, every quote exactly as it stands in its article (the bundled ones always,
the shared corpora's when ../shared/datasets is present), every gold answer in its quote, and a split
by article.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from tests.conftest import BUNDLED, ROOT, corpus_texts

PAIRS_FILE = ROOT / "data" / "lookalike_pairs.jsonl"
KINDS = {"agent", "possessor", "relation", "object", "time", "negation"}
FIELDS = {"id", "doc_id", "question", "answers", "quote", "look_alike", "kind", "asked", "found", "split"}


def pairs() -> list[dict]:
    lines = PAIRS_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_line_is_a_pair_with_its_fields():
    rows = pairs()
    assert len(rows) >= 60
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert set(row) == FIELDS, row["id"]
        assert all(isinstance(row[name], str) and row[name].strip() for name in FIELDS - {"answers"}), row["id"]
        assert isinstance(row["answers"], list) and row["answers"] and all(a.strip() for a in row["answers"]), row["id"]
        assert row["kind"] in KINDS, row["id"]
        assert row["split"] in {"dev", "test"}, row["id"]
        assert row["doc_id"].startswith(("rtqa:", "dai:")) or (BUNDLED / f"{row['doc_id']}.txt").is_file(), row["id"]


def test_look_alike_differs_and_holds_the_swapped_element():
    for row in pairs():
        assert row["look_alike"] != row["question"], row["id"]
        assert row["asked"].lower() in row["look_alike"].lower(), row["id"]
        assert row["asked"].lower() != row["found"].lower(), row["id"]


def test_every_gold_answer_stands_in_its_quote():
    for row in pairs():
        for answer in row["answers"]:
            assert answer in row["quote"], (row["id"], answer)


def test_bundled_quotes_stand_exactly_in_their_articles():
    bundled = [row for row in pairs() if not row["doc_id"].startswith(("rtqa:", "dai:"))]
    assert len(bundled) >= 15
    for row in bundled:
        text = (BUNDLED / f"{row['doc_id']}.txt").read_text(encoding="utf-8")
        assert row["quote"] in text, row["id"]


def test_corpus_quotes_stand_exactly_in_their_articles():
    rows = [row for row in pairs() if row["doc_id"].startswith(("rtqa:", "dai:"))]
    dai = {row["doc_id"].removeprefix("dai:") for row in rows if row["doc_id"].startswith("dai:")}
    rtqa = {row["doc_id"].removeprefix("rtqa:") for row in rows if row["doc_id"].startswith("rtqa:")}
    texts = corpus_texts(dai, rtqa)  # skips without ../shared/datasets
    for row in rows:
        source, article = row["doc_id"].split(":", 1)
        key = ("news_dai2017" if source == "dai" else "realtimeqa", article)
        assert key in texts, f"{row['id']}: {row['doc_id']} not in the shared corpora"
        assert row["quote"] in texts[key], row["id"]


def test_split_by_article_with_bundled_and_corpus_articles_and_every_kind_on_both_sides():
    rows = pairs()
    sides = defaultdict(set)
    for row in rows:
        sides[row["doc_id"]].add(row["split"])
    assert all(len(split) == 1 for split in sides.values()), {d: s for d, s in sides.items() if len(s) > 1}
    for split in ("dev", "test"):
        docs = {doc for doc, side in sides.items() if side == {split}}
        assert any(":" in doc for doc in docs) and any(":" not in doc for doc in docs), split
        kinds = Counter(row["kind"] for row in rows if row["split"] == split)
        assert set(kinds) == KINDS, (split, kinds)
    counts = Counter(row["split"] for row in rows)
    assert abs(counts["dev"] - counts["test"]) <= len(rows) // 5, counts
