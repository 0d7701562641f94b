"""Nothing a builder sends may produce a 500: oversized, out-of-range and NUL-laden values get a 4xx envelope."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = 10**12
LONG = "x" * 5000
NUL = "bad\x00name"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "rooms", {"key": "ok", "name": LONG}),
        ("post", "rooms", {"key": "ok", "description": NUL}),
        ("patch", "rooms/hall", {"name": NUL}),
        ("post", "exits", {"room": "hall", "name": LONG, "to": "kitchen"}),
        ("post", "exits", {"room": NUL, "name": "x", "to": "kitchen"}),
        ("post", "npcs", {"room": "hall", "name": NUL}),
        ("patch", "npcs/Bob", {"attributes": {"currency": HUGE}}),
        ("post", "templates", {"key": "k", "name": "K", "description": "desc", "value": HUGE}),
        ("post", "templates", {"key": "k", "name": "K", "description": "desc", "material": LONG}),
        ("post", "templates", {"key": "k", "name": "K", "description": "desc", "weapon_damage": 40000}),
        ("post", "items", {"name": "x", "room": "hall", "slot": HUGE}),
        ("post", "items", {"name": "x", "character": "Alice", "slot": HUGE}),
        ("post", "items", {"name": "x", "room": "hall", "durability": -5}),
        ("post", "factions", {"name": LONG}),
        ("post", "factions", {"name": "F", "leadership_threshold": HUGE}),
        ("put", "timedesc/99999999999", {"text": "x"}),
        ("post", "relationships", {"source": "Alice", "type": LONG, "target": "Bob"}),
        ("patch", "settings", {"description": NUL}),
        ("post", "setup", {"name": NUL, "description": "d" * 20, "conflict": "c" * 5}),
    ],
)
def test_hostile_values_are_client_errors(build, tiny_world, method, path, body):
    answer = getattr(build, method)(path, body)
    assert 400 <= answer.status < 500, answer.body
    assert set(answer.body) == {"code", "message", "details"}


def test_hostile_search_is_harmless(build, tiny_world):
    assert build.get("rooms", search=NUL).status in (200, 422)
