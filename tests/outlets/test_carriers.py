"""Who quoted whom (issue 24): the outlet a sentence says first carried the words, on the citation and in who says what."""

from __future__ import annotations

import json

import pytest

from assistant.outlets.carriers import carried_from
from tests.conftest import BUNDLED


def bundled_sentence(file_name: str, words: str) -> str:
    """The bundled article's sentence (its line's sentence) holding `words`, as the article writes it."""
    text = (BUNDLED / file_name).read_text(encoding="utf-8")
    at = text.index(words)
    start = max(text.rfind("\n", 0, at), text.rfind(". ", 0, at) + 1) + 1
    end = text.index(".", at) + 1
    return text[start:end].strip()


@pytest.mark.parametrize(
    "file_name, words, expected",
    [
        ("000_4fb80201a179085a.txt", "told Russian RIA Novosti news agency", "RIA Novosti"),
        ("003_d0e211c5a8975e06.txt", "told the BBC", "BBC"),
        ("003_d0e211c5a8975e06.txt", "One leading rebel told Reuters", "Reuters"),
        ("003_d0e211c5a8975e06.txt", "According to Reuters", "Reuters"),
        ("002_cb88b180f589ea72.txt", "has told Al Jazeera television", "Al Jazeera"),
        ("004_2b4b424fbe197ea6.txt", "as per the AFP news organizati", "AFP"),
    ],
)
def test_the_bundled_articles_name_who_carried_the_words_first(file_name, words, expected):
    assert carried_from(bundled_sentence(file_name, words)) == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Press TV, citing RIA Novosti, said the group had refused the offer.", "RIA Novosti"),
        ("Interfax news agency reported that about 500 people were detained.", "Interfax"),
        ("The minister told reporters on Sunday that the talks would go ahead.", None),
        ("According to officials, 12 people died in the blast.", None),
        ("Trump told the nation in a televised address that he would sign it.", None),
        ("Syrian state news said more than 20 people were injured.", None),
    ],
)
def test_outlets_not_people(sentence, expected):
    assert carried_from(sentence) == expected


def test_an_outlet_is_not_its_own_carrier():
    assert carried_from("One leading rebel told Reuters that elections were illogical.", "Reuters") is None


def test_who_says_what_shows_the_chain(bot):
    comparison = bot.compare("What did Issam al- Rayyes say about the Russian offer?")
    quotes = [q for view in comparison.outlets for q in view.quotes]
    told = [c for c in quotes if c.speaker == "Issam al- Rayyes" and "told the BBC" in c.quote]
    assert told, comparison.text
    citation = told[0]
    assert citation.via == "BBC"
    assert citation.chain == ["Issam al- Rayyes", "BBC", "TRT World"]
    assert "quoting Issam al- Rayyes (spokesman for the Southern Front of the Free Syrian Army) via BBC" in comparison.text
    data = comparison.to_dict()
    assert json.loads(json.dumps(data)) == data
    shown = [q for view in data["outlets"] for q in view["quotes"] if q["start"] == citation.start and q["doc_id"] == citation.doc_id]
    assert shown and shown[0]["via"] == "BBC" and shown[0]["chain"] == ["Issam al- Rayyes", "BBC", "TRT World"]
    for quote in quotes:  # every quote exact
        assert bot.article(quote.doc_id).text[quote.start : quote.end] == quote.quote


def test_an_article_of_unknown_outlet_carries_ria_novosti(bot):
    comparison = bot.compare("Is the Free Syrian Army ready for dialogue with Russia?")
    carried = [q for view in comparison.outlets for q in view.quotes if q.via == "RIA Novosti"]
    assert carried, comparison.text
    chain = carried[0].chain
    assert chain[0] == "Fahad al-Masri" and chain[1] == "RIA Novosti" and "unknown outlet" in chain[2]
    assert "via RIA Novosti" in comparison.text
