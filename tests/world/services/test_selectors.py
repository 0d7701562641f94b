"""Reads, pinned below HTTP (world/selectors.py): who may build, whose character plays, how names resolve,
and what a room, an inventory and the event feed show."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import make_exit, make_item, make_npc, make_player, make_room, make_user, make_world
from world import selectors
from world.exceptions import Conflict, Forbidden, NotFound
from world.models import Event, EventKind, World


def test_staff_and_the_worlds_builders_build_it_nobody_else(world: World) -> None:
    builder, player = make_user(username="builder"), make_user(username="player")
    world.builders.add(builder)
    assert selectors.user_can_build(user=make_user(username="staff", is_staff=True), world=world)
    assert selectors.user_can_build(user=builder, world=world)
    assert not selectors.user_can_build(user=player, world=world)
    assert not selectors.user_can_build(user=AnonymousUser(), world=world)
    assert not selectors.user_can_build(user=builder, world=make_world(slug="other"))
    builder.is_active = False
    assert not selectors.user_can_build(user=builder, world=world)


def test_building_an_unknown_world_is_404_before_it_is_403(world: World) -> None:
    with pytest.raises(NotFound):
        selectors.world_get_for_builder(slug="nowhere", user=make_user())
    with pytest.raises(Forbidden):
        selectors.world_get_for_builder(slug=world.slug, user=make_user())


@pytest.mark.parametrize("slug", ["UPPER", "../etc", "a" * 65, ""])
def test_a_malformed_slug_is_simply_not_found(db: None, slug: str) -> None:
    with pytest.raises(NotFound):
        selectors.world_get(slug=slug)


def test_the_playing_character_is_the_callers_own_in_that_world(world: World) -> None:
    hero = make_player(world=world)
    assert hero.account is not None
    assert selectors.play_character_get(user=hero.account, world_slug=world.slug) == hero
    with pytest.raises(Forbidden) as not_joined:
        selectors.play_character_get(user=make_user(), world_slug=world.slug)
    assert not_joined.value.code == "not_joined"
    with pytest.raises(NotFound):
        selectors.play_character_get(user=hero.account, world_slug="nowhere")


def test_a_character_that_is_nowhere_cannot_act(world: World) -> None:
    with pytest.raises(Conflict) as nowhere:
        selectors.character_room(character=make_npc(world=world, room=None, name="Lost"))
    assert nowhere.value.code == "nowhere"


def test_names_resolve_exactly_first_then_fuzzily(world: World) -> None:
    make_npc(world=world, name="Tom")
    make_npc(world=world, name="Tomas")
    assert selectors.character_resolve(world=world, query="tom").name == "Tom"  # exact beats prefix
    assert selectors.character_resolve(world=world, query="tomA").name == "Tomas"
    with pytest.raises(NotFound) as missing:
        selectors.character_resolve(world=world, query="Tim")
    assert "not found" in missing.value.message


def test_npc_lookups_skip_players(world: World) -> None:
    make_player(world=world, name="Hero")
    with pytest.raises(NotFound):
        selectors.character_resolve(world=world, query="Hero", npc=True)
    with pytest.raises(NotFound):
        selectors.npc_get_exact(world=world, name="Hero")


def test_room_others_hide_the_looker_and_dead_npcs_and_list_players_first(world: World) -> None:
    hero = make_player(world=world, name="Hero")
    make_npc(world=world, name="Aaron")
    make_npc(world=world, name="Ghost", is_dead=True)
    make_player(world=world, name="Zed")
    assert world.start_room is not None
    others = selectors.room_others(room=world.start_room, character=hero)
    assert [c.name for c in others] == ["Zed", "Aaron"]


def test_the_inventory_shows_all_eight_labelled_slots(world: World) -> None:
    hero = make_player(world=world)
    make_item(world=world, name="torch", character=hero, slot=1, owner=hero)
    slots = selectors.inventory_slots(character=hero)
    assert [s["label"] for s in slots][:2] == ["Left Hand", "Right Hand"]
    assert len(slots) == 8
    assert slots[1]["item"] == {"name": "torch", "carry": "small", "tags": [], "owner": hero.name}
    assert [s["item"] for s in slots if s["slot"] != 1] == [None] * 7


def test_room_exits_are_listed_by_name(world: World) -> None:
    assert world.start_room is not None
    for name in ("west gate", "east gate"):
        make_exit(source=world.start_room, destination=make_room(world=world), name=name)
    assert [e.name for e in selectors.room_exits(room=world.start_room)] == ["east gate", "west gate"]


def test_lock_character_names_names_allowed_and_rule_targets(world: World) -> None:
    keeper, queen = make_npc(world=world, name="Keeper"), make_npc(world=world, name="Queen")
    assert world.start_room is not None
    door = make_exit(
        source=world.start_room,
        destination=make_room(world=world),
        is_locked=True,
        lock_allow_ids=[keeper.pk],
        lock_allow_relationships=[{"type": "servant", "to": queen.pk}],
    )
    assert selectors.lock_character_names(exits=[door]) == {keeper.pk: "Keeper", queen.pk: "Queen"}


def test_the_event_feed_pages_forward_from_an_id(world: World) -> None:
    hero = make_player(world=world)
    ids = [Event.objects.create(recipient=hero, kind=EventKind.SAY, text=f"line {n}").pk for n in range(5)]
    assert [e.text for e in selectors.event_list(character=hero, after=None, limit=2)] == ["line 3", "line 4"]
    assert [e.pk for e in selectors.event_list(character=hero, after=ids[1], limit=2)] == ids[2:4]


def test_builder_lists_search_keys_and_names(world: World) -> None:
    make_room(world=world, key="cellar", name="Dark Cellar")
    make_room(world=world, key="attic", name="Dusty Attic")
    assert [r.key for r in selectors.room_list(world=world, search="dark")] == ["cellar"]
    assert [r.key for r in selectors.room_list(world=world, search="ATT")] == ["attic"]
    hero = make_player(world=world)
    make_item(world=world, name="apple", character=hero, slot=2)
    make_item(world=world, name="apple core")
    assert [i.name for i in selectors.item_list(world=world, character=hero)] == ["apple"]
    assert [i.name for i in selectors.item_list(world=world, search="core")] == ["apple core"]
