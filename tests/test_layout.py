"""The package's shape (issue 13): small modules, a short top level.

No import circles anywhere in the project (assistant/, bench/, train/): tests/test_import_cycles.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
MAX_LINES = 400
MAX_TOP_MODULES = 12


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_400_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name]} has {lines} lines"


def test_the_top_level_is_short_and_the_rest_is_in_stage_packages():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top
    assert {"ingest", "index", "embed", "answer", "llm", "outlets", "eval", "web"} <= {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()
    }
