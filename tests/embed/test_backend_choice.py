"""The article backend is chosen by what the CPU does natively and by measurement, and recorded.

Real runtimes and the real model throughout; only the cache file is moved
to a temporary folder so a test never reuses another's measurement.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.embed import backend_choice
from assistant.embed.backend_choice import candidates, choose_backend, describe_choice, pick
from tests.conftest import BUNDLED, ROOT

QUESTIONS = [json.loads(line) for line in (ROOT / "data" / "questions.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture
def private_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSCITE_BACKEND", raising=False)
    monkeypatch.setattr(backend_choice, "_cache_file", lambda capabilities: tmp_path / f"choice-{'-'.join(capabilities)}.json")
    return tmp_path


def test_bf16_is_a_candidate_only_where_openvino_lists_it():
    without, why = candidates(["WINOGRAD", "FP32", "INT8", "BIN", "EXPORT_IMPORT"])  # the Xeon of issue 11
    assert "openvino-bf16" not in without and "emulated" in why["openvino-bf16"]
    assert {"openvino-int8", "onnx-int8", "onnx-fp32", "openvino-fp32"} <= set(without)
    assert "openvino-bf16" in candidates(["FP32", "BF16", "INT8"])[0]
    assert set(candidates([])[0]) == {"onnx-int8", "onnx-fp32"}  # no OpenVINO at all
    no_int8, why = candidates(["FP32"])
    assert "openvino-int8" not in no_int8 and "INT8" in why["openvino-int8"]


def test_the_canonical_backend_wins_unless_another_is_much_faster():
    assert pick({"onnx-int8": 100.0, "openvino-bf16": 120.0, "onnx-fp32": 50.0}) == "onnx-int8"
    assert pick({"onnx-int8": 100.0, "openvino-bf16": 130.0}) == "openvino-bf16"
    assert pick({"onnx-fp32": 40.0, "openvino-fp32": 45.0}) == "openvino-fp32"
    # The shipped static int8 is canonical where it runs; onnxruntime's int8 where it does not.
    assert pick({"openvino-int8": 100.0, "onnx-int8": 120.0, "openvino-bf16": 110.0}) == "openvino-int8"
    assert pick({"openvino-int8": 100.0, "onnx-int8": 130.0}) == "onnx-int8"


def test_a_cpu_without_bf16_never_gets_bf16_and_the_choice_is_cached(private_cache, monkeypatch):
    monkeypatch.setenv("NEWSCITE_HIDE_CAPABILITIES", "BF16")
    choice = choose_backend()
    assert choice.backend != "openvino-bf16" and "BF16" not in choice.capabilities and choice.hidden == ["BF16"]
    assert "openvino-bf16" in choice.skipped and "openvino-bf16" not in choice.rates
    assert choice.rates and all(rate > 0 for rate in choice.rates.values())
    assert choice.backend == pick(choice.rates)
    monkeypatch.setattr(backend_choice, "measure", lambda *a, **k: pytest.fail("measured again instead of reading the cache"))
    assert choose_backend() == choice
    line = describe_choice(choice.as_dict())
    assert choice.backend in line and "skipped" in line and "hidden from the choice: BF16" in line


def test_the_override_forces_one_backend(private_cache, monkeypatch):
    monkeypatch.setenv("NEWSCITE_BACKEND", "openvino-fp32")
    choice = choose_backend()
    assert choice.forced and choice.backend == "openvino-fp32" and "forced" in describe_choice(choice.as_dict())


def test_the_manifest_stats_and_cli_record_the_choice(bot):
    choice = bot.stats()["backend_choice"]
    assert choice is not None and choice["backend"] == bot.data.backend
    manifest = json.loads((bot.data.folder / "manifest.json").read_text())
    assert manifest["backend_choice"] == choice
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "stats", "--index-dir", str(bot.index_dir)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"article backend: {bot.data.backend}" in done.stdout and "5 articles" in done.stdout


def test_an_index_built_with_one_backend_answers_on_a_machine_that_picks_another(tmp_path, monkeypatch):
    """Built with fp32 vectors (e.g. on a CPU where int8 is slow), answered with int8 questions
    where int8 is chosen; new articles keep the index's backend so its vectors stay of one kind."""
    from assistant import Assistant
    from assistant.embed.embedding import make_embedder

    monkeypatch.delenv("NEWSCITE_BACKEND", raising=False)
    index_dir = tmp_path / "index"
    built = Assistant.from_directory(BUNDLED, index_dir=index_dir, embedder=make_embedder("onnx-fp32"))
    assert built.data.backend == "onnx-fp32"
    bot = Assistant.load(index_dir)
    assert bot.stats()["query_backend"] == "onnx-int8" and bot.data.backend == "onnx-fp32"
    answerable = [q for q in QUESTIONS if q["type"] == "single" and q.get("answers")]
    assert answerable
    for question in answerable:
        answer = bot.ask(question["question"])
        for c in answer.citations:
            assert bot.article(c.doc_id).text[c.start : c.end] == c.quote
    found = sum(any(a.lower() in answer.text.lower() for a in q["answers"]) for q in answerable for answer in [bot.ask(q["question"])])
    assert found >= 0.8 * len(answerable), found
    extra = tmp_path / "more.txt"
    extra.write_text("Title: Ferry resumes\n\nThe ferry between Latakia and Mersin resumed service on Friday after a storm.")
    bot.add([extra])
    assert bot.data.backend == "onnx-fp32"
    assert bot.ask("When did the ferry between Latakia and Mersin resume service?").citations
