"""Every "is this name free" rule, at the service that enforces it: characters (players and NPCs share one
namespace per world), room keys, template keys, exit names per room, role keys, world slugs, usernames."""

from __future__ import annotations

import pytest

from accounts.services import accounts
from tests.factories import make_exit, make_npc, make_player, make_room, make_template, make_user, make_world
from world.exceptions import Conflict, Forbidden
from world.models import Character, World
from world.services import characters, exits, factions, npcs, rooms, templates, worlds

PASSWORD = "a-long-enough-passphrase"


def test_a_player_cannot_join_under_an_npcs_name_in_any_case(world: World) -> None:
    make_npc(world=world, name="Old Tom")
    with pytest.raises(Conflict) as taken:
        characters.character_join(user=make_user(), world=world, name="OLD  tom")
    assert taken.value.code == "name_taken"


def test_an_npc_cannot_take_a_players_name(world: World) -> None:
    make_player(world=world, name="Alice")
    with pytest.raises(Conflict):
        npcs.npc_create(world=world, room=None, name="alice")


def test_names_are_per_world(world: World) -> None:
    make_player(world=world, name="Alice")
    elsewhere = make_world(slug="elsewhere")
    assert npcs.npc_create(world=elsewhere, room=None, name="Alice").world == elsewhere


def test_renaming_checks_everyone_but_yourself(world: World) -> None:
    alice = make_player(world=world, name="Alice")
    make_npc(world=world, name="Bob")
    assert characters.character_update(character=alice, name="ALICE").name == "ALICE"  # own name, recased
    with pytest.raises(Conflict):
        characters.character_update(character=alice, name="bob")
    bob = Character.objects.get(name="Bob")
    with pytest.raises(Conflict):
        npcs.npc_rename(npc=bob, name="alice")


def test_one_character_per_account_per_world(world: World) -> None:
    user = make_user()
    characters.character_join(user=user, world=world, name="First")
    with pytest.raises(Conflict) as twice:
        characters.character_join(user=user, world=world, name="Second")
    assert twice.value.code == "already_joined"


def test_a_world_without_a_start_room_is_not_open(db: None) -> None:
    with pytest.raises(Conflict) as closed:
        characters.character_join(user=make_user(), world=make_world(playable=False), name="Early")
    assert closed.value.code == "world_not_ready"


def test_room_keys_are_unique_per_world_case_insensitively(world: World) -> None:
    make_room(world=world, key="hall")
    with pytest.raises(Conflict):
        rooms.room_create(world=world, key="HALL")
    cellar = rooms.room_create(world=world, key="cellar")
    with pytest.raises(Conflict):
        rooms.room_rename(room=cellar, new_key="Hall")
    assert rooms.room_create(world=make_world(slug="other"), key="hall").key == "hall"


def test_template_keys_are_unique_per_world(world: World) -> None:
    make_template(world=world, key="sword")
    with pytest.raises(Conflict):
        templates.template_create(world=world, key="SWORD", name="Sword", description="Sharp.")


def test_exit_names_are_unique_per_room_only(world: World) -> None:
    start = world.start_room
    assert start is not None
    hall, yard = make_room(world=world, key="hall"), make_room(world=world, key="yard")
    make_exit(source=start, destination=hall, name="Oak Door")
    with pytest.raises(Conflict):
        exits.portal_create(world=world, source=start, name="oak  door", destination=yard)
    assert exits.portal_create(world=world, source=yard, name="Oak Door", destination=hall).name == "Oak Door"


def test_role_keys_are_unique_per_faction(world: World) -> None:
    guild = factions.faction_create(world=world, name="Guild")
    factions.role_create(faction=guild, key="scout", name="Scout")
    with pytest.raises(Conflict):
        factions.role_create(faction=guild, key="Scout", name="Another scout")


def test_world_slugs_are_unique_and_only_staff_create_worlds(db: None) -> None:
    staff = make_user(is_staff=True)
    worlds.world_create(slug="shire", name="The Shire", creator=staff)
    with pytest.raises(Conflict):
        worlds.world_create(slug="shire", name="Another Shire", creator=staff)
    with pytest.raises(Forbidden):
        worlds.world_create(slug="mordor", name="Mordor", creator=make_user())


def test_usernames_are_unique_case_insensitively(db: None) -> None:
    accounts.account_register(username="Frodo", password=PASSWORD)
    with pytest.raises(Conflict) as taken:
        accounts.account_register(username="frodo", password=PASSWORD)
    assert taken.value.code == "username_taken"
