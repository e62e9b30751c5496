"""Integrity of data/answer_conflicts.jsonl, the hand-labelled "different answer" set (see its .md).

The set measures a detector of outlets answering one question differently, so a
broken item (an answer that is not where its offsets say, a swap that changed
more than the answer, a story in both splits) would silently bend the score.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.conftest import ROOT, corpus_texts

DATA = ROOT / "data" / "answer_conflicts.jsonl"
LABELS = {"different_answer", "same_answer", "one_silent"}
SIDE_FIELDS = {"source", "article_id", "outlet", "start", "end", "text", "edited", "answer", "answer_start", "answer_end"}


def items() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_item_has_its_fields_and_a_known_label():
    rows = items()
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert {"id", "split", "story", "question", "label", "kind", "a", "b"} <= r.keys(), r["id"]
        assert r["split"] in {"dev", "test"} and r["label"] in LABELS, r["id"]
        assert r["question"].strip().endswith("?"), r["id"]
        if r["label"] == "different_answer":
            assert r["kind"] in {"real", "swap"}, r["id"]
        else:
            assert r["kind"] is None, r["id"]
        for side in (r["a"], r["b"]):
            assert SIDE_FIELDS <= side.keys(), r["id"]
            assert side["source"] in {"news_dai2017", "realtimeqa"}, r["id"]
            assert 0 <= side["start"] < side["end"], r["id"]
        assert r["a"]["outlet"] != r["b"]["outlet"], r["id"]


def test_answers_sit_at_their_offsets_and_match_the_label():
    for r in items():
        answered = []
        for side in (r["a"], r["b"]):
            if side["answer"] is None:
                assert side["answer_start"] is None and side["answer_end"] is None, r["id"]
                answered.append(False)
                continue
            assert side["text"][side["answer_start"] : side["answer_end"]] == side["answer"], r["id"]
            answered.append(True)
        assert answered.count(True) == (1 if r["label"] == "one_silent" else 2), r["id"]


def test_only_swaps_are_edited_and_only_inside_b_answer():
    for r in items():
        assert not r["a"]["edited"], r["id"]
        b = r["b"]
        assert b["edited"] == (r["kind"] == "swap"), r["id"]
        if b["edited"]:
            original = b["text"][: b["answer_start"]] + b["original_answer"] + b["text"][b["answer_end"] :]
            assert len(original) == b["end"] - b["start"], r["id"]
            assert b["original_answer"] != b["answer"], r["id"]


def test_splits_are_story_disjoint_and_about_forty_sixty():
    rows = items()
    splits_of: dict[str, set] = {}
    for r in rows:
        splits_of.setdefault(r["story"], set()).add(r["split"])
    assert all(len(s) == 1 for s in splits_of.values()), [k for k, s in splits_of.items() if len(s) > 1]
    share = Counter(r["split"] for r in rows)["dev"] / len(rows)
    assert 0.35 <= share <= 0.45


def test_the_mix_the_set_was_asked_for():
    rows = items()
    labels = Counter(r["label"] for r in rows)
    assert len(rows) >= 150 and labels["different_answer"] >= 60 and labels["one_silent"] >= 15
    reworded = [r for r in rows if r["label"] == "same_answer" and r["a"]["answer"].lower() != r["b"]["answer"].lower()]
    assert len(reworded) >= 25
    for split in ("dev", "test"):
        assert {r["label"] for r in rows if r["split"] == split} == LABELS


@pytest.mark.shared
def test_sentences_are_the_articles_own_text_at_their_offsets():
    """Unedited sentences equal the article at [start:end]; a swap differs from it only inside b's answer."""
    rows = items()
    sides = [(r["id"], side) for r in rows for side in (r["a"], r["b"])]
    dai = {str(s["article_id"]) for _, s in sides if s["source"] == "news_dai2017"}
    rtqa = {s["article_id"] for _, s in sides if s["source"] == "realtimeqa"}
    texts = corpus_texts(dai, rtqa)
    for item_id, side in sides:
        original = texts[side["source"], str(side["article_id"])][side["start"] : side["end"]]
        if not side["edited"]:
            assert original == side["text"], item_id
            continue
        s, e = side["answer_start"], side["answer_end"]
        tail = len(side["text"]) - e
        assert side["text"][:s] == original[:s], item_id
        assert side["text"][e:] == original[len(original) - tail :], item_id
        assert original[s : len(original) - tail] == side["original_answer"], item_id
