"""A quote that names what the question asks for (assistant/answer/named_quote.py), on real indexes."""

import pytest

SHOW = (
    "“Squid Game” is officially coming back. "
    "Netflix announced Sunday that the wildly popular South Korean show is green lit for a second season. "
    "The first season drew record audiences around the world, the company said."
)


@pytest.fixture(scope="module")
def show_bot(tmp_path_factory, embedder):
    from assistant import Assistant

    articles = tmp_path_factory.mktemp("show")
    (articles / "show.txt").write_text(SHOW, encoding="utf-8")
    return Assistant.from_directory(articles, index_dir=tmp_path_factory.mktemp("show-index"), embedder=embedder)


def test_a_describing_quote_takes_in_the_sentence_before_that_names_it(show_bot):
    answer = show_bot.ask("Which wildly popular show was recently green lit for a new season?")
    first = answer.citations[0]
    assert first.quote == SHOW[first.start : first.end]  # still an exact slice of the article
    assert first.quote.startswith("“Squid Game” is officially coming back.")
    assert first.quote.endswith("green lit for a second season.")
    assert f'"{first.quote}"' in answer.text


def test_a_date_question_keeps_its_one_sentence(show_bot):
    answer = show_bot.ask("When did Netflix announce the show was green lit for a second season?")
    assert not answer.abstained
    assert answer.citations[0].quote.startswith("Netflix announced Sunday")
    assert "Squid Game" not in answer.citations[0].quote


def test_a_quote_that_names_the_answer_is_left_alone(bot):
    answer = bot.ask("Where did the FSA propose to hold talks with Russia?")
    first = answer.citations[0]
    assert "Cairo" in first.quote
    assert "\n" not in first.quote  # one sentence: it names the place already


def test_a_follow_up_counts_both_widened_sentences_as_quoted(show_bot):
    from assistant.answer.extractive import ScoredSentence, quoted_before

    conversation = show_bot.conversation()
    first = show_bot.ask("Which wildly popular show was recently green lit for a new season?", conversation=conversation)
    cited = first.citations[0]
    described = SHOW.index("Netflix")
    sentence = ScoredSentence(0, 0, described, SHOW.index("season.") + len("season."), 0.9, 0.9, 0.5, frozenset())
    assert SHOW[sentence.start : sentence.end].startswith("Netflix announced")
    assert quoted_before(cited.doc_id, sentence, conversation.quoted())  # the sentence the widened quote ends with
    later = ScoredSentence(0, 0, SHOW.index("The first"), len(SHOW), 0.9, 0.9, 0.5, frozenset())
    assert not quoted_before(cited.doc_id, later, conversation.quoted())
