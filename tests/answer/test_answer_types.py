"""The kind of answer a question asks for: "how many" needs a number in the quote, "when" a date."""

from __future__ import annotations

import pytest

from assistant.answer.answer_types import answer_type
from tests.answer.test_answers import assert_exact


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many people have been killed in Syria?", "number"),
        ("US gas prices have fallen. How much did a gallon cost in June?", "number"),
        ("What percentage of strikes hit the FSA?", "number"),
        ("When did Russia start bombing?", "date"),
        ("In what year did the war begin?", "date"),
        ("When a pathogen has been eaten it becomes trapped in what vesicle?", None),  # the "when" sets a scene
        ("Who is the spokesman for Division 13?", None),  # names and descriptions are left to the scorer
        ("Where did the FSA propose to meet?", None),
    ],
)
def test_what_kind_of_answer_a_question_asks_for(question, kind):
    wanted = answer_type(question)
    assert (wanted.label if wanted else None) == kind


@pytest.mark.parametrize(
    ("question", "sentence", "answers"),
    [
        ("How many strikes hit the FSA?", '"Eighty percent of the Russian strikes are targeting the FSA," Nashar said.', True),
        ("How many people died?", "Hundreds of people died in the floods.", True),
        ("How many miles from Earth was the asteroid?", "A NASA spacecraft slammed into an asteroid.", False),
        ("How many were killed since 2011?", "Many were killed in the war since 2011.", False),  # the question's own number
        ("When did the bombing start?", "Russia started bombing on September 30.", True),
        ("When was immunity first described?", "Thucydides described it in Athens in 430 BC.", True),
        ("When did the talks fail?", "The talks failed because neither side would move.", False),
    ],
)
def test_a_sentence_holds_the_answer_only_with_something_the_question_lacks(question, sentence, answers):
    assert answer_type(question).met_by(sentence) is answers


def test_a_count_question_whose_closest_sentences_hold_no_number_is_declined(bot):
    answer = bot.ask("How many FSA divisions are there in Homs Province?")  # "... where there are many FSA divisions"
    assert answer.abstained and not answer.citations
    assert answer.text.startswith("The articles don't say") and "give no number" in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many people have been killed in Syria since 2011?", "250,000"),
        ("How many Russian strikes are targeting the FSA?", "Eighty percent"),
        ("When did Russia start its bombing campaign in Syria?", "September 30"),
    ],
)
def test_count_and_date_questions_are_answered_with_the_figure_quoted(bot, question, expected):
    answer = bot.ask(question)
    assert not answer.abstained
    assert expected in answer.citations[0].quote
    assert_exact(bot, answer)
