"""Different answers by the parse's slots (issue 24): the same slot filled differently is a conflict;
a rounded figure, a fuller name or a speaker against a doer is not."""

from __future__ import annotations

import pytest

from assistant.outlets.conflicts.answers import answer_conflict
from assistant.outlets.conflicts.detect import detect
from assistant.outlets.conflicts.slots import Slot, fillers
from assistant.outlets.conflicts.statement import Statement
from assistant.text import terms


@pytest.fixture(scope="module")
def statement(embedder):
    return lambda text: Statement(text, embedder.embed([text])[0])


def slots(text: str) -> dict[str, Slot]:
    return {f.text: f.slot for f in fillers(text)}


def test_the_parse_reads_who_said_it_whom_it_was_told_and_who_did_it():
    said = slots("President Putin told Recep Tayyip Erdogan that poor coordination was to blame, RIA news agency reports.")
    assert said["RIA news agency"] == Slot("source") and said["Recep Tayyip Erdogan"] == Slot("recipient")
    assert slots("The Kremlin said Putin phoned Erdogan.")["Kremlin"] == Slot("source")
    assert slots("Several people were hurt, according to officials.")["officials"] == Slot("source")
    assert slots("The Federal Reserve raised its key interest rate.")["Federal Reserve"] == Slot("agent", "raise")
    assert slots("The talks will be held in Cairo next week.")["Cairo"] == Slot("in", "hold")


@pytest.mark.parametrize(
    "question, a, b, expected",
    [
        (
            "Where will the talks be held?",
            "The talks between Russia and the Free Syrian Army will be held in Cairo next week, a spokesman said.",
            "The talks between Russia and the Free Syrian Army will be held in Geneva next week, a spokesman said.",
            ("Cairo", "Geneva"),
        ),
        (
            "Who reported that Putin blamed poor coordination?",
            "President Putin told Recep Tayyip Erdogan that poor coordination between Moscow and Ankara was to blame, RIA news agency reports.",
            "Putin blamed the incident on poor coordination between the two armies, the Kremlin's press office said.",
            ("RIA news agency", "Kremlin's press office"),
        ),
        (
            "Which central bank lifted its key interest rate?",
            "The Federal Reserve raised its key interest rate by a quarter point on Wednesday.",
            "The European Central Bank raised its key interest rate by a quarter point on Wednesday.",
            ("Federal Reserve", "European Central Bank"),
        ),
    ],
)
def test_the_same_slot_filled_differently_is_a_different_answer(statement, question, a, b, expected):
    found = answer_conflict(question, statement(a), statement(b))
    assert found is not None and found.kind == "answer"
    assert (found.claim_a, found.claim_b) == expected


@pytest.mark.parametrize(
    "question, a, b",
    [
        (  # a fuller name
            "Who said Russia was ready to help the Free Syrian Army?",
            "Lavrov said Russia was ready to help the Free Syrian Army.",
            "Russian Foreign Minister Sergei Lavrov said Russia was ready to help the Free Syrian Army.",
        ),
        (  # the doer against the outlet that reported it
            "Who slapped Chris Rock at the Oscars?",
            "Chris Rock, who was slapped by Will Smith at the Oscars, said he had been asked to host next year.",
            "Chris Rock said he had been asked to host the Oscars next year, according to The Arizona Republic.",
        ),
    ],
)
def test_a_fuller_name_or_a_speaker_is_no_different_answer(statement, question, a, b):
    assert answer_conflict(question, statement(a), statement(b)) is None


@pytest.mark.parametrize(
    "question, a, b",
    [
        (
            "How many people have been killed in Syria?",
            "More than 250,000 people have been killed in Syria since 2011, the monitor said.",
            "About 250,000 people have been killed in Syria since 2011, the monitor said.",
        ),
        (
            "How much did the city pay for the bridge repairs?",
            "The city paid $11.8 million for the bridge repairs, officials said.",
            "The city paid $12 million for the bridge repairs, officials said.",
        ),
    ],
)
def test_a_figure_rounded_differently_is_no_conflict(statement, question, a, b):
    first, second = statement(a), statement(b)
    assert answer_conflict(question, first, second) is None
    assert detect(first, second, focus=frozenset(terms(question))) is None
