"""Help is generated from the API's own metadata: every operation has a line; roles filter it."""

from __future__ import annotations

import pytest

from mudsite.api import api
from world.api.games import help_lines

pytestmark = pytest.mark.django_db


def test_every_operation_has_a_help_line():
    paths = api.get_openapi_schema()["paths"]
    operations = {(m.upper(), p) for p, methods in paths.items() for m in methods}
    lines = {(line["method"], line["path"]): line for line in help_lines()}
    assert operations == set(lines)
    missing = [key for key, line in lines.items() if not line["summary"].strip()]
    assert not missing, f"operations without a help summary: {missing}"


def test_player_sees_play_not_build(tiny_world, alice):
    response = alice.get("help")
    assert response.status_code == 200, response.json()
    body = response.json()
    roles = {o["role"] for o in body["operations"]}
    assert "builder" not in roles and "staff" not in roles
    assert any(o["path"].endswith("/play/attack") for o in body["operations"])


def test_builder_sees_build_operations(tiny_world, alice):
    tiny_world.world.builders.add(tiny_world.player.account)
    body = alice.get("help").json()
    assert "builder" in body["roles"] and any(o["role"] == "builder" for o in body["operations"])


def test_no_operation_falls_back_to_a_generated_summary():
    """Ninja invents a summary from the function name ("Missions Accept") when a route gives none; that is
    not a help line, so a new route without `summary=` fails here."""
    unwritten = [
        (prefix, path, op.methods)
        for prefix, router in api._routers
        for path, view in router.path_operations.items()
        for op in view.operations
        if op.summary == op.view_func.__name__.title().replace("_", " ")
    ]
    assert not unwritten, f"operations without a help line (summary=...): {unwritten}"
