"""The layering rules of persistence, read from the source's import graph (every `import`
statement, at module level or inside functions and `TYPE_CHECKING` blocks, not a grep)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from tests.persistence.procs import REPO

EXPORTER = "persistence.exporter"
# Parts of the tree that are not project code, or are allowed to know the exporter.
NOT_SCANNED = {".venv", "var", "node_modules", "__pycache__", "persistence", "tests"}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module `source` imports, absolute; `from a import b` yields a and a.b (b may be a module)."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            imported.add(base)
            imported.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            imported.add(node.args[0].value)
    return imported


def project_sources() -> list[Path]:
    # os.walk, pruned as it goes: rglob would list every file of the virtualenv (and of var/'s benchmark
    # venvs) only to drop them: seconds, for a test that reads fewer than 200 files.
    found = []
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in NOT_SCANNED]
        found.extend(Path(folder, name) for name in files if name.endswith(".py") and not name.startswith("."))
    return sorted(found)


def exporter_importers() -> list[str]:
    return sorted(
        module_name(path)
        for path in project_sources()
        if EXPORTER in imported_modules(path.read_text(), module_name(path), is_package=path.name == "__init__.py")
    )


def persistence_import_graph() -> dict[str, set[str]]:
    paths = {
        module_name(path): path
        for path in sorted((REPO / "persistence").rglob("*.py"))
        if "migrations" not in path.parts
    }
    graph = {}
    for name, path in paths.items():
        imported = imported_modules(path.read_text(), name, is_package=path.name == "__init__.py")
        graph[name] = {other for other in imported if other in paths and other != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for other in sorted(graph.get(node, ())):
            cycle = visit(other)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node)
        if cycle:
            return cycle
    return None


def test_the_scanner_sees_every_way_of_importing_the_exporter():
    ways = [
        "import persistence.exporter",
        "from persistence.exporter import export_world",
        "from persistence import exporter",
        "def later():\n    from persistence import exporter as e",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from persistence.exporter import ExportResult",
        "import importlib\nimportlib.import_module('persistence.exporter')",
    ]
    for source in ways:
        assert EXPORTER in imported_modules(source, "world.services.rooms"), source
    assert EXPORTER in imported_modules("from .. import exporter", "persistence.management.commands")
    assert EXPORTER not in imported_modules("from persistence import facade", "world.services.rooms")


def test_nothing_outside_persistence_imports_the_exporter():
    scanned = [module_name(path) for path in project_sources()]
    assert "world.services.worlds" in scanned and "bench.in_process" in scanned  # the scan reaches them
    assert exporter_importers() == []


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_import_graph_of_persistence_has_no_cycle():
    graph = persistence_import_graph()
    assert {"persistence.exporter", "persistence.scheduler", "persistence.metrics"} <= set(graph)
    assert find_cycle(graph) is None


def test_the_scheduler_and_the_metrics_do_not_import_the_exporter():
    graph = persistence_import_graph()
    assert EXPORTER not in graph["persistence.scheduler"]
    assert EXPORTER not in graph["persistence.metrics"]
