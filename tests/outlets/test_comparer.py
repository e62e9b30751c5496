"""Who says what on the bundled articles: per-outlet view, corroboration, conflicts, wire copies, CLI."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from assistant.outlets.syndication import containment
from tests.conftest import BUNDLED, ROOT

QUESTIONS = [json.loads(line) for line in (ROOT / "data" / "questions.jsonl").read_text().splitlines() if line.strip()]
CONFLICT = [q for q in QUESTIONS if q["type"] == "conflict"]
MULTI = [q for q in QUESTIONS if q["type"] == "multi-outlet"]
# Facts that the outlets state in (nearly) the same words: their counts must be exact. (multi-02's
# 250,000 is also in TRT World, but blamed "mainly [on the] Bashar al Assad regime" rather than on
# "militancy": names differ, so it is not the same claim, issue 12.)
VERBATIM = {"multi-03", "multi-05", "compare-multi-01"}


def exact(bot, citation) -> bool:
    return bot.article(citation.doc_id).text[citation.start : citation.end] == citation.quote


def source_of(bot, doc_id: str) -> str:
    outlet = bot.article(doc_id).outlet_name
    return doc_id if outlet == "unknown outlet" else outlet


@pytest.mark.parametrize("question", CONFLICT, ids=[q["id"] for q in CONFLICT])
def test_conflict_questions_are_flagged_with_both_sides_quoted(bot, question):
    answer = bot.ask(question["question"])
    assert answer.conflicts, answer.text
    assert answer.text.startswith("Outlets disagree: ")
    cited = {(c.doc_id, c.start) for c in answer.citations}
    for conflict in answer.conflicts:
        assert len(conflict.sides) >= 2
        sources = [{source_of(bot, c.doc_id) for c in side.citations} for side in conflict.sides]
        assert all(sources) and not set.intersection(*sources)  # no outlet on two sides
        for side in conflict.sides:
            first = side.citations[0]
            assert f'"{first.quote}"' in answer.text and (first.doc_id, first.start) in cited
            assert all(exact(bot, c) for c in side.citations) and side.claim
    assert bot.compare(question["question"]).conflicts


def outlet_count(comparison, answers: list[str]) -> int:
    wanted = [a.lower() for a in answers]
    return max((g.outlet_count for g in comparison.statements if any(w in c.quote.lower() for c in g.citations for w in wanted)), default=0)


@pytest.fixture(scope="module")
def multi_counts(bot) -> dict[str, tuple[int, int, int]]:
    """Per multi-outlet question: (outlets labelled, outlets counted, conflicts flagged)."""
    counts = {}
    for question in MULTI:
        comparison = bot.compare(question["question"])
        expected = len({source_of(bot, d) for d in question["doc_ids"]})
        counts[question["id"]] = (expected, outlet_count(comparison, question["answers"]), len(comparison.conflicts))
    return counts


def test_multi_outlet_questions_count_the_outlets_that_report_the_answer(multi_counts):
    """Exact where the outlets word the fact alike; over the whole set, mostly exact and never far off.

    The known misses (bench/compare_questions.py lists them): one bundled article is a machine-spun
    rewrite ("air battle in late September"), too unlike the others to be recognised as the same fact,
    and a quotation carrying several facts counts every outlet that reports the quotation.
    """
    assert {q: c for q, c in multi_counts.items() if q in VERBATIM and c[0] != c[1]} == {}
    exact_counts = sum(expected == found for expected, found, _ in multi_counts.values())
    assert exact_counts >= len(multi_counts) // 2, multi_counts
    assert all(abs(expected - found) <= 2 and found >= 1 for expected, found, _ in multi_counts.values()), multi_counts


def test_reporting_the_same_fact_is_not_a_disagreement(multi_counts):
    assert {q: c for q, c in multi_counts.items() if c[2]} == {}


def test_per_outlet_view_silent_outlets_and_the_outlet_filter(bot):
    comparison = bot.compare("What share of the Russian strikes did Samir Nashar say were hitting the FSA?")
    speaking = {v.outlet for v in comparison.outlets}
    assert speaking == {"Iran Press TV", "an article from an unknown outlet (004_2b4b424fbe197ea6)"}
    assert {"SBS News", "TRT World"} <= set(comparison.silent) and not speaking & set(comparison.silent)
    for view in comparison.outlets:
        assert 1 <= len(view.quotes) <= 3 and all(exact(bot, q) for q in view.quotes)
    nashar = [q for v in comparison.outlets for q in v.quotes if "percent" in q.quote]
    assert {q.speaker for q in nashar} == {"Samir Nashar"}

    only = bot.compare("Did the Free Syrian Army reject Russia's offer of help?", outlets=["SBS News", "trt world"])
    assert {v.outlet for v in only.outlets} | set(only.silent) == {"SBS News", "TRT World"}
    (conflict,) = only.conflicts
    assert [side.outlets for side in conflict.sides] == [["SBS News"], ["TRT World"]]


def test_the_deep_search_of_large_collections_finds_what_per_outlet_searches_find(bot, monkeypatch):
    """Large (IVF) collections take each outlet's chunks from one deep search; where that search
    reaches every chunk, as here, the comparison must equal the one from a search per outlet."""
    from assistant.outlets import comparer as engine

    monkeypatch.setattr(engine, "WIDE_CHUNKS", 3)  # so the per-outlet searches matter
    monkeypatch.setattr(engine, "PER_OUTLET_CHUNKS", 2)  # and the articles are not read whole
    comparer = bot.comparer
    assert comparer.deep_search is False  # 32 chunks: exact search, one (cached) search per outlet
    for question in QUESTIONS:
        per_outlet = comparer.compare(question["question"]).to_dict()
        comparer.deep_search = True
        try:
            deep = comparer.compare(question["question"]).to_dict()
        finally:
            comparer.deep_search = False
        assert deep == per_outlet, question["id"]


def test_corroboration_in_ask_and_to_dict(bot):
    # the articles' own words ("kicked off"): what is tested here is the count of outlets, not the relation
    answer = bot.ask("When did Russia kick off its bombing campaign in Syria?")
    top = answer.citations[0]
    assert top.outlet_count == 3 and len(top.outlets) == 3 and "September 30" in top.quote
    assert all(bot.article(r.doc_id).text[r.start : r.end] == r.quote for r in top.also_in)
    assert "(also reported by Iran Press TV, TRT World)" in answer.text
    data = answer.to_dict()
    assert json.loads(json.dumps(data)) == data and data["conflicts"] == []
    assert data["citations"][0]["outlet_count"] == 3 and len(data["citations"][0]["outlets"]) == 3

    conflicted = bot.ask("Did the Free Syrian Army reject Russia's offer of help?").to_dict()
    side = conflicted["conflicts"][0]["sides"][0]
    assert side["claim"] and side["outlets"] and side["citations"][0]["quote"] in conflicted["text"]


def test_speakers_are_named_on_citations(bot):
    answer = bot.ask("What did Lavrov say about the Americans' refusal to coordinate?")
    assert any(c.speaker in {"Sergey Lavrov", "Sergei Lavrov"} for c in answer.citations)
    comparison = bot.compare("What did the Free Syrian Army's Issam al-Reis say about Russia's offer of help?")
    speakers = {q.speaker for v in comparison.outlets for q in v.quotes}
    assert {"Issam al-Reis", "Issam al- Rayyes"} & speakers


def test_compare_json_from_the_command_line(bot):
    from typer.testing import CliRunner

    from assistant.cli import app

    result = CliRunner().invoke(app, ["compare", "Did the Free Syrian Army reject Russia's offer of help?", "--index-dir", str(bot.index_dir), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    assert data["conflicts"] and data["outlets"] and data["text"].startswith("Outlets disagree")
    plain = CliRunner().invoke(app, ["compare", "When did Russia begin its bombing campaign in Syria?", "--index-dir", str(bot.index_dir)])
    assert plain.exit_code == 0 and "Reported by 3 outlets" in plain.output


@pytest.fixture(scope="module")
def wire_bot(embedder, tmp_path_factory):
    """The bundled articles plus a second outlet running TRT World's story as its own (a wire copy)."""
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("wire") / "articles"
    shutil.copytree(BUNDLED, folder)
    trt = (folder / "003_d0e211c5a8975e06.txt").read_text(encoding="utf-8")
    copy = trt.replace("Photo by: Reuters\nPhoto by: Reuters\n", "").replace("TRTWorld and agencies", "Daily Sabah with wires")
    (folder / "005_wire_copy.txt").write_text(copy, encoding="utf-8")
    manifest = json.loads((folder / "sources.json").read_text())
    manifest["005_wire_copy.txt"] = {"title": "Rebels say Russia must stop bombing first", "outlet": "Daily Sabah"}
    (folder / "sources.json").write_text(json.dumps(manifest))
    return Assistant.from_directory(folder, index_dir=tmp_path_factory.mktemp("wire_index"), embedder=embedder)


def test_syndicated_copies_count_once_and_the_answer_says_so(wire_bot):
    copy = next(a for a in wire_bot.articles if a.outlet == "Daily Sabah")
    assert containment(wire_bot.article("003_d0e211c5a8975e06"), copy) >= 0.9
    question = "When did Russia begin its bombing campaign in Syria?"
    comparison = wire_bot.compare(question)
    assert any({"TRT World", "Daily Sabah"} <= set(w.outlets) for w in comparison.wire_copies)
    group = next(g for g in comparison.statements if "Daily Sabah" in g.outlets)
    assert "TRT World" in group.outlets and group.outlet_count == len(group.outlets) - 1
    assert any("carry the same wire story (counted once)" in note for note in group.syndicated)

    answer = wire_bot.ask(question)
    top = next(c for c in answer.citations if c.syndicated)
    assert top.outlet_count == len({r.outlet for r in top.also_in} | {top.outlet}) - 1
    assert "counted once" in answer.text
    # a wire copy never stands on the other side of a conflict with its original
    for conflict in wire_bot.compare("Did the Free Syrian Army reject Russia's offer of help?").conflicts:
        sides = [set(side.outlets) for side in conflict.sides]
        assert not any("TRT World" in a and "Daily Sabah" in b for a in sides for b in sides if a is not b)


# --- issue 12: "also reported by" only when figures, dates and names agree --------------------------------

QUAKE = {
    "reuters.txt": ("Reuters", "Quake in Van province", "An earthquake in Van province killed 2,500 people on Sunday, officials said. Rescue teams from Ankara arrived on Monday."),
    "sbs.txt": ("SBS News", "Van earthquake", "An earthquake in Van province killed 250 people on Sunday, officials said. Aid convoys were sent from Istanbul."),
}
TOLLS = [(120, 40), (300, 90), (450, 700), (610, 55), (75, 800), (980, 1300)]


@pytest.fixture(scope="module")
def quake_bot(embedder, tmp_path_factory):
    from tests.conftest import bot_over_articles

    articles = dict(QUAKE)
    for number, (killed, injured) in enumerate(TOLLS):  # one sentence with two figures, echoed with other figures
        articles[f"local{number}.txt"] = (
            f"Local Paper {number}", "Quake toll",
            f"The earthquake in Van province killed {killed} people and injured {injured}, the governor said on Sunday. "
            "Schools stayed closed.",
        )
    articles["twofigures.txt"] = (
        "Daily Wire", "Quake toll", "The earthquake in Van province killed 2,500 people and injured 9,000, the governor said on Sunday. Schools stayed closed."
    )
    return bot_over_articles(tmp_path_factory, embedder, "quake", articles)


def test_case_5_different_figures_are_a_disagreement_never_also_reported(quake_bot):
    answer = quake_bot.ask("How many people did the earthquake in Van province kill?")
    assert answer.conflicts, answer.text
    for citation in answer.citations:
        figures = set(re.findall(r"\d[\d,]*", citation.quote))
        for ref in citation.also_in:
            assert set(re.findall(r"\d[\d,]*", ref.quote)) == figures, (citation.quote, ref.quote)
    assert "also reported by SBS News" not in answer.text and "(also reported by Reuters" not in answer.text
    comparison = quake_bot.compare("How many people did the earthquake in Van province kill?")
    for group in comparison.statements:
        assert len({frozenset(re.findall(r"\d[\d,]*", c.quote)) for c in group.citations}) == 1, [c.quote for c in group.citations]


def test_case_5_a_sentence_with_two_figures_is_not_corroborated_by_other_figures(quake_bot):
    answer = quake_bot.ask("How many people were killed and injured in the Van earthquake, according to the governor?")
    for citation in answer.citations:
        assert all(re.findall(r"\d[\d,]*", ref.quote) == re.findall(r"\d[\d,]*", citation.quote) for ref in citation.also_in)
    two = next(c for c in answer.citations if c.doc_id == "twofigures")
    assert two.also_in == [] and "also reported" not in answer.text
