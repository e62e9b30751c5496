"""The support check without a support head: the old weighted sum decides (tests/answer/test_support_head.py has the head)."""

from __future__ import annotations

import json
import warnings

import pytest

from assistant.answer import support_head
from assistant.answer.support import SUPPORT_THRESHOLD, is_supported, support
from assistant.answer.support_head import WEIGHTS_FILE, SupportHead, SupportUnavailable
from tests.conftest import bundled_line

CAIRO = bundled_line("000_4fb80201a179085a.txt", "The so-called Free Syrian Army (FSA) militant group")
CLAIM = "The FSA said it was ready for talks with Russia in Cairo."


def judged(embedder, claim: str, evidence: str, head):
    vectors = embedder.embed([claim, evidence])
    return support(claim, vectors[0], [evidence], vectors[1:], head=head)


@pytest.fixture
def installed_at(tmp_path, monkeypatch):
    """Point the shipped-head lookup at a folder of the test's making."""
    folder = tmp_path / "support"
    monkeypatch.setattr(support_head, "SUPPORT_DIR", folder)
    support_head.shipped_support_head.cache_clear()
    yield folder
    support_head.shipped_support_head.cache_clear()


def shipped_warnings(embedder) -> tuple[list[str], list]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [judged(embedder, CLAIM, CAIRO, "shipped") for _ in range(2)]
    return [str(w.message) for w in caught if "support head" in str(w.message)], results


def test_head_none_is_the_old_check(embedder):
    result = judged(embedder, "According to the evidence, the FSA proposed to meet in Cairo.", CAIRO, None)
    assert result.judged_by == "similarity" and result.score == result.similarity and result.threshold == SUPPORT_THRESHOLD
    assert not is_supported(result)  # 0.55 < 0.59: the free paraphrase the head was trained for
    assert is_supported(judged(embedder, CLAIM, CAIRO, None))


def test_no_support_folder_means_the_old_check_without_a_warning(installed_at, embedder):
    messages, results = shipped_warnings(embedder)
    assert messages == [] and all(r.judged_by == "similarity" and r.threshold == SUPPORT_THRESHOLD for r in results)


def test_a_support_folder_without_weights_falls_back_with_one_warning(installed_at, embedder):
    installed_at.mkdir()
    (installed_at / "manifest.json").write_text(json.dumps({"threshold": 0.1}))
    with pytest.raises(SupportUnavailable):
        SupportHead(installed_at)
    messages, results = shipped_warnings(embedder)
    assert messages == [
        f"support head unavailable, the old support score decides: {installed_at / WEIGHTS_FILE}: no such file "
        "(train it with `python train/train_support.py`)"
    ]
    assert all(r.judged_by == "similarity" and r.threshold == SUPPORT_THRESHOLD for r in results)
    assert all(is_supported(r) for r in results)
