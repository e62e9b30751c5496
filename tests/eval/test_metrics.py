"""Evaluation metrics on hand-made cases whose values are known exactly."""

from __future__ import annotations

import pytest

from assistant.eval.metrics import (
    Cited,
    Gold,
    QuestionScore,
    contains,
    normalize,
    recall_at_k,
    reciprocal_rank,
    score_question,
    summarize,
)


def test_normalize_drops_case_punctuation_articles_and_unicode_quotes():
    assert normalize("The “Squid Game”!") == "squid game"
    assert normalize("al-Masri") == normalize("al- Masri") == "al masri"
    assert normalize("We didn’t turn down the offer.") == normalize("We didn't turn down the offer")
    assert normalize("  $5  a   gallon ") == "5 gallon"


def test_contains_matches_whole_normalised_words_only():
    assert contains("More than 250,000 people have been killed", "250,000")
    assert contains("Issam al- Rayyes, spokesman", "al-Rayyes")
    assert contains("is a big Mistake.", "big mistake")
    assert not contains("More than 250,000 people", "5")
    assert not contains("Cairoscape", "Cairo")
    assert not contains("anything", "")
    assert not contains("anything", "the")  # normalises to nothing


def test_recall_at_k_and_reciprocal_rank_count_each_article_once():
    ranked = ["d2", "d2", "d1", "d3"]  # chunks of d2 ranked first and second: d1 is the 2nd article
    assert recall_at_k(ranked, ["d1"], 1) == 0.0
    assert recall_at_k(ranked, ["d1"], 2) == 1.0
    assert reciprocal_rank(ranked, ["d1"]) == 0.5
    assert recall_at_k(ranked, ["d1", "d3", "d9"], 3) == pytest.approx(2 / 3)
    assert reciprocal_rank(ranked, ["d3", "d9"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, ["d9"]) == 0.0
    with pytest.raises(ValueError):
        recall_at_k(ranked, [], 5)


def _score(gold: Gold, citations=(), abstained=False, text="", retrieved=(), quotes=None, exact=None, latency=0.1):
    n = sum(len(c.quotes) for c in citations) if quotes is None else quotes
    return score_question(
        gold, abstained=abstained, answer_text=text, citations=list(citations), retrieved=list(retrieved),
        exact_quotes=n if exact is None else exact, quotes=n, latency=latency, ks=(1, 3),
    )


def test_a_citation_counts_when_from_a_supporting_article_or_containing_an_answer():
    gold = Gold(answers=["Cairo"], doc_ids=["a"], quotes=["ready for dialogue"])
    score = _score(
        gold,
        citations=[
            Cited(["b"], ["We proposed Cairo, Egypt."]),  # contains the answer
            Cited(["a"], ["An unrelated sentence."]),  # from the supporting article
            Cited(["c"], ["The FSA is ready for dialogue with Russia."]),  # contains a reference quote
            Cited(["d"], ["Nothing to do with it."]),
        ],
        retrieved=["c", "a", "b"],
    )
    assert score.correct is True
    assert (score.supported_citations, score.citations) == (3, 4)
    assert score.citation_precision == 0.75
    assert score.has_supported_citation is True
    assert score.recall == {1: 0.0, 3: 1.0}
    assert score.reciprocal_rank == 0.5


def test_an_abstention_is_wrong_on_an_answerable_question_and_its_text_never_matches():
    gold = Gold(answers=["5"], doc_ids=["a"])
    score = _score(gold, abstained=True, text="Nothing in the 5 indexed articles answers this question.")
    assert score.correct is False
    assert score.has_supported_citation is False
    assert score.citation_precision is None  # no citations to be precise about


def test_unanswerable_questions_score_abstention_not_citations():
    gold = Gold(answers=[])
    answered = _score(gold, citations=[Cited(["a"], ["Some sentence."])])
    assert answered.correct is None and answered.citation_precision is None and answered.recall is None
    assert answered.abstained is False


def test_source_coverage_counts_also_in_sources_of_multi_article_questions():
    gold = Gold(answers=["250,000"], doc_ids=["a", "b", "c"])
    score = _score(gold, citations=[Cited(["a", "b"], ["250,000 killed", "250,000 killed too"])])
    assert (score.sources_cited, score.sources_expected) == (2, 3)
    single = _score(Gold(answers=["x"], doc_ids=["a"]), citations=[Cited(["a"], ["x"])])
    assert single.sources_expected == 0  # one supporting article: nothing to cover


def _hand_made() -> list[QuestionScore]:
    """Five questions: three answerable (one wrong), two unanswerable (one abstained), one false abstention."""
    return [
        _score(Gold(["Cairo"], ["a"]), citations=[Cited(["a"], ["in Cairo"]), Cited(["x"], ["noise"])], retrieved=["a"], latency=0.1),
        _score(Gold(["Homs"], ["b", "c"]), citations=[Cited(["b"], ["Homs"])], retrieved=["x", "b", "c"], latency=0.2),
        _score(Gold(["44"], ["d"]), abstained=True, retrieved=["x", "y", "z", "d"], latency=0.3),
        _score(Gold([]), abstained=True, latency=0.4),
        _score(Gold([]), citations=[Cited(["a"], ["quote"])], quotes=2, exact=1, latency=0.5),
    ]


def test_conflict_flags_are_scored_on_conflict_questions_and_as_false_alarms_elsewhere():
    gold = Gold(["rejected"], ["a", "b"])
    flagged = score_question(gold, abstained=False, answer_text="rejected", citations=[], retrieved=[], exact_quotes=0,
                             quotes=0, latency=0.1, conflict_expected=True, conflict_flagged=True)
    missed = score_question(gold, abstained=False, answer_text="rejected", citations=[], retrieved=[], exact_quotes=0,
                            quotes=0, latency=0.1, conflict_expected=True, conflict_flagged=False)
    alarm = score_question(gold, abstained=False, answer_text="rejected", citations=[], retrieved=[], exact_quotes=0,
                           quotes=0, latency=0.1, conflict_expected=False, conflict_flagged=True)
    quiet = score_question(gold, abstained=False, answer_text="rejected", citations=[], retrieved=[], exact_quotes=0,
                           quotes=0, latency=0.1)
    metrics = summarize([flagged, missed, alarm, quiet, quiet], samples=0)
    assert metrics["conflict_recall"].value == 0.5 and metrics["conflict_recall"].n == 2
    assert metrics["conflict_false_alarms"].value == pytest.approx(1 / 3) and metrics["conflict_false_alarms"].n == 3


def test_overall_metrics_have_the_values_worked_out_by_hand():
    metrics = summarize(_hand_made(), ks=(1, 3), samples=0)
    values = {name: m.value for name, m in metrics.items()}
    assert values["answer_accuracy"] == pytest.approx(2 / 3)
    assert values["accuracy_all"] == pytest.approx(3 / 5)  # two right answers + one right abstention
    assert values["recall@1"] == pytest.approx((1 + 0 + 0) / 3)
    assert values["recall@3"] == pytest.approx((1 + 1 + 0) / 3)
    assert values["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 4) / 3)  # d is the 4th article for question 3
    assert values["citation_precision"] == pytest.approx(2 / 3)  # 2 supported of 3 citations on answerable questions
    assert values["citation_recall"] == pytest.approx(2 / 3)
    assert values["source_coverage"] == pytest.approx(1 / 2)  # question 2 cites b of {b, c}
    assert values["quote_exactness"] == pytest.approx(4 / 5)  # 3 + 0 + 1 exact of 3 + 2 quotes
    assert values["abstention_precision"] == pytest.approx(1 / 2)
    assert values["abstention_recall"] == pytest.approx(1 / 2)
    assert values["latency_median_ms"] == pytest.approx(300)
    assert values["latency_p95_ms"] == pytest.approx(480)  # numpy's linear interpolation: 400 + 0.8 * 100
    assert metrics["answer_accuracy"].n == 3 and metrics["abstention_precision"].n == 2
    assert metrics["answer_accuracy"].low is None  # no resamples asked for


def test_a_metric_no_question_qualifies_for_is_none():
    metrics = summarize([_score(Gold(["x"], []), citations=[Cited(["a"], ["x"])])], samples=100)
    assert metrics["abstention_precision"].value is None and metrics["abstention_precision"].n == 0
    assert metrics["mrr"].value is None


def test_bootstrap_intervals():
    scores = _hand_made()
    metrics = summarize(scores, ks=(1, 3), samples=500, seed=7)
    assert [name for name, m in metrics.items() if m.value is None] == ["conflict_recall"]  # no conflict questions
    for name, metric in metrics.items():
        if metric.value is not None:
            assert metric.low <= metric.value <= metric.high, name
    assert metrics == summarize(scores, ks=(1, 3), samples=500, seed=7)  # reproducible by seed
    # every question right: no resample can say otherwise
    right = [_score(Gold(["x"], ["a"]), citations=[Cited(["a"], ["x"])]) for _ in range(4)]
    m = summarize(right, samples=200)["answer_accuracy"]
    assert (m.value, m.low, m.high) == (1.0, 1.0, 1.0)
    # one right, one wrong: resamples of two give 0, 1/2 or 1 with probabilities 1/4, 1/2, 1/4
    pair = [right[0], _score(Gold(["x"], ["a"]), abstained=True)]
    m = summarize(pair, samples=1000)["answer_accuracy"]
    assert (m.value, m.low, m.high) == (0.5, 0.0, 1.0)
