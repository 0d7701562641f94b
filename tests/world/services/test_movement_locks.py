"""Movement through exits and TinyMUD's door locks, pinned below HTTP (world/services/movement.py, exits.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.factories import make_exit, make_faction, make_npc, make_player, make_relationship, make_room
from world.exceptions import Forbidden, Invalid, NotFound
from world.models import Character, Exit, ExitKind, Room, World
from world.services import exits as exit_services
from world.services import factions as faction_services
from world.services import npcs as npc_services
from world.services.movement import character_move, character_pass, exit_allows


@pytest.fixture
def vault(world: World) -> Room:
    return make_room(world=world, key="vault", name="Vault")


@pytest.fixture
def vault_door(world: World, vault: Room) -> Exit:
    assert world.start_room is not None
    return make_exit(source=world.start_room, destination=vault, name="vault door")


def _refused(character: Character, exit_name: str = "vault door") -> Forbidden:
    with pytest.raises(Forbidden) as refused:
        character_move(character=character, exit_name=exit_name)
    return refused.value


def test_an_unlocked_exit_lets_anyone_through(world: World, vault: Room, vault_door: Exit) -> None:
    hero = make_player(world=world)
    assert character_move(character=hero, exit_name="vault door") == vault_door
    hero.refresh_from_db()
    assert hero.room == vault


def test_an_empty_lock_policy_denies_everyone(world: World, vault_door: Exit) -> None:
    hero = make_player(world=world)
    exit_services.exit_lock(world=world, exit=vault_door)
    assert _refused(hero).code == "locked"
    hero.refresh_from_db()
    assert hero.room == world.start_room


def test_lock_allow_ids_let_only_the_listed_characters_pass(world: World, vault: Room, vault_door: Exit) -> None:
    keyholder, stranger = make_player(world=world, name="Keyholder"), make_player(world=world, name="Stranger")
    exit_services.exit_lock(world=world, exit=vault_door, allow=["keyholder"])
    assert vault_door.lock_allow_ids == [keyholder.pk]  # names are resolved once, stored as ids
    character_move(character=keyholder, exit_name="vault door")
    _refused(stranger)


def test_a_relationship_rule_passes_whoever_holds_that_relationship(world: World, vault_door: Exit) -> None:
    queen, squire, rogue = (make_player(world=world, name=n) for n in ("Queen", "Squire", "Rogue"))
    exit_services.exit_lock(world=world, exit=vault_door, relationships=[{"type": "Servant", "to": "Queen"}])
    make_relationship(source=squire, target=queen, label="  servant ")  # labels compare trimmed, any case
    make_relationship(source=queen, target=rogue, label="servant")  # the wrong direction opens nothing
    make_relationship(source=rogue, target=queen, label="rival")  # another label opens nothing
    assert exit_allows(exit_=vault_door, character=squire)
    assert not exit_allows(exit_=vault_door, character=rogue)
    assert not exit_allows(exit_=vault_door, character=queen)  # being the rule's target is no key


def test_a_rule_naming_an_npc_opens_the_door(world: World, vault_door: Exit) -> None:
    """TinyMUD only matched rules naming players, so a rule like 'friend of the innkeeper' never opened."""
    innkeeper, hero = make_npc(world=world, name="Innkeeper"), make_player(world=world)
    exit_services.exit_lock(world=world, exit=vault_door, relationships=[{"type": "friend", "to": "Innkeeper"}])
    _refused(hero)
    make_relationship(source=hero, target=innkeeper, label="friend")
    character_move(character=hero, exit_name="vault door")


def test_npcs_obey_locks_like_players(world: World, vault_door: Exit) -> None:
    guard, thief = make_npc(world=world, name="Guard"), make_npc(world=world, name="Thief")
    exit_services.exit_lock(world=world, exit=vault_door, allow=["Guard"])
    assert exit_allows(exit_=vault_door, character=guard)
    assert not exit_allows(exit_=vault_door, character=thief)


def test_faction_membership_is_no_key(world: World, vault_door: Exit) -> None:
    """Locks name characters and relationships; a faction owning the rooms opens nothing by itself."""
    captain, recruit = make_player(world=world, name="Captain"), make_player(world=world, name="Recruit")
    guild = make_faction(world=world, name="Vault Guild")
    for member in (captain, recruit):
        faction_services.member_add(faction=guild, character=member)
    assert vault_door.source.key == "start"
    vault_door.source.faction = guild
    vault_door.source.save()
    exit_services.exit_lock(world=world, exit=vault_door, allow=["Captain"])
    assert exit_allows(exit_=vault_door, character=captain)
    assert not exit_allows(exit_=vault_door, character=recruit)


@pytest.mark.parametrize(
    "malformed",
    [
        lambda to: [{"type": "friend"}],  # no target
        lambda to: [{"type": "", "to": to}],  # blank label
        lambda to: [{"type": "friend", "to": str(to)}],  # a string is not an id
        lambda to: [["friend", to]],  # not a rule object
        lambda to: {"type": "friend", "to": to},  # not a list of rules
    ],
)
def test_a_malformed_stored_policy_denies(world: World, vault_door: Exit, malformed: Callable[[int], object]) -> None:
    """Even for a character holding the relationship the rule meant: a policy the code cannot read denies."""
    hero, friend = make_player(world=world), make_npc(world=world)
    make_relationship(source=hero, target=friend, label="friend")
    vault_door.is_locked, vault_door.lock_allow_relationships = True, malformed(friend.pk)
    assert not exit_allows(exit_=vault_door, character=hero)
    vault_door.lock_allow_relationships = [{"type": "friend", "to": friend.pk}]
    assert exit_allows(exit_=vault_door, character=hero)


def test_locking_refuses_unknown_names_and_typeless_rules(world: World, vault_door: Exit) -> None:
    make_player(world=world, name="Alice")
    with pytest.raises(NotFound):
        exit_services.exit_lock(world=world, exit=vault_door, allow=["Nobody At All"])
    with pytest.raises(Invalid):
        exit_services.exit_lock(world=world, exit=vault_door, relationships=[{"type": " ", "to": "Alice"}])
    vault_door.refresh_from_db()
    assert not vault_door.is_locked


def test_unlocking_forgets_the_policy(world: World, vault_door: Exit) -> None:
    hero = make_player(world=world, name="Hero")
    exit_services.exit_lock(world=world, exit=vault_door, allow=["Hero"])
    exit_services.exit_unlock(exit=vault_door)
    vault_door.refresh_from_db()
    assert (vault_door.is_locked, vault_door.lock_allow_ids, vault_door.lock_allow_relationships) == (False, [], [])
    assert exit_allows(exit_=vault_door, character=hero)


def test_a_deleted_npc_leaves_no_lock_policy_behind(world: World, vault_door: Exit) -> None:
    warden = make_npc(world=world, name="Warden")
    make_player(world=world, name="Visitor")
    exit_services.exit_lock(
        world=world, exit=vault_door, allow=["Warden", "Visitor"], relationships=[{"type": "kin", "to": "Warden"}]
    )
    npc_services.npc_delete(npc=warden)
    vault_door.refresh_from_db()
    assert warden.pk not in vault_door.lock_allow_ids
    assert vault_door.lock_allow_relationships == []
    assert vault_door.is_locked  # the door stays locked for everyone else


def test_stairs_are_lock_checked_too(world: World, vault: Room) -> None:
    """Decision: TinyMUD never lock-checked stairs; here every exit kind obeys its lock."""
    assert world.start_room is not None
    stairs = make_exit(source=world.start_room, destination=vault, name="stairs up", kind=ExitKind.STAIRS_UP)
    exit_services.exit_lock(world=world, exit=stairs)
    assert _refused(make_player(world=world), "up").code == "locked"


def test_only_an_exit_of_the_characters_room_can_be_passed(world: World, vault: Room) -> None:
    elsewhere = make_room(world=world, key="elsewhere")
    far_door = make_exit(source=vault, destination=elsewhere, name="far door")
    with pytest.raises(Invalid) as wrong_room:
        character_pass(character=make_player(world=world), exit_=far_door)
    assert wrong_room.value.code == "not_here"
