"""The ONNX/OpenVINO backends give torch's vectors; the default falls back when a runtime is missing and keeps an index's backend."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from assistant.embed import backend_choice
from assistant.embed.backend_choice import openvino_capabilities
from assistant.embed.embedding import QuestionFastEmbedder, TorchEmbedder, default_embedder, question_embedder
from assistant.embed.onnx_embedder import BackendUnavailable, OnnxEmbedder

SENTENCES = [
    "We have proposed to hold the meeting in Cairo, Egypt, but haven't received an answer yet.",
    "The FSA representative said the talks should happen as soon as possible.",
    "Dozens of lorries carrying grain crossed the border at Bab al-Hawa on Thursday.",
    "Inflation rose to 9.1 percent in June, the highest in four decades.",
    "Netflix announced that the popular South Korean show will return for a second season.",
    "Ceasefire",
    "The port of Tartus reopened to cargo ships on Wednesday, the harbour master said, after weeks of closure "
    "caused by storms that damaged the breakwater and two cranes.",
]

QUERY = "Where did the FSA propose to meet Russia?"


@pytest.fixture(scope="module")
def torch_vectors():
    torch_embedder = TorchEmbedder()
    return torch_embedder.embed(SENTENCES), torch_embedder.embed_query(QUERY)


@pytest.mark.parametrize("backend", ["openvino-int8", "openvino-bf16", "onnx-fp32", "onnx-int8", "openvino-fp32"])
def test_onnx_backends_agree_with_torch(backend, torch_vectors):
    if backend == "openvino-bf16" and "BF16" not in openvino_capabilities():
        pytest.skip("this CPU has no native bf16: OpenVINO would emulate it (~40x slower), and NewsCite never uses it here")
    reference, reference_query = torch_vectors
    embedder = OnnxEmbedder(backend).warm_up()
    vectors = embedder.embed(SENTENCES)
    assert vectors.shape == (len(SENTENCES), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() > 0.98, cosines
    assert float(embedder.embed_query(QUERY) @ reference_query) > 0.98
    # The query path (one thread) and the batch path (all cores) give the same vector.
    assert float(embedder.embed_query(SENTENCES[0]) @ vectors[0]) > 0.98


def test_the_export_is_built_on_first_use_in_the_cache_dir(tmp_path, monkeypatch, torch_vectors):
    monkeypatch.setenv("NEWSCITE_CACHE_DIR", str(tmp_path))
    vectors = OnnxEmbedder("onnx-fp32").embed(SENTENCES[:3])
    exported = list(tmp_path.glob("onnx-*/model.onnx"))
    assert len(exported) == 1 and exported[0].stat().st_size > 50_000_000
    assert not list(tmp_path.rglob("*.tmp"))
    assert (vectors * torch_vectors[0][:3]).sum(axis=1).min() > 0.999  # fp32: torch's vectors


def test_default_embedder_falls_back_when_a_runtime_is_missing(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSCITE_BACKEND", raising=False)
    monkeypatch.setattr(backend_choice, "_cache_file", lambda capabilities: tmp_path / f"choice-{len(capabilities)}.json")
    monkeypatch.setitem(sys.modules, "openvino", None)  # `import openvino` now raises ImportError
    with pytest.raises(BackendUnavailable):
        OnnxEmbedder("openvino-fp32").warm_up()
    embedder = default_embedder()
    assert embedder.backend in {"onnx-int8", "onnx-fp32"} and embedder.choice.capabilities == []
    assert set(embedder.choice.skipped) == {"openvino-int8", "openvino-bf16", "openvino-fp32"}
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    embedder = default_embedder()
    assert embedder.backend == "torch"
    assert embedder.embed_query(QUERY).shape == (384,)


def test_default_embedder_prefers_the_index_backend_and_honours_the_override(monkeypatch):
    monkeypatch.delenv("NEWSCITE_BACKEND", raising=False)
    chosen = backend_choice.choose_backend().backend
    assert default_embedder(prefer="onnx-fp32").backend == "onnx-fp32"  # an index keeps its backend
    assert default_embedder(prefer="torch").backend == chosen  # torch is never preferred: the choice is faster
    monkeypatch.setenv("NEWSCITE_HIDE_CAPABILITIES", "BF16")  # an index built on a CPU with bf16, updated on one without
    assert default_embedder(prefer="openvino-bf16").backend != "openvino-bf16"
    monkeypatch.setenv("NEWSCITE_BACKEND", "onnx-fp32")
    assert default_embedder().backend == "onnx-fp32"


def test_questions_use_int8_and_articles_keep_the_index_backend(monkeypatch, torch_vectors):
    monkeypatch.delenv("NEWSCITE_BACKEND", raising=False)
    embedder = question_embedder("openvino-fp32")
    assert isinstance(embedder, QuestionFastEmbedder) and embedder.query_backend == "onnx-int8"
    assert "articles" not in vars(embedder)  # answering alone never loads the article backend
    reference, reference_query = torch_vectors
    assert float(embedder.embed_query(QUERY) @ reference_query) > 0.98
    assert embedder.backend == "openvino-fp32"  # what an index built through it records
    assert (embedder.embed(SENTENCES) * reference).sum(axis=1).min() > 0.999  # the index's own (fp32) vectors
    monkeypatch.setenv("NEWSCITE_BACKEND", "onnx-fp32")  # one forced backend for both
    assert question_embedder("openvino-fp32").backend == "onnx-fp32"
    monkeypatch.delenv("NEWSCITE_BACKEND")
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # no int8: questions use the article backend
    fallback = question_embedder("openvino-fp32")
    assert fallback.backend == "openvino-fp32" and not hasattr(fallback, "query_backend")


@pytest.mark.parametrize("backend", ["openvino-int8", "onnx-int8", "onnx-fp32", "openvino-fp32"])
def test_what_a_texts_vector_owes_to_its_batch(backend):
    """fp32 and static int8 (scales fixed when it was made): nothing. onnx-int8 quantises each run with
    one scale, so a sentence embedded among others moves a little (docs/backends.md); a question and a
    lone sentence (runs of one) agree exactly."""
    embedder = OnnxEmbedder(backend).warm_up()
    crowd = SENTENCES * 6  # more than one batch, so the batch path (all cores) runs
    together = embedder.embed(crowd)
    alone = embedder.embed([SENTENCES[0]])[0]
    assert float(embedder.embed_query(SENTENCES[0]) @ alone) > 0.99999
    assert float(together[0] @ alone) > (0.97 if backend == "onnx-int8" else 0.99999)
    assert float(embedder.embed(crowd[::-1])[-1] @ together[0]) > (0.97 if backend == "onnx-int8" else 0.99999)


def test_a_released_batch_runtime_comes_back_on_the_next_batch_with_the_same_vectors():
    """A build lets OpenVINO's batch memory go before its merge (assistant/index/build.py)."""
    embedder = OnnxEmbedder("openvino-int8").warm_up()
    crowd = SENTENCES * 6  # more than one batch: the batch runtime, not the query runner
    before = embedder.embed(crowd)
    runtime = embedder.batches_runner
    embedder.release()
    assert "batches_runner" not in embedder.__dict__ and list(embedder._runners) == [(embedder.query_threads, False)]
    after = embedder.embed(crowd)
    assert embedder.batches_runner is not runtime
    assert np.allclose(before, after, atol=1e-6)
