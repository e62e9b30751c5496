"""The question's named constraints: look-alike questions abstain, their answerable twins answer with exact quotes."""

from __future__ import annotations

import json

import pytest

from assistant.answer.constraints import mentions, missing, question_constraints
from tests.answer.test_answers import assert_exact
from tests.conftest import ROOT

PAIRS = [json.loads(line) for line in (ROOT / "data" / "lookalike_questions.jsonl").read_text().splitlines() if line.strip()]


def labels(question: str) -> list[str]:
    return [c.label for c in question_constraints(question)]


def test_names_numbers_and_years_are_constraints_question_words_are_not():
    assert labels("Where did the FSA propose to hold talks with Turkey?") == ["FSA", "Turkey"]
    assert labels("Who is the spokesman for Division 30?") == ["30", "Division"]
    assert labels("How many people have been killed in Iraq since 2011?") == ["2011", "Iraq"]
    assert labels("Which television station interviewed Sergei Lavrov?") == ["Sergei Lavrov"]
    assert labels("what did the rebels say?") == []


@pytest.mark.parametrize(
    ("question", "text", "unmet"),
    [
        ("How many were killed in Iraq since 2011?", "250,000 people were killed in Syria since March 2011.", ["Iraq"]),
        ("How many Syrians were killed?", "The Syrian toll rose.", []),  # demonym
        ("What did the FSA say?", "The Free Syrian Army said no.", []),  # initials
        ("What did the Free Syrian Army say?", "The FSA said no.", []),
        ("What did Sergei Lavrov say?", "Lavrov said yes.", []),  # surname
        ("What did Sergei Shoigu say?", "Sergei Lavrov said yes.", ["Sergei Shoigu"]),
        ("How many were killed, 250,000?", "More than 250000 died.", []),
        ("Who leads Division 30?", "Division 13 spoke.", ["30"]),
    ],
)
def test_what_a_text_leaves_unmet(question, text, unmet):
    assert [c.label for c in missing(question_constraints(question), mentions(text))] == unmet


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_a_look_alike_question_is_declined_and_its_twin_answered(bot, pair):
    twin = bot.ask(pair["question"])
    assert not twin.abstained
    quotes = " ".join(c.quote for c in twin.citations).lower()
    assert any(answer.lower() in quotes for answer in pair["answers"])
    assert_exact(bot, twin)
    look_alike = bot.ask(pair["look_alike"])
    assert look_alike.abstained and not look_alike.citations
    assert look_alike.text.startswith("The articles don't say")


def test_the_abstention_names_what_the_articles_miss(bot):
    answer = bot.ask("Where did the FSA propose to hold talks with Turkey?")
    assert answer.abstained and '"Turkey"' in answer.text


def test_the_outlet_meets_a_question_that_names_it_whole_and_nothing_else(bot):
    """"according to SBS News" is met by SBS News's article; "Iran" is not met by the outlet "Iran Press TV"."""
    from assistant.answer.constraints import names_outlet, question_constraints

    sbs = next(c for c in question_constraints("What did Russia offer, according to SBS News?") if c.label == "SBS News")
    assert names_outlet(sbs, "SBS News") and not names_outlet(sbs, "SBS")
    iran = next(c for c in question_constraints("What did Iran say about the offer?") if c.label == "Iran")
    assert not names_outlet(iran, "Iran Press TV")
    answer = bot.ask("On what condition did Russia offer the rebels air support against Islamic State, according to SBS News?")
    assert not answer.abstained and answer.citations[0].outlet == "SBS News"
