"""The accounts app is the bottom layer: world and persistence import it, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_accounts_imports_neither_world_nor_persistence():
    offenders = {
        path: sorted(n for n in names if n.split(".")[0] in {"world", "persistence"})
        for path, names in imported_modules("accounts").items()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_persistence_never_imports_the_world_api():
    offenders = {
        path: sorted(n for n in names if n.startswith("world.api"))
        for path, names in imported_modules("persistence").items()
    }
    assert {path: names for path, names in offenders.items() if names} == {}
