"""End to end over the bundled articles: cited answers, exact quotes, abstention, follow-ups."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

QUESTIONS = [
    "Where did the FSA propose to meet Russia?",
    "Who is the spokesman for Division 13 of the Free Syrian Army?",
    "How many people have been killed in Syria?",
    "What did Lavrov offer the Free Syrian Army?",
    "Did the rebels reject the Russian offer of military support?",
    "What percentage of Russian strikes hit the FSA?",
]


def assert_exact(bot, answer):
    for citation in answer.citations:
        article = bot.article(citation.doc_id)
        assert article.text[citation.start : citation.end] == citation.quote
        assert citation.outlet == article.outlet_name
        for ref in citation.also_in:
            assert bot.article(ref.doc_id).text[ref.start : ref.end] == ref.quote


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_quote_equals_the_source_slice(bot, question):
    answer = bot.ask(question)
    assert not answer.abstained and answer.citations
    assert_exact(bot, answer)
    for citation in answer.citations:
        assert f'"{citation.quote}"' in answer.text  # the text quotes what the citations hold


def test_a_single_outlet_fact(bot):
    answer = bot.ask("Where did the FSA propose to meet Russia?")
    top = answer.citations[0]
    assert "Cairo" in top.quote and top.doc_id == "000_4fb80201a179085a"
    assert top.outlet == "unknown outlet" and "unknown outlet (000_4fb80201a179085a)" in answer.text


def test_quotes_are_sentences_not_chunks(bot):
    answer = bot.ask("Who is the spokesman for Division 13 of the Free Syrian Army?")
    assert any("Ahmad Saoud" in c.quote for c in answer.citations)
    for citation in answer.citations:
        assert len(citation.quote) < 450


def test_a_statement_several_outlets_carry_is_one_citation_listing_them_all(bot):
    answer = bot.ask("How many people have been killed in Syria?")
    top = answer.citations[0]
    assert "250,000" in top.quote
    sources = {top.doc_id} | {ref.doc_id for ref in top.also_in}
    assert {"000_4fb80201a179085a", "001_474bbdfa31def6b0"} <= sources
    assert "Iran Press TV" in top.outlets and len(top.outlets) >= 2
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == len(set(quotes))  # no duplicate sources in the list


def test_questions_the_articles_cannot_answer_are_declined(bot):
    for question in ["Who won the 2014 World Cup?", "What is the capital of Australia?", "How much does a Tesla Model 3 cost?"]:
        answer = bot.ask(question)
        assert answer.abstained and not answer.citations
        assert "articles don't say" in answer.text


def test_outlet_filter(bot):
    answer = bot.ask("Did the rebels reject the Russian offer?", outlets=["TRT World"])
    assert answer.citations and {c.outlet for c in answer.citations} == {"TRT World"}
    assert all(ref.outlet == "TRT World" for c in answer.citations for ref in c.also_in)
    assert bot.ask("Did the rebels reject the Russian offer?", outlets=["No Such Outlet"]).abstained


def test_follow_up_questions_use_the_conversation(bot):
    conversation = bot.conversation()
    first = bot.ask("What did Lavrov offer the Free Syrian Army?", conversation=conversation)
    assert not first.abstained
    follow_up = bot.ask("What did he say about elections?", conversation=conversation)
    assert follow_up.query != follow_up.question and "Lavrov" in follow_up.query
    assert not follow_up.abstained
    assert any("election" in c.quote for c in follow_up.citations)
    assert_exact(bot, follow_up)


def test_a_follow_up_tells_something_new_instead_of_repeating_the_last_answer(bot):
    conversation = bot.conversation()
    first = bot.ask("Who met Saudi Arabia's King Salman in Riyadh?", conversation=conversation)
    assert "John Kerry" in first.citations[0].quote
    follow_up = bot.ask("What did they reaffirm?", conversation=conversation)
    assert not follow_up.abstained
    assert "reaffirmed their commitment to a unified, pluralistic and stable Syria" in follow_up.citations[0].quote
    assert {(c.doc_id, c.start) for c in follow_up.citations}.isdisjoint((c.doc_id, c.start) for c in first.citations)
    assert_exact(bot, follow_up)


def test_article_lookup_and_to_dict(bot):
    answer = bot.ask("What percentage of Russian strikes hit the FSA?")
    data = answer.to_dict()
    assert json.loads(json.dumps(data)) == data
    first = data["citations"][0]
    assert set(first) >= {"outlet", "title", "url", "published", "doc_id", "path", "quote", "start", "end", "score", "also_in", "outlets"}
    assert bot.article(first["doc_id"]).text[first["start"] : first["end"]] == first["quote"]
    with pytest.raises(KeyError, match="nope"):
        bot.article("nope")


def test_llama_index_retriever_and_query_engine(bot):
    nodes = bot.as_retriever().retrieve("Where did the FSA propose to meet Russia?")
    node = nodes[0].node
    assert node.metadata["outlet"] == "unknown outlet" and "Cairo" in node.text
    assert bot.article(node.metadata["doc_id"]).text[node.start_char_idx : node.end_char_idx] == node.text
    response = bot.as_query_engine(outlets=["SBS News"]).query("Why does the FSA not trust Russia?")
    assert response.source_nodes and all(n.node.metadata["outlet"] == "SBS News" for n in response.source_nodes)
    assert response.metadata["abstained"] is False and str(response) == response.response


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, input=stdin, cwd=ROOT)


def test_cli_index_ask_json_and_chat(bot, bundled_copy, tmp_path):
    index_dir = str(tmp_path / "cli-index")
    built = run_cli("index", str(bundled_copy), "--index-dir", index_dir)
    assert built.returncode == 0 and "5 added" in built.stdout
    again = run_cli("index", str(bundled_copy), "--index-dir", index_dir)
    assert "5 unchanged" in again.stdout and "0 chunks embedded" in again.stdout

    asked = run_cli("ask", "--json", "Where did the FSA propose to meet Russia?", "--index-dir", index_dir)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert "Cairo" in answer["citations"][0]["quote"] and answer["abstained"] is False

    declined = run_cli("ask", "Who won the 2014 World Cup?", "--index-dir", index_dir)
    assert "articles don't say" in declined.stdout

    chat = run_cli("chat", "--index-dir", index_dir, stdin="What did Lavrov offer the Free Syrian Army?\nWhat did he say about elections?\n")
    assert chat.returncode == 0 and chat.stdout.count("reports") >= 2 and "election" in chat.stdout


def test_cli_without_an_index_says_how_to_build_one(tmp_path):
    result = run_cli("ask", "Anything?", "--index-dir", str(tmp_path / "empty"))
    assert result.returncode == 1 and "newscite index" in result.stderr


@pytest.mark.parametrize(
    "question, follow_up",
    [
        ("What did he say about the Russian airstrikes?", True),  # "Russian" is an adjective, not a referent
        ("What did they reaffirm?", True),
        ("When did Russia start its bombing campaign?", False),  # "its" points to Russia
        ("Who is Fahad al-Masri?", False),
        ("What did Lavrov say about his plans?", False),
    ],
)
def test_which_questions_are_follow_ups(question, follow_up):
    from assistant.answer.conversation import is_follow_up

    assert is_follow_up(question) is follow_up


def test_a_sentence_that_asks_the_question_is_not_quoted_as_its_answer(embedder, tmp_path):
    from assistant import Assistant

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "port.txt").write_text(
        "Harbour News\n\nWhen will the port of Tartus reopen to cargo ships?\n\n"
        "The port of Tartus will reopen to cargo ships on Wednesday, the harbour master said. "
        "Storms damaged the breakwater and two cranes last month.\n"
    )
    bot = Assistant.from_directory(folder, index_dir=tmp_path / "index", embedder=embedder)
    answer = bot.ask("When will the port of Tartus reopen to cargo ships?")
    assert not answer.abstained
    assert answer.citations[0].quote.startswith("The port of Tartus will reopen to cargo ships on Wednesday")
    assert all(not c.quote.endswith("?") for c in answer.citations)
    from assistant.answer.extractive import asks_a_question

    assert not asks_a_question("'Russia is bombing us, and now it wants to cooperate with us?")  # a speaker's point


def test_an_articles_own_question_with_an_apostrophe_is_not_quoted():
    """A quiz question in an article ("next year’s Super Bowl") is the article asking, not a speaker quoted."""
    from assistant.answer.extractive import asks_a_question

    assert asks_a_question("QUIZ TIME  Which pop star will perform at next year’s Super Bowl LVII Halftime Show?")
    assert asks_a_question("Isn't it time the council's plan was published?")
    assert not asks_a_question("‘Why does Russia bomb us?’")
