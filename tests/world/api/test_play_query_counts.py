"""Hot endpoints: the number of queries does not grow with the people and things in the room."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from world.models import Character, Event

pytestmark = pytest.mark.django_db

# auth (token) + character + the room's three collections in one statement; move/say also write.
LIMITS = {"look": 3, "move": 9, "say": 6, "events": 3}  # savepoints count too


def crowd(tiny_world, size: int) -> None:
    for room in (tiny_world.hall, tiny_world.kitchen):
        for n in range(size):
            factories.CharacterFactory(world=tiny_world.world, room=room, name=f"P{room.key}{size}x{n}")
            factories.NpcFactory(world=tiny_world.world, room=room, name=f"N{room.key}{size}x{n}")
            factories.ItemFactory(world=tiny_world.world, room=room, name=f"thing {room.key} {n}")
            owner = Character.objects.get(name=f"P{room.key}{size}x{n}")
            factories.ItemFactory(world=tiny_world.world, room=room, name=f"owned {room.key} {n}", owner=owner)
        factories.ExitFactory(world=tiny_world.world, source=room, destination=tiny_world.hall, name=f"arch {size}")


def count(action) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = action()
    assert response.status_code == 200, response.json()
    return len(queries), response


ACTIONS = {
    "look": lambda player: player.get("look"),
    "move": lambda player: player.post("move", {"exit": "kitchen door"}),
    "say": lambda player: player.post("say", {"text": "hello everyone"}),
    "events": lambda player: player.get("events", after=0),
}


def back_to_the_hall(tiny_world) -> None:
    Character.objects.filter(pk=tiny_world.player.pk).update(room=tiny_world.hall)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_query_count_is_independent_of_room_size(tiny_world, alice, name):
    action = ACTIONS[name]
    crowd(tiny_world, 1)
    Event.objects.bulk_create(Event(recipient=tiny_world.player, kind="say", actor="X", text="x") for _ in range(3))
    small, _ = count(lambda: action(alice))
    back_to_the_hall(tiny_world)
    crowd(tiny_world, 15)
    Event.objects.bulk_create(Event(recipient=tiny_world.player, kind="say", actor="X", text="x") for _ in range(60))
    large, response = count(lambda: action(alice))
    assert large == small
    # PostgreSQL takes the per-world event lock before writing feed rows (one more statement).
    writes = name in {"move", "say"} and connection.vendor == "postgresql"
    assert large <= LIMITS[name] + writes
    if name == "look":
        assert len(response.json()["characters"]) == 1 + 2 * 16  # Bob, 16 players and 16 NPCs
        assert len(response.json()["items"]) == 1 + 2 * 16


def test_look_query_budget(tiny_world, alice, django_assert_max_num_queries):
    crowd(tiny_world, 5)
    with django_assert_max_num_queries(LIMITS["look"]):
        alice.get("look")
