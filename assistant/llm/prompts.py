"""Prompt templates, kept as plain-text files in prompts/ and loaded by name.

A template is a llama-index `PromptTemplate`: `{name}` marks a variable, a
literal brace is written `{{` or `}}`. Users change the wording by editing
the files (or by pointing NEWSCITE_PROMPTS at a folder of their own) without
touching code; variables a template needs are checked when it is loaded.
"""

from __future__ import annotations

import os
import string
from functools import lru_cache
from pathlib import Path

from llama_index.core.prompts import PromptTemplate

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
REQUIRED = {
    "answer": {"question", "evidence", "conflict"},
    "condense": {"history", "question"},
    "conflict": {"outlets"},
}


def prompts_dir() -> Path:
    return Path(os.environ.get("NEWSCITE_PROMPTS") or PROMPTS_DIR)


def variables(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@lru_cache(maxsize=32)
def _load(path: Path, mtime: float) -> PromptTemplate:
    text = path.read_text(encoding="utf-8").strip() + "\n"
    needed = REQUIRED.get(path.stem, set())
    found = variables(text)
    if needed - found or found - needed:
        raise ValueError(
            f"{path}: the template must use exactly the variables {sorted(needed)}; it uses {sorted(found)}"
        )
    return PromptTemplate(text)


def load_prompt(name: str, folder: str | Path | None = None) -> PromptTemplate:
    """The template `<folder>/<name>.txt` (default prompts/), reloaded when the file changes."""
    path = Path(folder or prompts_dir()) / f"{name}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"No prompt template {name!r}: {path} does not exist")
    return _load(path, path.stat().st_mtime)


def render(name: str, **values: str) -> str:
    return load_prompt(name).format(**values)
