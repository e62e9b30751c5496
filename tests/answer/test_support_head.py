"""The support head when installed in assistant/models/support (`python train/train_support.py`; not shipped): real int8 token states, real MiniLM, bundled articles."""

from __future__ import annotations

import pytest

from assistant.answer.support import SUPPORT_THRESHOLD, is_supported, support
from assistant.answer.support_head import SUPPORT_DIR, WEIGHTS_FILE, SupportHead
from tests.conftest import bundled_line

if not (SUPPORT_DIR / WEIGHTS_FILE).is_file():
    pytest.skip(f"{SUPPORT_DIR / WEIGHTS_FILE} not found: train it with `python train/train_support.py`", allow_module_level=True)

CAIRO = bundled_line("000_4fb80201a179085a.txt", "The so-called Free Syrian Army (FSA) militant group")


@pytest.fixture(scope="module")
def head() -> SupportHead:
    return SupportHead()


def judged(embedder, claim: str, evidence: str, head):
    vectors = embedder.embed([claim, evidence])
    return support(claim, vectors[0], [evidence], vectors[1:], head=head)


def test_manifest_says_how_it_was_trained(head):
    manifest = head.manifest
    assert manifest["training"]["seed"] == 0 and manifest["training"]["members"] == len(head.members) == 5
    assert manifest["data"]["threshold_chosen_on"] == ["quotesum_calibration", "paraphrases_dev"]
    assert manifest["data"]["news_dai2017_article_ids"]
    assert 0.0 < head.threshold < 1.0
    assert manifest["parameters"] < 200_000
    assert "quotesum_heldout" in manifest["figures"] and "paraphrases_heldout" in manifest["figures"]


def test_the_fsa_cairo_paraphrase_is_kept_now(embedder, head):
    """The known failure of the old check: a free paraphrase under its 0.59 bar."""
    claim = "According to the evidence, the FSA proposed to meet in Cairo."
    result = judged(embedder, claim, CAIRO, head)
    assert result.judged_by == "support head" and result.threshold == head.threshold
    assert result.similarity < SUPPORT_THRESHOLD  # the old check rejected it
    assert is_supported(result)


def test_a_swapped_place_is_rejected(embedder, head):
    result = judged(embedder, "The FSA said it was ready for talks with Russia in Geneva.", CAIRO, head)
    assert not is_supported(result)


def test_another_fact_of_the_story_cited_to_this_sentence_is_rejected(embedder, head):
    claim = "Russia began bombing in Syria on September 30 at the request of the Syrian government."
    result = judged(embedder, claim, CAIRO, head)
    assert not is_supported(result)


def test_the_head_scores_higher_for_the_supported_claim(embedder, head):
    kept = judged(embedder, "The Free Syrian Army said it was willing to negotiate with Moscow in Egypt's capital.", CAIRO, head)
    unrelated = judged(embedder, "Militant groups have often fought each other over resources.", CAIRO, head)
    assert 0.0 <= unrelated.score < kept.score <= 1.0
    # trained only on pairs that pass the hard checks: with a number missing its score means nothing (0.40 here), the veto decides
    vetoed = judged(embedder, "More than 250,000 people have been killed in Syria.", CAIRO, head)
    assert vetoed.missing_numbers and not is_supported(vetoed)
