"""Rooms: list, create, read, update, rename, delete (TinyMUD's /room with its defects fixed)."""

from __future__ import annotations

import pytest

from tests import factories
from world import models
from world.services.rooms import room_key_sanitize

pytestmark = pytest.mark.django_db


def test_list_is_paginated_and_searchable(build, tiny_world):
    for n in range(5):
        factories.RoomFactory(world=tiny_world.world, key=f"cellar_{n}", name=f"Cellar {n}")
    page = build.get("rooms", limit=3, offset=0)
    assert page.status == 200
    assert page.body["count"] == 7
    assert [r["key"] for r in page.body["items"]] == ["cellar_0", "cellar_1", "cellar_2"]
    found = build.get("rooms", search="kitch")
    assert [r["key"] for r in found.body["items"]] == ["kitchen"]
    assert build.get("rooms", search="great").body["items"][0]["key"] == "hall"  # names are searched too


def test_list_query_count_does_not_grow_with_rooms(build, tiny_world, django_assert_max_num_queries):
    faction = factories.FactionFactory(world=tiny_world.world)
    for n in range(30):
        factories.RoomFactory(world=tiny_world.world, key=f"r_{n}", faction=faction)
    with django_assert_max_num_queries(8):
        assert len(build.get("rooms").body["items"]) == 32


@pytest.mark.parametrize(
    ("raw", "key"), [("town square", "town_square"), ("Old-Mill!", "OldMill"), ("  a  b ", "a_b"), ("x_1", "x_1")]
)
def test_keys_are_sanitized_like_tinymud(raw, key):
    assert room_key_sanitize(raw) == key


def test_create_sanitizes_and_refuses_duplicates_case_insensitively(build, tiny_world):
    created = build.post("rooms", {"key": "Wine Cellar", "name": "Wine cellar", "description": "Dusty racks."})
    assert created.status == 201, created.body
    assert created.body["room"]["key"] == "Wine_Cellar"
    again = build.post("rooms", {"key": "wine_cellar"})
    assert again.status == 409
    assert again.body["message"] == "Room 'wine_cellar' already exists."
    assert build.post("rooms", {"key": "!!!"}).status == 422


def test_read_shows_exits_entrances_characters_and_items(build, tiny_world):
    room = build.get("rooms/HALL")  # keys are case-insensitive
    assert room.status == 200
    assert room.body["is_start_room"] is True
    assert [e["name"] for e in room.body["exits"]] == ["kitchen door"]
    assert [e["source"] for e in room.body["entrances"]] == ["kitchen"]
    assert room.body["characters"] == ["Alice", "Bob"]
    assert [i["name"] for i in room.body["items"]] == ["apple"]
    assert build.get("rooms/nowhere").status == 404


def test_update_description_name_and_tags(build, tiny_world):
    answer = build.patch("rooms/hall", {"description": "Banners everywhere.", "tags": ["external", "external"]})
    assert answer.status == 200
    tiny_world.hall.refresh_from_db()
    assert tiny_world.hall.description == "Banners everywhere."
    assert tiny_world.hall.tags == ["external"]
    assert tiny_world.hall.name == "Great Hall"  # untouched


def test_rename_keeps_every_reference(build, tiny_world):
    faction = factories.FactionFactory(world=tiny_world.world)
    role = models.FactionRole.objects.create(
        faction=faction,
        key="watch",
        name="Watch",
        contract_type="patrol",
        contract_config={"rooms": ["hall", "kitchen"]},
    )
    answer = build.patch("rooms/hall", {"key": "Throne Room"})
    assert answer.status == 200, answer.body
    assert "renamed from 'hall'" in answer.message
    world = models.World.objects.get(pk=tiny_world.world.pk)
    assert world.start_room.key == "Throne_Room"
    tiny_world.door_back.refresh_from_db()
    assert tiny_world.door_back.destination.key == "Throne_Room"
    role.refresh_from_db()
    assert role.contract_config["rooms"] == ["Throne_Room", "kitchen"]
    assert build.get("rooms/Throne_Room").body["entrances"][0]["destination"] == "Throne_Room"


def test_rename_refusals(build, tiny_world):
    assert build.patch("rooms/hall", {"key": "KITCHEN"}).status == 409
    assert build.patch("rooms/hall", {"key": "hall"}).status == 200  # no-op when unchanged


def test_delete_is_refused_while_characters_are_inside(build, tiny_world):
    answer = build.delete("rooms/hall")
    assert answer.status == 409
    assert answer.body["details"]["characters"] == ["Alice", "Bob"]
    assert models.Room.objects.filter(pk=tiny_world.hall.pk).exists()


def test_delete_removes_exits_both_ways_and_lists_them(build, tiny_world):
    answer = build.delete("rooms/kitchen")
    assert answer.status == 200, answer.body
    assert sorted(e["name"] for e in answer.body["removed_exits"]) == ["hall door", "kitchen door"]
    assert not models.Exit.objects.filter(world=tiny_world.world).exists()  # nothing points nowhere


def test_forced_delete_moves_characters_to_the_start_room(build, tiny_world):
    models.Character.objects.filter(pk=tiny_world.player.pk).update(room=tiny_world.kitchen)
    answer = build.delete("rooms/kitchen", force="true")
    assert answer.status == 200, answer.body
    assert answer.body["moved_characters"] == ["Alice"]
    tiny_world.player.refresh_from_db()
    assert tiny_world.player.room == tiny_world.hall


def test_deleting_the_start_room_picks_a_neighbour_as_the_new_start(build, tiny_world):
    factories.RoomFactory(world=tiny_world.world, key="attic")  # not connected
    answer = build.delete("rooms/hall", force="true")
    assert answer.status == 200, answer.body
    assert answer.body["new_start_room"] == "kitchen"
    world = models.World.objects.get(pk=tiny_world.world.pk)
    assert world.start_room.key == "kitchen"
    assert set(models.Character.objects.values_list("room__key", flat=True)) == {"kitchen"}


def test_the_last_room_cannot_be_force_deleted_with_people_inside(build, tiny_world):
    assert build.delete("rooms/kitchen").status == 200
    answer = build.delete("rooms/hall", force="true")
    assert answer.status == 409
    assert "nowhere to go" in answer.message


def test_delete_drops_the_room_from_patrols(build, tiny_world):
    faction = factories.FactionFactory(world=tiny_world.world)
    role = models.FactionRole.objects.create(
        faction=faction,
        key="watch",
        name="Watch",
        contract_type="patrol",
        contract_config={"rooms": ["hall", "kitchen"]},
    )
    assert build.delete("rooms/kitchen").body["patrols_updated"] == 1
    role.refresh_from_db()
    assert role.contract_config["rooms"] == ["hall"]


def test_room_detail_query_count_does_not_grow_with_its_contents(build, tiny_world):
    def read_hall_counting() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert build.get("rooms/hall").status == 200
        return len(queries)

    models.Exit.objects.filter(pk=tiny_world.door_out.pk).update(is_locked=True, lock_allow_ids=[tiny_world.npc.pk])
    small = read_hall_counting()
    world = tiny_world.world
    for n in range(10):
        other = factories.RoomFactory(world=world, key=f"side_{n}")
        factories.ExitFactory(
            world=world,
            source=tiny_world.hall,
            destination=other,
            name=f"door {n}",
            is_locked=True,
            lock_allow_ids=[tiny_world.player.pk],
        )
        factories.ExitFactory(world=world, source=other, destination=tiny_world.hall, name="back")
        factories.NpcFactory(world=world, room=tiny_world.hall)
        factories.ItemFactory(world=world, room=tiny_world.hall)
    assert read_hall_counting() == small
