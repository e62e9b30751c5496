"""'Which country' needs a country in the quote, 'which state' a state (assistant.answer.places): real index, real composer."""

from __future__ import annotations

import pytest

from assistant.answer.answer_types import answer_type, place_answer, wanted_answer
from assistant.answer.places import named
from assistant.answer.short_answer import short_answer_span
from tests.answer.test_answers import assert_exact
from tests.conftest import bot_over_articles

ROSLYN = {
    "cnn_roslyn.txt": (
        "CNN", "Roslyn makes landfall",
        "Roslyn hit west-central Mexico as a hurricane on Sunday, bringing torrential rain and flooding.\n\n"
        "Hurricane Roslyn made landfall near Santa Cruz in northern Nayarit state on Sunday.\n\n"
        "Forecasters expect the storm to weaken quickly over the mountains.\n",
    ),
}


@pytest.mark.parametrize(
    ("text", "countries", "states"),
    [
        ("Hurricane Roslyn slammed into west-central Mexico.", {"Mexico"}, set()),
        ("Roslyn made landfall near Santa Cruz in northern Nayarit state.", set(), {"Nayarit", "Santa Cruz"}),
        ("Iranian lawmakers have urged the country’s judiciary to show no leniency.", {"Iran"}, set()),
        ("Liz Truss became the third female prime minister in British history.", {"United Kingdom"}, set()),
        ("As Mississippi’s capital city entered a fourth day without water.", set(), {"Mississippi"}),
        ("The U.S. and Britain agreed.", {"United States", "United Kingdom"}, set()),
        ("JMA announced a Level 5 alert for the Northern region.", set(), set()),
    ],
)
def test_which_countries_and_states_a_text_names(text, countries, states):
    assert named(text, "country") == countries
    assert named(text, "state") == states


@pytest.mark.parametrize(
    ("question", "sentence", "answers"),
    [
        ("Hurricane Roslyn made landfall in which country this week?", "Roslyn slammed into west-central Mexico.", True),
        ("Hurricane Roslyn made landfall in which country this week?", "Roslyn made landfall near Santa Cruz in Nayarit state.", False),
        ("Which country’s lawmakers urged no leniency?", "Iranian lawmakers urged no leniency.", True),
        ("Which state in the US legalized jaywalking?", "Jaywalking is now legal in California.", True),
        ("Which state in the US legalized jaywalking?", "Jaywalking is now legal in the US.", False),  # the question's own place
        ("Which country did Liz Truss lead after Britain's election?", "Britain's new leader spoke.", False),
    ],
)
def test_the_sentence_must_name_a_place_the_question_does_not(question, sentence, answers):
    assert place_answer(question).met_by(sentence) is answers


def test_only_which_country_and_which_state_ask_for_a_place():
    assert wanted_answer("What country elected its first leftist leader?").label == "country"
    assert wanted_answer("Which island nation plunged into chaos?").label == "country"
    assert wanted_answer("Which state has the highest gas prices?").label == "state"
    assert wanted_answer("How many states voted?").label == "number"  # a count first
    assert place_answer("In which province did Masri say there are many FSA divisions?") is None  # ISO spells Homs "Ḩimş"
    assert place_answer("What state of emergency was declared?") is None
    assert place_answer("Where did the FSA propose to meet?") is None
    assert answer_type("Which country elected a leftist leader?") is None  # number and date types are unchanged


@pytest.fixture(scope="module")
def roslyn(tmp_path_factory, embedder):
    return bot_over_articles(tmp_path_factory, embedder, "roslyn", ROSLYN)


def test_which_country_is_answered_by_the_sentence_naming_one(roslyn):
    """The landfall sentence repeats the question's words (0.77) but names only a town and a state; the lead (0.58) names Mexico."""
    answer = roslyn.ask("Hurricane Roslyn made landfall in which country?")
    assert not answer.abstained
    assert "Mexico" in answer.citations[0].quote
    assert_exact(roslyn, answer)


def test_which_state_is_declined_when_no_close_sentence_names_one(roslyn):
    answer = roslyn.ask("In which state do forecasters expect the storm to weaken?")
    assert answer.abstained and "give no state" in answer.text


@pytest.mark.parametrize(
    ("question", "quote", "short"),
    [
        ("Hurricane Roslyn made landfall in which country?", "Roslyn hit west-central Mexico as a hurricane on Sunday.", "Mexico"),
        ("What country elected its first leftist leader?", "Bogota, Colombia (CNN) Gustavo Petro will become Colombia’s first leftist leader.", "Colombia"),
        ("Which state’s capital city faces a water crisis?", "As Mississippi’s capital city entered a fourth day without water.", "Mississippi"),
        ("Which country’s lawmakers urged no leniency?", "Iranian lawmakers urged no leniency.", "Iran"),  # the name the adjective begins with
        ("Which country’s election is the ruling on the eve of?", "The ruling comes on the eve of a Dutch election.", None),  # not spelled
        ("Which state has the highest gas prices?", "California: $6.06. Hawaii: $5.35.", None),  # two states: no pick
    ],
)
def test_the_short_answer_is_the_one_place_the_quote_names(question, quote, short):
    span = short_answer_span(question, quote)
    assert (quote[span.start : span.end] if span else None) == short


def test_a_which_country_answer_leads_with_the_country_at_its_offsets(roslyn):
    answer = roslyn.ask("Hurricane Roslyn made landfall in which country?")
    assert answer.short_answer is not None and answer.short_answer.text == "Mexico"
    assert answer.text.startswith("Mexico: ")
    article = roslyn.article(answer.short_answer.doc_id)
    assert article.text[answer.short_answer.start : answer.short_answer.end] == "Mexico"
