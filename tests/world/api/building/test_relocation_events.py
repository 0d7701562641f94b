"""Teleport, bring and a forced room deletion tell the moved player and the witnesses in both rooms what
happened (issue 9.8; TinyMUD's "X vanishes in a flash of light." / "X appears out of thin air.")."""

from __future__ import annotations

import pytest

from tests import factories
from world import models

pytestmark = pytest.mark.django_db


def feed(character: models.Character) -> list[str]:
    return list(models.Event.objects.filter(recipient=character).order_by("id").values_list("text", flat=True))


@pytest.fixture
def witnesses(tiny_world):
    """A player in each room of the tiny world, besides Alice in the hall."""
    in_hall = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Hal")
    in_kitchen = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.kitchen, name="Kit")
    return in_hall, in_kitchen


def test_teleport_tells_the_player_and_both_rooms(build, tiny_world, witnesses):
    in_hall, in_kitchen = witnesses
    assert build.post("teleport", {"character": "Alice", "room": "kitchen"}).status == 200
    assert feed(tiny_world.player) == ["In a flash of light you are taken to Kitchen."]
    assert feed(in_hall) == ["Alice vanishes in a flash of light."]
    assert feed(in_kitchen) == ["Alice appears out of thin air."]
    event = models.Event.objects.get(recipient=tiny_world.player)
    assert event.kind == models.EventKind.TELEPORT
    assert event.data == {"reason": "teleport", "from": "hall", "to": "kitchen", "character": "Alice"}


def test_bring_tells_the_player_who_brought_them(build, tiny_world, builder, witnesses):
    in_hall, in_kitchen = witnesses
    factories.CharacterFactory(world=tiny_world.world, account=builder, room=tiny_world.kitchen, name="Mason")
    assert build.post("bring", {"character": "Alice"}).status == 200
    assert feed(tiny_world.player) == ["Mason brings you to Kitchen in a flash of light."]
    assert feed(in_hall) == ["Alice vanishes in a flash of light."]
    assert feed(in_kitchen) == ["Alice appears out of thin air."]


def test_forced_room_deletion_tells_the_moved_and_the_receiving_room(build, tiny_world, witnesses):
    in_hall, in_kitchen = witnesses
    answer = build.delete("rooms/kitchen", force="true")
    assert answer.status == 200, answer.body
    assert feed(in_kitchen) == ["Kitchen crumbles away around you; you find yourself in Great Hall."]
    assert feed(in_hall) == ["Kit appears out of thin air."]
    assert feed(tiny_world.player) == ["Kit appears out of thin air."]


def test_an_npc_moved_by_staff_is_seen_but_has_no_feed(build, tiny_world, witnesses):
    _, in_kitchen = witnesses
    assert build.post("teleport", {"character": "Bob", "room": "kitchen"}).status == 200
    assert feed(in_kitchen) == ["Bob appears out of thin air."]
    assert not models.Event.objects.filter(recipient=tiny_world.npc).exists()
