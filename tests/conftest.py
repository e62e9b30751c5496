"""Shared fixtures: one real embedding model per test session, one bundled index per module."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "articles"
SHARED = ROOT.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def embedder():
    """The real packaged all-MiniLM-L6-v2, loaded once, as an Assistant uses it: articles near-fp32, questions int8."""
    from assistant.embed.embedding import default_embedder, question_embedder

    return question_embedder(articles=default_embedder())


@pytest.fixture(scope="module")
def bundled_copy(tmp_path_factory) -> Path:
    """A private copy of data/articles that a test may modify."""
    target = tmp_path_factory.mktemp("articles") / "articles"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture(scope="module")
def bot(bundled_copy, embedder, tmp_path_factory):
    """An Assistant over the bundled articles with a real FAISS index in a tmp folder."""
    from assistant import Assistant

    return Assistant.from_directory(bundled_copy, index_dir=tmp_path_factory.mktemp("index"), embedder=embedder)


def bot_over_articles(tmp_path_factory, embedder, name: str, articles: dict[str, tuple[str, str | None, str]]):
    """An Assistant with a real index over articles written for a test: file name -> (outlet, title, text)."""
    import json

    from assistant import Assistant

    folder = tmp_path_factory.mktemp(name)
    for file_name, (_, _, text) in articles.items():
        (folder / file_name).write_text(text)
    manifest = {file_name: {"outlet": outlet, "title": title} for file_name, (outlet, title, _) in articles.items()}
    (folder / "sources.json").write_text(json.dumps(manifest))
    return Assistant.from_directory(folder, index_dir=tmp_path_factory.mktemp(f"{name}_index"), embedder=embedder)


def heavy_imports_after(code: str) -> list[str]:
    """Which of torch, transformers and sentence-transformers a fresh interpreter has imported after `code`:
    the shipped models must run on onnxruntime and tokenizers alone."""
    import json
    import subprocess
    import sys

    probe = code + "; import json, sys; print(json.dumps(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bundled_line(article: str, start: str) -> str:
    """The line of a bundled article that starts with `start` (its sentence, as the index keeps it)."""
    lines = (BUNDLED / article).read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if line.startswith(start))


def shared_dataset(*parts: str) -> Path:
    """Path into ../shared/datasets, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: this test needs ../shared/datasets")
    return path


def corpus_texts(dai_ids: set[str], rtqa_ids: set[str]) -> dict[tuple[str, str], str]:
    """Article texts of the shared news corpora, keyed (source, id): News Articles (Dai 2017) by `article_id`,
    the RealTime QA corpus by `doc_id`; skips the test when ../shared/datasets is absent."""
    import csv
    import gzip
    import json

    texts: dict[tuple[str, str], str] = {}
    csv.field_size_limit(10**8)
    with open(shared_dataset("news_dai2017", "NewsArticles.csv"), newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            if record["article_id"] in dai_ids:
                texts["news_dai2017", record["article_id"]] = record["text"]
    with gzip.open(shared_dataset("realtimeqa", "news_corpus.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line in handle:
            if any(doc in line[:200] for doc in rtqa_ids):  # cheap prefilter before parsing the line
                record = json.loads(line)
                if record["doc_id"] in rtqa_ids:
                    texts["realtimeqa", record["doc_id"]] = record["text"]
    return texts
