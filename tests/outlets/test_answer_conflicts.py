"""Different answers between outlets: "in Cairo" against "in Geneva" (assistant/outlets/conflicts/answers.py)."""

import pytest

from assistant.outlets.conflicts.answers import answer_conflict
from assistant.outlets.conflicts.statement import Statement
from tests.conftest import bot_over_articles

WHERE = "Where will the rebels' talks with Russia be held?"


def check(question: str, a: str, b: str):
    return answer_conflict(question, Statement(a), Statement(b))


def test_two_places_in_the_same_slot_are_different_answers():
    found = check(
        WHERE,
        "The rebels said the talks with Russia will be held in Cairo next week.",
        "The talks between the rebel group and Moscow will take place in Geneva, a spokesman said.",
    )
    assert found is not None and found.kind == "answer" and found.about == "where"
    assert (found.claim_a, found.claim_b) == ("Cairo", "Geneva")


@pytest.mark.parametrize(
    ("question", "a", "b"),
    [
        # the same place, named in other words
        (WHERE, "The rebels said the talks with Russia will be held in Cairo next week.",
         "The talks will be held in the Egyptian capital, Cairo, the group said."),
        # the same person: a full name and a family name; the same body: initials
        ("Who announced the new sanctions?", "Treasury Secretary Janet Yellen announced the new sanctions on Monday.",
         "Yellen announced the sanctions at a briefing."),
        ("Which group rejected the offer?", "The Free Syrian Army rejected the offer on Sunday.",
         "The FSA rejected the offer, a spokesman said."),
        # transliterations of one name
        ("Which group was the leader associated with?", "The US killed al Qaeda leader Ayman al-Zawahiri in a drone strike.",
         "A U.S. strike killed al-Qaida leader Ayman al-Zawahri."),
        # one side names no answer at all
        (WHERE, "The rebels said the talks with Russia will be held in Cairo next week.",
         "The rebels have not yet said where the talks will take place."),
        # not a who / where / which question
        ("How many people were killed?", "The blast in Kabul killed 35 people.", "The blast in Herat killed 35 people."),
    ],
)
def test_the_same_answer_in_other_words_is_no_conflict(question, a, b):
    assert check(question, a, b) is None


def test_different_organisations_with_the_same_head_differ():
    found = check(
        "Which agency identified the man?",
        "The Niagara County Sheriff's Office identified the man found dead on Dec. 25.",
        "The Erie County Sheriff's Office identified the man found dead on Dec. 25.",
    )
    assert found is not None and "Niagara" in found.claim_a and "Erie" in found.claim_b


@pytest.fixture(scope="module")
def venue_bot(tmp_path_factory, embedder):
    articles = {
        "ahram.txt": ("Al-Ahram", None, "The rebels are ready for talks with Russia, and the talks will be held in Cairo next week, a rebel spokesman said. Fighting continued near Aleppo."),
        "swissinfo.txt": ("Swissinfo", None, "The talks between the rebels and Russia will be held in Geneva next week, the rebel spokesman said. Diplomats welcomed the news."),
        "sbs.txt": ("SBS News", None, "Russia offered the rebels air support on Saturday. The rebels said the offer came too late."),
    }
    return bot_over_articles(tmp_path_factory, embedder, "venue", articles)


def test_outlets_naming_different_venues_are_shown_side_by_side(venue_bot):
    answer = venue_bot.ask("Where will the talks between the rebels and Russia be held?")
    kinds = {conflict.kind for conflict in answer.conflicts}
    assert "answer" in kinds, answer.text
    conflict = next(c for c in answer.conflicts if c.kind == "answer")
    claims = {side.claim for side in conflict.sides}
    assert claims == {"Cairo", "Geneva"}
    outlets = {c.outlet for side in conflict.sides for c in side.citations}
    assert outlets == {"Al-Ahram", "Swissinfo"}
    assert answer.text.startswith("Outlets name different answers: ")
    assert answer.short_answer is None  # leading with one side's answer would take that side
