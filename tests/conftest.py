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


def shared_dataset(*parts: str) -> Path:
    """Path into ../shared/datasets, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: this test needs ../shared/datasets")
    return path
