"""A "this week" question is answered from that week's articles (assistant.answer.recency), on a real index."""

import json
from datetime import date

import pytest

from assistant import Assistant
from assistant.answer.recency import recent_days

ARTICLES = {
    "truss.txt": (
        "BBC", "2022-09-06",
        "Liz Truss became the new prime minister of the United Kingdom on Tuesday after meeting the Queen at Balmoral.\n\n"
        "She promised to cut taxes and to tackle the cost of energy.\n",
    ),
    "sunak.txt": (
        "The Guardian", "2022-10-25",
        "Rishi Sunak became the new prime minister of the United Kingdom on Tuesday, the third this year.\n\n"
        "He warned of difficult decisions to come on the public finances.\n",
    ),
    "undated.txt": (
        "Reuters", None,
        "Boris Johnson became the new prime minister of the United Kingdom after winning the party vote.\n\n"
        "He promised to deliver Brexit by the end of October.\n",
    ),
}
QUESTION = "Who became the new prime minister of the United Kingdom this week?"


@pytest.fixture(scope="module")
def bot(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("recency")
    manifest = {}
    for name, (outlet, published, text) in ARTICLES.items():
        (folder / name).write_text(text)
        manifest[name] = {"outlet": outlet, "published": published}
    (folder / "sources.json").write_text(json.dumps(manifest))
    return Assistant.from_directory(folder, index_dir=tmp_path_factory.mktemp("recency_index"), embedder=embedder)


def test_this_week_is_the_week_before_the_day_asked(bot):
    assert "Rishi Sunak" in bot.ask(QUESTION, as_of=date(2022, 10, 28)).citations[0].quote
    assert "Liz Truss" in bot.ask(QUESTION, as_of=date(2022, 9, 8)).citations[0].quote


def test_with_nothing_published_that_week_all_articles_still_answer(bot):
    answer = bot.ask(QUESTION, as_of=date(2030, 1, 1))
    assert not answer.abstained
    assert "became the new prime minister" in answer.citations[0].quote


def test_a_question_without_a_time_is_not_limited_to_a_week(bot):
    question = "Who promised to deliver Brexit by the end of October?"
    assert "deliver Brexit" in bot.ask(question, as_of=date(2022, 10, 28)).citations[0].quote  # the undated article


def test_how_far_back_each_phrase_reaches():
    assert recent_days("Which band announced this week it's dropping a new single?") == 8
    assert recent_days("What did the minister say yesterday?") == 2
    assert recent_days("A record-breaking python was recently caught in Florida. How heavy was it?") == 15
    assert recent_days("Which member of the administration tested positive this month?") == 32
    assert recent_days("Where did the FSA propose to hold talks with Russia?") is None


def test_an_llm_reads_that_weeks_articles_first(bot):
    """The LLM path gets the same preference: its evidence is the week's sentences when one clears the threshold."""
    from tests.fake_llm import ScriptedLLM, evidence_lines

    llm = ScriptedLLM(script="Nothing to add.")
    with_llm = Assistant(bot.data, bot.index_dir, embedder=bot.embedder, llm=llm)
    with_llm.ask(QUESTION, as_of=date(2022, 10, 28))
    texts = [text for _, _, text in evidence_lines(llm.prompts[-1])]
    assert texts and all("Liz Truss" not in text and "Boris Johnson" not in text for text in texts)
    assert any("Rishi Sunak" in text for text in texts)
    with_llm.ask(QUESTION, as_of=date(2030, 1, 1))
    assert any("Liz Truss" in text for _, _, text in evidence_lines(llm.prompts[-1]))


def test_a_question_asked_on_a_past_day_reads_only_what_was_published_by_then(bot):
    question = "Who became the new prime minister of the United Kingdom, the third this year?"
    today = bot.ask(question)
    assert "Rishi Sunak" in today.citations[0].quote
    before = bot.ask(question, as_of=date(2022, 10, 1))  # Sunak's article is from 2022-10-25
    assert not before.abstained
    assert all("Sunak" not in c.quote for c in before.citations)
    assert "sunak" not in before.retrieved_doc_ids


def test_this_week_is_never_answered_from_an_article_months_old(bot):
    """Truss's tax promise (6 September) answers "this week" on 8 September, not on 28 October:
    then the articles of the four weeks before, and undated ones, are all that may answer."""
    question = "Who promised to cut taxes this week?"
    assert "promised to cut taxes" in bot.ask(question, as_of=date(2022, 9, 8)).citations[0].quote
    late = bot.ask(question, as_of=date(2022, 10, 28))
    assert all("cut taxes" not in c.quote for c in late.citations)
    assert late.abstained  # and it says which articles it read: Sunak's and the undated one
    assert "nothing in the 2 articles published since 27 September 2022 (or undated)" in late.text


def test_a_year_in_the_question_is_met_by_the_articles_publication_year(bot):
    """No sentence says "2022"; the 2022 articles are about 2022, the undated one is not known to be."""
    answer = bot.ask("Who became the new prime minister of the United Kingdom in 2022?", as_of=date(2022, 12, 1))
    assert not answer.abstained
    assert answer.citations[0].doc_id in {"truss", "sunak"}
    assert bot.ask("Who became the new prime minister of the United Kingdom in 2019?", as_of=date(2022, 12, 1)).abstained
