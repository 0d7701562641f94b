"""Exits come and go in reciprocal pairs; rooms never leave an exit dangling; items spawn from templates into
exactly one place (world/services/exits.py, rooms.py, templates.py)."""

from __future__ import annotations

import pytest

from tests.factories import make_exit, make_item, make_player, make_room, make_template
from world.exceptions import Conflict, Invalid
from world.models import Carry, Exit, ExitKind, Item, Room, World
from world.services import exits as svc
from world.services import rooms as room_services
from world.services.templates import item_spawn, template_delete


@pytest.fixture
def hall(world: World) -> Room:
    return make_room(world=world, key="hall")


@pytest.fixture
def yard(world: World) -> Room:
    return make_room(world=world, key="yard")


def _exits(world: World) -> set[tuple[str, str, str, str]]:
    return {
        (e.source.key, e.name, e.kind, e.destination.key)
        for e in Exit.objects.filter(world=world).select_related("source", "destination")
    }


# ---------------------------------------------------------------------------------------------- create


def test_a_door_comes_with_its_back_door(world: World, hall: Room, yard: Room) -> None:
    door, back = svc.door_create(world=world, source=hall, name="  oak   door ", destination=yard)
    assert _exits(world) == {("hall", "oak door", "door", "yard"), ("yard", "oak door", "door", "hall")}
    assert svc.exit_reverse(exit=door) == back
    assert svc.exit_reverse(exit=back) == door


def test_a_one_way_door_has_no_back_door(world: World, hall: Room, yard: Room) -> None:
    (door,) = svc.door_create(world=world, source=hall, name="trapdoor", destination=yard, two_way=False)
    assert svc.exit_reverse(exit=door) is None


def test_a_taken_back_door_name_gets_tinymuds_suffixes(world: World, hall: Room, yard: Room) -> None:
    cellar = make_room(world=world, key="cellar")
    make_exit(source=yard, destination=cellar, name="gate")
    (_, from_hall) = svc.door_create(world=world, source=hall, name="gate", destination=yard)
    (_, from_cellar) = svc.door_create(world=world, source=cellar, name="gate", destination=yard)
    assert (from_hall.name, from_cellar.name) == ("gate (to hall)", "gate (to cellar)")


def test_back_door_names_count_up_when_the_suffixed_name_is_taken_too(world: World, hall: Room, yard: Room) -> None:
    make_exit(source=yard, destination=hall, name="gate")
    make_exit(source=yard, destination=hall, name="gate (to hall)")
    (_, back) = svc.door_create(world=world, source=hall, name="gate", destination=yard)
    assert back.name == "gate (to hall) #2"


def test_an_exit_leads_to_another_room(world: World, hall: Room) -> None:
    with pytest.raises(Invalid):
        svc.door_create(world=world, source=hall, name="mirror", destination=hall)


def test_a_refused_back_door_rolls_back_the_door(world: World, hall: Room, yard: Room) -> None:
    """door_link is all or nothing: a taken name on either side creates neither door."""
    make_exit(source=yard, destination=hall, name="arch")
    with pytest.raises(Conflict):
        svc.door_link(world=world, room_a=hall, door_a="arch", room_b=yard, door_b="arch")
    assert not Exit.objects.filter(source=hall).exists()


def test_stairs_mirror_their_direction_and_come_once_per_room(world: World, hall: Room, yard: Room) -> None:
    svc.stairs_link(world=world, room=hall, direction="up", other=yard)
    assert _exits(world) == {
        ("hall", "stairs up", ExitKind.STAIRS_UP, "yard"),
        ("yard", "stairs down", ExitKind.STAIRS_DOWN, "hall"),
    }
    with pytest.raises(Conflict):
        svc.stairs_link(world=world, room=hall, direction="up", other=make_room(world=world, key="attic"))
    with pytest.raises(Invalid):
        svc.stairs_link(world=world, room=hall, direction="sideways", other=yard)


# ---------------------------------------------------------------------------------------------- delete


def test_removing_an_exit_keeps_its_way_back_unless_both_are_asked(world: World, hall: Room, yard: Room) -> None:
    door, back = svc.door_create(world=world, source=hall, name="door", destination=yard)
    assert [r["source"] for r in svc.exit_remove(exit=door).removed] == ["hall"]
    assert _exits(world) == {("yard", "door", "door", "hall")}
    svc.door_create(world=world, source=hall, name="door", destination=yard, two_way=False)
    removed = svc.exit_remove(exit=back, both_directions=True).removed
    assert {(r["source"], r["name"]) for r in removed} == {("hall", "door"), ("yard", "door")}
    assert _exits(world) == set()


def test_removing_both_ways_picks_the_matching_back_door(world: World, hall: Room, yard: Room) -> None:
    svc.door_create(world=world, source=hall, name="red door", destination=yard)
    blue, blue_back = svc.door_create(world=world, source=hall, name="blue door", destination=yard)
    svc.exit_remove(exit=blue, both_directions=True)
    assert _exits(world) == {("hall", "red door", "door", "yard"), ("yard", "red door", "door", "hall")}
    assert not Exit.objects.filter(pk=blue_back.pk).exists()


def test_deleting_a_room_takes_every_exit_into_and_out_of_it(world: World, hall: Room, yard: Room) -> None:
    svc.door_create(world=world, source=hall, name="door", destination=yard)
    svc.portal_create(world=world, source=yard, name="mirror", destination=hall)
    result = room_services.room_delete(room=yard)
    assert {(e["source"], e["name"]) for e in result.removed_exits} == {
        ("hall", "door"),
        ("yard", "door"),
        ("yard", "mirror"),
    }
    assert _exits(world) == set()


def test_a_room_with_characters_inside_is_kept_unless_forced(world: World, hall: Room) -> None:
    hero = make_player(world=world, room=hall, name="Hero")
    with pytest.raises(Conflict):
        room_services.room_delete(room=hall)
    assert room_services.room_delete(room=hall, force=True).moved_characters == ["Hero"]
    hero.refresh_from_db()
    assert hero.room == world.start_room


# ---------------------------------------------------------------------------------------------- spawn


def test_an_item_spawned_from_a_template_copies_its_fields_and_takes_overrides(world: World, hall: Room) -> None:
    sword = make_template(
        world=world, key="sword", name="Sword", description="Sharp.", value=40, tags=["Weapon"], carry=Carry.LARGE
    )
    item = item_spawn(world=world, template=sword, room=hall, value=55)
    assert (item.name, item.description, item.value, item.tags, item.carry) == (
        "Sword",
        "Sharp.",
        55,
        ["Weapon"],
        Carry.LARGE,
    )
    assert item.template == sword


def test_a_spawned_item_keeps_its_fields_when_the_template_goes(world: World, hall: Room) -> None:
    lamp = make_template(world=world, key="lamp", name="Lamp", description="Bright.")
    item = item_spawn(world=world, template=lamp, room=hall)
    assert template_delete(template=lamp) == 1
    item.refresh_from_db()
    assert (item.template, item.name, item.description) == (None, "Lamp", "Bright.")


def test_an_item_is_spawned_into_exactly_one_place(world: World, hall: Room) -> None:
    hero = make_player(world=world)
    with pytest.raises(Invalid):
        item_spawn(world=world, name="ghost")
    with pytest.raises(Invalid):
        item_spawn(world=world, name="twin", room=hall, character=hero)
    with pytest.raises(Invalid):
        item_spawn(world=world, name="stray", room=hall, slot=2)  # a slot needs a character
    assert not Item.objects.exists()


def test_a_large_template_spawned_on_a_character_is_stowed_large(world: World) -> None:
    hero = make_player(world=world)
    crate = make_template(world=world, key="crate", name="Crate", description="Heavy.", carry=Carry.LARGE)
    assert [item_spawn(world=world, template=crate, character=hero).slot for _ in range(3)] == [6, 7, 0]


def test_an_immovable_template_only_spawns_in_a_room(world: World, hall: Room) -> None:
    altar = make_template(world=world, key="altar", name="Altar", description="Stone.", carry=Carry.FIXED)
    with pytest.raises(Invalid):
        item_spawn(world=world, template=altar, character=make_player(world=world))
    assert item_spawn(world=world, template=altar, room=hall).room == hall


def test_containers_hold_small_things_in_small_slots(world: World, hall: Room) -> None:
    chest = make_item(world=world, name="chest", room=hall, tags=["Container"], carry=Carry.FIXED)
    coins = [item_spawn(world=world, name=f"coin {n}", container=chest).container_slot for n in range(2)]
    assert coins == [0, 1]
    with pytest.raises(Conflict):
        item_spawn(world=world, name="coin 3", container=chest)
    assert item_spawn(world=world, name="sack", container=chest, carry=Carry.LARGE).container_slot == 2
    with pytest.raises(Invalid):
        item_spawn(world=world, name="pebble", container=make_item(world=world, name="rock", room=hall))
