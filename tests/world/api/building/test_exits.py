"""Exits: doors with back doors, linked doors, stairs, removal and locks (TinyMUD's /room ...door...)."""

from __future__ import annotations

import pytest

from tests import factories
from world import models

pytestmark = pytest.mark.django_db


@pytest.fixture
def cellar(tiny_world):
    return factories.RoomFactory(world=tiny_world.world, key="cellar")


def exits_of(room):
    return {e.name: e.destination.key for e in models.Exit.objects.filter(source=room).select_related("destination")}


def test_a_door_gets_its_back_door_named_like_it(build, tiny_world, cellar):
    answer = build.post("exits", {"room": "hall", "name": "trapdoor", "to": "cell"})  # fuzzy room names
    assert answer.status == 201, answer.body
    assert exits_of(tiny_world.hall)["trapdoor"] == "cellar"
    assert exits_of(cellar) == {"trapdoor": "hall"}  # the back door leads to the real source room
    assert "Back door 'trapdoor' in 'cellar'" in answer.message


def test_back_door_name_collisions_are_suffixed_like_tinymud(build, tiny_world, cellar):
    factories.ExitFactory(world=tiny_world.world, source=cellar, destination=tiny_world.kitchen, name="arch")
    factories.ExitFactory(world=tiny_world.world, source=cellar, destination=tiny_world.kitchen, name="arch (to hall)")
    assert build.post("exits", {"room": "hall", "name": "arch", "to": "cellar"}).status == 201
    assert exits_of(cellar)["arch (to hall) #2"] == "hall"
    assert build.post("exits", {"room": "kitchen", "name": "hatch", "to": "cellar"}).status == 201
    assert build.post("exits", {"room": "hall", "name": "hatch", "to": "cellar"}).status == 201
    assert exits_of(cellar)["hatch (to hall)"] == "hall"


def test_door_refusals(build, tiny_world, cellar):
    assert build.post("exits", {"room": "hall", "name": "Kitchen Door", "to": "cellar"}).status == 409
    assert build.post("exits", {"room": "hall", "name": "loop", "to": "hall"}).status == 422
    missing = build.post("exits", {"room": "hall", "name": "gate", "to": "atlantis"})
    assert missing.status == 404
    assert not models.Exit.objects.filter(name="gate").exists()  # TinyMUD made a door to nowhere here
    assert build.post("exits", {"room": "hall", "name": "  ", "to": "cellar"}).status == 422


def test_one_way_door(build, tiny_world, cellar):
    assert build.post("exits", {"room": "hall", "name": "chute", "to": "cellar", "two_way": False}).status == 201
    assert exits_of(cellar) == {}


def test_link_two_rooms_with_two_named_doors(build, tiny_world, cellar):
    answer = build.post("exits/link", {"room_a": "kitchen", "door_a": "steps", "room_b": "cellar", "door_b": "ladder"})
    assert answer.status == 201, answer.body
    assert exits_of(tiny_world.kitchen)["steps"] == "cellar"
    assert exits_of(cellar)["ladder"] == "kitchen"
    clash = build.post("exits/link", {"room_a": "kitchen", "door_a": "x", "room_b": "cellar", "door_b": "LADDER"})
    assert clash.status == 409
    assert "x" not in exits_of(tiny_world.kitchen)  # all or nothing


def test_two_way_stairs_one_per_direction(build, tiny_world, cellar):
    answer = build.post("exits/stairs", {"room": "cellar", "direction": "up", "to": "hall"})
    assert answer.status == 201, answer.body
    up = models.Exit.objects.get(source=cellar)
    down = models.Exit.objects.get(source=tiny_world.hall, kind="stairs_down")
    assert (up.name, up.kind, up.destination) == ("stairs up", "stairs_up", tiny_world.hall)
    assert (down.name, down.destination) == ("stairs down", cellar)
    again = build.post("exits/stairs", {"room": "cellar", "direction": "up", "to": "kitchen"})
    assert again.status == 409
    assert "already has stairs up" in again.message
    assert build.post("exits/stairs", {"room": "cellar", "direction": "sideways", "to": "kitchen"}).status == 422


def test_remove_one_or_both_directions(build, tiny_world):
    one = build.delete(f"exits/{tiny_world.door_out.uuid}")
    assert one.status == 200
    assert [r["name"] for r in one.body["removed"]] == ["kitchen door"]
    assert models.Exit.objects.filter(pk=tiny_world.door_back.pk).exists()
    door = build.post("exits", {"room": "hall", "name": "arch", "to": "kitchen"}).body["exits"][0]
    both = build.delete(f"exits/{door['uuid']}", both="true")
    assert sorted(r["source"] for r in both.body["removed"]) == ["hall", "kitchen"]
    assert build.delete(f"exits/{door['uuid']}").status == 404


def test_removing_stairs_both_ways(build, tiny_world, cellar):
    up = build.post("exits/stairs", {"room": "cellar", "direction": "up", "to": "hall"}).body["exits"][0]
    assert len(build.delete(f"exits/{up['uuid']}", both="true").body["removed"]) == 2
    assert not models.Exit.objects.filter(kind__startswith="stairs").exists()


def test_lock_with_names_and_relationships_then_clear(build, tiny_world):
    url = f"exits/{tiny_world.door_out.uuid}/lock"
    answer = build.put(url, {"allow": ["alice"], "relationships": [{"type": "friend", "to": "Bob"}]})
    assert answer.status == 200, answer.body
    tiny_world.door_out.refresh_from_db()
    assert tiny_world.door_out.is_locked
    assert tiny_world.door_out.lock_allow_ids == [tiny_world.player.pk]
    # Rules may name NPCs (TinyMUD's orphan check made NPC rules dead letters).
    assert tiny_world.door_out.lock_allow_relationships == [{"type": "friend", "to": tiny_world.npc.pk}]
    assert answer.body["exit"]["lock_allow"] == ["Alice"]
    assert answer.body["exit"]["lock_relationships"] == [{"type": "friend", "to": "Bob"}]
    assert build.put(url, {"allow": ["Nobody"]}).status == 404
    cleared = build.delete(url)
    assert cleared.status == 200
    tiny_world.door_out.refresh_from_db()
    assert not tiny_world.door_out.is_locked
    assert tiny_world.door_out.lock_allow_ids == []


def test_an_empty_lock_still_locks(build, tiny_world):
    assert build.put(f"exits/{tiny_world.door_out.uuid}/lock", {}).body["exit"]["is_locked"] is True


def test_read_an_exit_and_other_worlds_exits_are_invisible(build, tiny_world):
    assert build.get(f"exits/{tiny_world.door_out.uuid}").body["exit"]["destination"] == "kitchen"
    elsewhere = factories.ExitFactory()
    assert build.get(f"exits/{elsewhere.uuid}").status == 404


def test_a_portal_is_one_way(build, tiny_world, cellar):
    answer = build.post("exits/portal", {"room": "hall", "name": "shimmering mirror", "to": "cellar"})
    assert answer.status == 201, answer.body
    assert answer.body["exits"][0]["kind"] == "portal"
    assert exits_of(cellar) == {}
    assert build.post("exits/portal", {"room": "hall", "name": "Shimmering Mirror", "to": "kitchen"}).status == 409
    portal = answer.body["exits"][0]["uuid"]
    assert len(build.delete(f"exits/{portal}", both="true").body["removed"]) == 1  # nothing leads back


def test_here_means_the_room_of_your_own_character(build, tiny_world, builder, cellar):
    assert build.post("exits", {"room": "here", "name": "hatch", "to": "cellar"}).status == 422
    factories.CharacterFactory(world=tiny_world.world, account=builder, room=tiny_world.kitchen, name="Mason")
    assert build.post("exits", {"room": "HERE", "name": "hatch", "to": "cellar"}).status == 201
    assert exits_of(tiny_world.kitchen)["hatch"] == "cellar"


def test_unknown_and_ambiguous_rooms_are_explained(build, tiny_world):
    factories.RoomFactory(world=tiny_world.world, key="kiln")
    unknown = build.post("exits", {"room": "hall", "name": "x", "to": "keep"})
    assert unknown.status == 404
    assert unknown.message == "Room 'keep' not found. Did you mean: kiln, kitchen?"
    ambiguous = build.post("exits", {"room": "hall", "name": "x", "to": "ki"})
    assert ambiguous.status == 409
    assert ambiguous.body["details"]["candidates"] == ["kiln", "kitchen"]
    assert build.post("exits", {"room": "hall", "name": "x", "to": " "}).message == "Name a room."
