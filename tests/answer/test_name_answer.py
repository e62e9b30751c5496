"""Names in a quote that could answer a who / which / where question (assistant/answer/name_answer.py)."""

import pytest

from assistant.answer.name_answer import answer_names, new_names, wants_a_name


def names(question: str, quote: str) -> list[str]:
    return [quote[span.start : span.end] for span in new_names(question, quote)]


def answers(question: str, quote: str) -> list[str]:
    return [quote[span.start : span.end] for span in answer_names(question, quote)]


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("Who is the spokesman for Division 13?", True),
        ("Where did the FSA propose to hold talks with Russia?", True),
        ("Which wildly popular show was recently green lit for a new season?", True),
        ("A processed cheese product is seeing a boost in popularity. Which product is it?", True),
        ("What company announced it is shutting down its self-driving effort?", True),
        ("How many people have been killed in Syria since 2011?", False),  # a number, not a name
        ("When did the talks take place?", False),
        ("What did the FSA say about the Russian offer?", False),
        ("Which is the largest city?", True),
    ],
)
def test_which_questions_want_a_name(question, wanted):
    assert wants_a_name(question) is wanted


def test_a_sentence_that_only_describes_the_thing_names_nothing_new():
    question = "Which wildly popular show was recently green lit for a new season?"
    # "Netflix" is the lone first word, "Sunday" a weekday, "South Korean" a demonym before "show"
    assert names(question, "Netflix announced Sunday that the wildly popular South Korean show is green lit for a second season.") == []
    assert names(question, "“Squid Game” is officially coming back.") == ["Squid Game"]
    # lone first words are not names, however capitalised: "Sales of ..."
    assert names("Which product is it?", "Sales of the processed cheese product have been in decline for years.") == []


def test_the_questions_own_names_are_not_new():
    question = "Who ruined Roussel de Bailleul's plans for an independent state?"
    quote = "Roussel de Bailleul tried to carve out a state, but he was stopped by the Byzantine general Alexius Komnenos."
    assert names(question, quote) == ["Alexius Komnenos"]


@pytest.mark.parametrize(
    ("question", "quote", "expected"),
    [
        # a where question: names after a place preposition, not the demonym before "capital"
        ("Where did the FSA propose to hold talks with Russia?",
         "The FSA has expressed readiness to hold talks with Russia on the crisis in Syria in the Egyptian capital, Cairo.",
         ["Syria", "Cairo"]),
        ("Where will the talks be held?", "Officials said the talks will be held in Geneva next week.", ["Geneva"]),
        ("Where will the talks be held?", "The Russian offer of talks was rejected by the rebels.", []),
        # a who question: names that are not places, and not a possessor ("Richard's fleet")
        ("Who stopped Roussel de Bailleul?",
         "Roussel de Bailleul tried to carve out a state, but he was stopped by the Byzantine general Alexius Komnenos.",
         ["Alexius Komnenos"]),
        ("Who is the spokesman for Division 13?", "Fares al-Bayoush, a spokesman for Division 13, told Reuters in Istanbul.",
         ["Fares al-Bayoush", "Reuters"]),
        ("Who ruled Cyprus in 1191?", "On 1 May 1191, Richard's fleet arrived in Limassol.", []),
        # not a who or where question
        ("How many people were killed?", "More than 250,000 people have been killed in Syria.", []),
    ],
)
def test_the_names_that_stand_where_an_answer_does(question, quote, expected):
    assert answers(question, quote) == expected
