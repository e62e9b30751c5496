"""Speakers inside quoted sentences, on the bundled articles' own sentences."""

from __future__ import annotations

import pytest

from assistant.outlets.speakers import Attributor, sentence_speaker
from assistant.ingest.load import load_path
from assistant.ingest.sentences import split_sentences
from tests.conftest import BUNDLED


@pytest.fixture(scope="module")
def speakers() -> dict[str, list[tuple[str, str | None]]]:
    """(sentence, speaker) for every sentence of every bundled article, keyed by the file's 3-digit prefix."""
    result = {}
    for article in load_path(BUNDLED).articles:
        spans = split_sentences(article.text)
        attributor = Attributor(article.text, spans)
        result[article.doc_id[:3]] = [(article.text[s.start : s.end], attributor.speaker(s.start, s.end)) for s in spans]
    return result


def speaker_of(speakers, doc: str, opening: str) -> str | None:
    found = [speaker for sentence, speaker in speakers[doc] if sentence.startswith(opening)]
    assert len(found) == 1, (doc, opening, found)
    return found[0]


@pytest.mark.parametrize(
    "doc, opening, expected",
    [
        # after the quotation: `..., Lavrov said` / `...!' said Lieutenant Colonel Ahmad Saoud, a spokesman for ...`
        ("004", "“The Americans’ refusal to organize", "Sergey Lavrov"),  # "Lavrov said" -> the article's full name
        ("001", "We don't understand Russia at all!' said Lieutenant Colonel", "Ahmad Saoud"),
        ("001", '"Eighty percent of the Russian strikes', "Samir Nashar"),
        ("003", '"We didn\'t turn down the offer.', "Issam al- Rayyes"),
        ("003", '"I will not talk to my killer,"', "Hassan Haj Ali"),
        ("000", "“The Free Syrian Army is ready for dialogue", "Fahad al-Masri"),
        # before the speech verb, through possessives, titles and appositives
        ("002", "The Free Syrian Army's Issam al-Reis says", "Issam al-Reis"),
        ("000", "The development comes as Lieutenant Colonel Ahmad Saoud, a spokesman", "Ahmad Saoud"),
        ("004", "Samir Nashar, an individual from the Syrian National Coalition", "Samir Nashar"),
        ("002", "Louay Al-Safi, a member of the Syrian opposition, has told", "Louay Al-Safi"),
        ("003", "According to Reuters,", "Reuters"),
        # pronouns and role nouns point back at the person named earlier
        ("000", "“Russia is bombing the Free Syrian Army", "Ahmad Saoud"),  # "..., the spokesman said."
        ("000", "“We have proposed to hold the meeting in Cairo", "Fahad al-Masri"),  # "the FSA representative said"
        ("000", "Masri further said", "Fahad al-Masri"),
        ("001", "The top Russian diplomat added", "Sergei Lavrov"),
        ("001", '"I am convinced that most serious politicians', "Sergei Lavrov"),  # "..., he said."
        ("004", "“Rather than discussing their readiness", "Samir Nashar"),  # "..., he said."
        # a quotation running on into the next sentence, or following its speaker's sentence
        ("001", "'Russia is bombing the Free Syrian Army", "Ahmad Saoud"),
        ("003", '"We don\'t need the help now,', "Issam al- Rayyes"),
        ("002", '"The first aim is the struggle with', "Sergei Gavrilov"),
    ],
)
def test_speaker_of_real_sentences(speakers, doc, opening, expected):
    assert speaker_of(speakers, doc, opening) == expected


@pytest.mark.parametrize(
    "doc, opening",
    [
        ("001", "Russia kicked off its bombing campaign"),  # the outlet's own statement
        ("003", "Russia started its air strikes in Syria"),
        ("002", "\"The Americans' refusal to coordinate"),  # a quotation whose speaker the text never names next to it
        ("003", "It was previously reported that"),
    ],
)
def test_no_speaker_when_nobody_is_quoted_or_it_is_unclear(speakers, doc, opening):
    assert speaker_of(speakers, doc, opening) is None


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ('"There was absolutely nothing misleading about his answer," said Sessions spokeswoman Sarah Isgur Flores.', "Sarah Isgur Flores"),
        ("Malaysian Health Minister Subramaniam Sathasivam said later that the dose was very high.", "Subramaniam Sathasivam"),
        ('The army spokesman, Maj. Gen. Asif Ghafoor, said acts of terrorism were carried out "from hostile powers".', "Asif Ghafoor"),
        ('"He will be released," said Malaysian Attorney-General Mohamed Apandi Ali on Thursday.', "Mohamed Apandi Ali"),
    ],
)
def test_speaker_in_sentences_from_other_outlets(sentence, expected):
    assert sentence_speaker(sentence) == ("name", expected)


def test_attributions_on_the_citations_of_the_bundled_index(speakers):
    """Nearly every sentence that opens a quotation in the bundled articles gets a speaker."""
    quoted = [(s, who) for doc in speakers.values() for s, who in doc if s[:1] in "“\"'"]
    named = [who for _, who in quoted if who]
    assert len(quoted) >= 15 and len(named) >= len(quoted) - 3
