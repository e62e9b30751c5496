"""No import circle among the project's own modules (assistant/, bench/, train/), read with `ast`.

Every import counts, at the top of a file or inside a function: a circle that only works because
one side imports lazily is still a circle (the two modules cannot be understood, or moved, apart).
Scripts in bench/ and train/ import each other as `bench.x` / `train.x` (or, after a sys.path
insert, by the bare name of a file in their own folder): both are followed.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("assistant", "bench", "train")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                if ".venv" not in path.parts and "__pycache__" not in path.parts:
                    modules[module_name(path)] = path
    return modules


def imported_names(path: Path, name: str, is_package: bool) -> list[str]:
    """Every module name an import statement of the file asks for (with `from X import y`, also X.y)."""
    package = name if is_package else name.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from its own package up
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names.append(source)
            names.extend(f"{source}.{alias.name}" for alias in node.names)
    return names


def resolve(wanted: str, importer: str, modules: dict[str, Path]) -> str | None:
    """The project module `wanted` names, from `importer`: the longest dotted prefix that is one; a
    bare name may be a file beside the importer (scripts that put their own folder on sys.path)."""
    parts = wanted.split(".")
    if parts[0] in PACKAGES:
        for end in range(len(parts), 0, -1):
            if ".".join(parts[:end]) in modules:
                return ".".join(parts[:end])
        return None
    folder = importer.rpartition(".")[0]
    beside = f"{folder}.{parts[0]}"
    return beside if folder and beside in modules else None


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {resolve(w, name, modules) for w in imported_names(path, name, path.name == "__init__.py")}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected group of modules (Tarjan), as a path that closes on itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # the graph is a few hundred modules: recursion is fine
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [shortest_circle(graph, group) for group in groups]


def shortest_circle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    return paths[node] + [start]
                if target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no circle through {start}")  # pragma: no cover


def test_circles_are_found_and_named():
    graph = {"bench.a": {"bench.b"}, "bench.b": {"bench.c"}, "bench.c": {"bench.a"}, "bench.d": {"bench.a"}}
    assert circles(graph) == [["bench.a", "bench.b", "bench.c", "bench.a"]]
    modules = {"train.common": Path("x"), "train.train_reader": Path("y"), "assistant.model": Path("z")}
    assert resolve("common", "train.train_reader", modules) == "train.common"  # a script's sibling, by bare name
    assert resolve("assistant.model.Article", "train.common", modules) == "assistant.model"
    assert resolve("numpy", "train.common", modules) is None


def test_no_import_circle_in_the_project():
    graph = import_graph()
    assert {"assistant.facade", "bench.speed"} <= set(graph)  # the walk sees the tree
    found = [" -> ".join(circle) for circle in circles(graph)]
    assert found == [], "import circles: " + "; ".join(found)
