"""The gold-answer rule behind right / wrong / declined, on hand-made cases whose verdicts are known."""

from __future__ import annotations

import pytest

from assistant.eval.gold import answer_words, content_words, gold_found, gold_found_any
from assistant.eval.metrics import (
    Cited,
    Gold,
    score_question,
    summarize,
    verdict,
    verdict_counts,
)


@pytest.mark.parametrize(
    "text, words",
    [
        ("one president", ["1", "president"]),
        ("Twenty-five people", ["25", "people"]),
        ("three hundred and twenty", ["320"]),
        ("eleven hundred", ["1100"]),
        ("one hundred thousand", ["100000"]),
        ("a million", ["1000000"]),
        ("$2.5 million", ["2500000"]),
        ("1,000", ["1000"]),
        ("250,000 people", ["250000", "people"]),
        ("first", ["1st"]),
        ("in 2022 3 people", ["in", "2022", "3", "people"]),  # figures side by side stay apart
        ("nine million, one of them", ["9000000", "1", "of", "them"]),  # nothing added after a scale word
        ("three hundred and some", ["300", "and", "some"]),
        ("U.S. Open", ["us", "open"]),
        ("The “Squid Game”!", ["squid", "game"]),
    ],
)
def test_answer_words_read_numbers_and_keep_figures_whole(text, words):
    assert answer_words(text) == words


def test_content_words_leave_out_function_words_but_never_an_answer_made_only_of_them():
    assert content_words("in the Pentagon") == {"pentagon": 1}
    assert content_words("Joe Biden's") == {"joe": 1, "biden": 1}
    assert content_words("It") == {"it": 1}  # nothing else left: every word counts
    assert content_words("!!") == {}


@pytest.mark.parametrize(
    "quote, gold",
    [
        ("The country has one president and two vice presidents.", "1"),  # number word in the quote, figure in gold
        ("It has 2 vice presidents.", "two"),  # figure in the quote, number word in gold
        ("Some 1,000 people marched.", "1000"),
        ("Some 1000 people marched.", "1,000"),
        ("Twenty-five people were hurt.", "25"),
        ("The deal is worth $2.5 million.", "2,500,000"),
        ("The Fed's biggest hike since 1994, it said.", "1994"),
        ("She finished first in the race.", "1st"),
        ("France's capital, Paris, hosted the games.", "Paris, France"),  # content words in any order
        ("Officials at the Pentagon said so.", "The Pentagon"),  # an article in gold is not needed
        ("Biden's plan passed.", "Biden"),  # a possessive 's leaves the name whole
        ("The U.S. Open starts today.", "US Open"),
        ("Prices rose 8.5% in a year.", "8.5%"),
    ],
)
def test_a_gold_answer_is_found_when_all_its_content_words_stand_in_the_quote(quote, gold):
    assert gold_found(quote, gold)


@pytest.mark.parametrize(
    "quote, gold",
    [
        ("Paris Hilton arrived late.", "Paris, France"),  # "France" is missing
        ("Paris, France, hosted it.", "Paris Hilton"),
        ("Cairoscape opened.", "Cairo"),  # a single-word answer must be a whole word
        ("More than 250,000 people", "25"),
        ("More than 250,000 people", "250"),  # "250,000" is one number, not 250 and 000
        ("Prices rose 2.5% this year.", "5"),  # a decimal is one number
        ("Prices rose 2.5% this year.", "2"),
        ("Some 1,000 people marched.", "100"),
        ("He won two terms.", "1"),
        ("She came second.", "1st"),
        ("Joe Manchin voted no.", "Joe Biden"),
        ("World War II began in 1939.", "World War I"),  # "I" is a word of the answer
        ("Sales rose in 2022.", "May 2022"),  # "May" is a month, not a function word
        ("The Open starts today.", "U.S. Open"),
        ("Nothing here.", ""),
        ("Nothing here.", "the"),  # an answer of only an article normalises to nothing
    ],
)
def test_a_gold_answer_is_not_found_when_a_content_word_is_missing(quote, gold):
    assert not gold_found(quote, gold)


def test_the_words_of_two_quotes_are_never_combined():
    assert not gold_found_any(["Paris was calm.", "France voted."], ["Paris, France"])
    assert gold_found_any(["Nothing.", "Paris, France voted."], ["Lyon", "Paris, France"])


def test_verdicts_right_wrong_declined_on_hand_made_answers():
    gold = Gold(answers=["1"])
    assert verdict(gold, False, [Cited(["a"], ["The country has one president."])]) == "right"
    assert verdict(gold, False, [Cited(["a"], ["Nothing."]), Cited(["b"], ["Only one leader."])]) == "right"
    assert verdict(gold, False, [Cited(["a"], ["Nothing."])]) == "wrong"
    assert verdict(gold, False, []) == "wrong"  # answered without a quote
    assert verdict(gold, True, [Cited(["a"], ["one president"])]) == "declined"  # abstained, whatever it shows
    assert verdict(Gold(answers=[]), False, [Cited(["a"], ["Anything."])]) == "wrong"  # an answer to an unanswerable question
    assert verdict(Gold(answers=[]), True, []) == "declined"


def _score(gold, citations=(), abstained=False, near_miss=False, text=""):
    return score_question(
        gold, abstained=abstained, answer_text=text, citations=list(citations), retrieved=[], exact_quotes=0, quotes=0,
        latency=0.1, near_miss=near_miss,
    )


def test_right_wrong_declined_and_precision_when_answering_add_up_by_hand():
    scores = [
        _score(Gold(["1"]), [Cited(["a"], ["one president"])]),  # right
        _score(Gold(["Cairo"]), [Cited(["a"], ["in Cairo, Egypt"])]),  # right
        _score(Gold(["Cairo"]), [Cited(["a"], ["in Geneva"])]),  # wrong
        _score(Gold([]), [Cited(["a"], ["anything"])]),  # wrong: an unanswerable question answered
        _score(Gold(["Cairo"]), abstained=True, near_miss=True),  # declined with a near miss
        _score(Gold([]), abstained=True),  # declined
    ]
    assert [s.verdict for s in scores] == ["right", "right", "wrong", "wrong", "declined", "declined"]
    assert verdict_counts(scores) == {"right": 2, "wrong": 2, "declined": 2, "near_misses": 1, "questions": 6}
    metrics = summarize(scores, samples=0)
    assert metrics["answered_precision"].value == pytest.approx(2 / 4) and metrics["answered_precision"].n == 4
    assert metrics["right_share"].value == pytest.approx(2 / 6)
    assert metrics["wrong_share"].value == pytest.approx(2 / 6)
    assert metrics["declined_share"].value == pytest.approx(2 / 6)
    assert summarize([scores[-1]], samples=0)["answered_precision"].value is None  # nothing answered


def test_the_new_rule_finds_answers_the_old_string_rule_missed_and_keeps_answer_accuracy_unchanged():
    score = _score(Gold(["1"]), [Cited(["a"], ["The country has one president."])])
    assert score.verdict == "right"
    assert score.correct is False  # answer accuracy keeps its exact-string rule, comparable with earlier runs
