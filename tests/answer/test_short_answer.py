"""The short answer: the figure or date inside the quote that answers a number or date question."""

import pytest

from assistant.answer.short_answer import short_answer_span


def short(question: str, quote: str) -> str | None:
    span = short_answer_span(question, quote)
    return None if span is None else quote[span.start : span.end]


@pytest.mark.parametrize(
    ("question", "quote", "expected"),
    [
        ("How many people were killed in the earthquake?", "The earthquake killed at least 2,500 people and injured 9,000 in 2015.", "at least 2,500 people"),
        ("How many miles from Earth was the asteroid?", "It was about 7 million miles from Earth when DART hit it on September 26.", "about 7 million miles"),
        ("When did the spacecraft hit the asteroid?", "It was about 7 million miles from Earth when DART hit it on September 26.", "September 26"),
        ("What year did the war start?", "The war began in 2011 and has killed more than 250,000 people.", "2011"),
        ("How many people have been killed in Syria since 2011?", "More than 250,000 people have been killed in Syria since 2011.", "More than 250,000 people"),
        ("What percentage of voters backed it?", "Some 52 per cent of voters backed Brexit in June 2016.", "Some 52 per cent"),
        ("When was the cathedral built?", "It was built in the 12th century by monks.", "the 12th century"),
        ("How much did the company pay?", "The company paid $4.5 billion for the firm.", "$4.5 billion"),
        ("How many were hurt?", "Officials said 1,200 were hurt, 3.5 per cent of them children.", "1,200"),
        ("How many died?", "In 2007, 1,500 died.", "1,500"),
        ("How long did she work there?", "On 28 June she left after 10 years there.", "10 years"),
        ("How far from the state house is the Yard?", "The Yard, 209 acres, lies about 3 miles west of the state house.", "about 3 miles"),
    ],
)
def test_the_figure_or_date_that_answers_is_picked(question, quote, expected):
    assert short(question, quote) == expected


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        # what the question counts is not counted in the quote: "One leading rebel" is not a number of people who fled
        ("How many people have fled Syria?", "One leading rebel told Reuters that elections are illogical with so many forced out."),
        # the only figure is the question's own
        ("How many people have been killed since 2011?", "People have been killed every day since 2011."),
        # "when" answered by an event, not a date: no short answer rather than a wrong one
        ("When did the talks fail?", "The talks failed after the vote."),
        # who / where: only the name the parse singles out as the filler; two places, none
        ("Where did the FSA propose to meet Russia?", "We have proposed to hold the meeting in Cairo or in Geneva."),
        # the subject of another relation does not answer "who"
        ("Who criticized Ticketmaster?", "Senator Amy Klobuchar praised Ticketmaster in a letter."),
        # a year does not answer "how many"
        ("How many soldiers were sent?", "Soldiers were sent in 1998."),
    ],
)
def test_no_short_answer_rather_than_a_wrong_one(question, quote):
    assert short(question, quote) is None


def test_the_bundled_answer_leads_with_its_figure_and_points_into_the_article(bot):
    answer = bot.ask("How many people have been killed in Syria since 2011?")
    assert not answer.abstained and answer.short_answer is not None
    short_answer, first = answer.short_answer, answer.citations[0]
    article = bot.article(short_answer.doc_id)
    assert article.text[short_answer.start : short_answer.end] == short_answer.text  # exact, with its offsets
    assert first.start <= short_answer.start < short_answer.end <= first.end
    assert "250,000" in short_answer.text
    assert answer.text.startswith(f"{short_answer.text}: ")
    assert answer.to_dict()["short_answer"]["text"] == short_answer.text


def test_who_and_where_lead_with_the_name_that_fills_the_slot(bot):
    answer = bot.ask("Where did the FSA propose to meet Russia?")
    assert not answer.abstained and answer.short_answer is not None and answer.short_answer.text == "Cairo"
    article = bot.article(answer.short_answer.doc_id)
    assert article.text[answer.short_answer.start : answer.short_answer.end] == "Cairo"
    assert answer.text.startswith("Cairo: ")


@pytest.mark.parametrize(
    ("question", "quote", "expected"),
    [
        ("Who criticized Ticketmaster in an open letter?", "Senator Amy Klobuchar criticized Ticketmaster in an open letter to its CEO.", "Amy Klobuchar"),
        ("Which company did Senator Amy Klobuchar criticize?", "Senator Amy Klobuchar criticized Ticketmaster in an open letter to its CEO.", "Ticketmaster"),
        ("Who won Eurovision in 2023?", 'Loreen, who won the competition with her power ballad "Tattoo," beat acts from 25 other countries.', "Loreen"),
        ("Who is the spokesman for Division 13?", "Lieutenant Colonel Ahmad Saoud, the spokesman for Division 13, said the group had been hit.", "Ahmad Saoud"),
    ],
)
def test_the_parse_picks_the_name_that_fills_who_and_which(question, quote, expected):
    assert short(question, quote) == expected


def test_of_two_counts_of_the_same_noun_the_one_among_the_questions_words_wins():
    quote = (
        "Since the beginning of the war, more than 250,000 Syrians were killed, whilst half of the population "
        "are displaced, and in Europe alone more than 350,000 Syrians have claimed asylum."
    )
    assert short("How many Syrians have claimed asylum in Europe?", quote) == "more than 350,000 Syrians"
    assert short("How many Syrians were killed in the war?", quote) == "more than 250,000 Syrians"
