"""The 8-slot inventory (2 hands, 4 small, 2 large), ownership, claims and theft, pinned below HTTP
(world/services/items.py, world/services/templates.py)."""

from __future__ import annotations

import pytest

from tests.factories import make_item, make_npc, make_player
from world.exceptions import Conflict, Forbidden, Invalid, NotFound
from world.models import Carry, Character, Event, EventKind, Item, World
from world.services import items as item_services
from world.services.items import inventory_free_slot
from world.services.templates import inventory_slot_pick

LEFT_HAND, RIGHT_HAND = 0, 1


def _slots(character: Character) -> dict[str, int | None]:
    return dict(Item.objects.filter(character=character).values_list("name", "slot"))


# ---------------------------------------------------------------------------------------------- slots


@pytest.mark.parametrize(
    ("carry", "order"),
    [
        (Carry.SMALL, [2, 3, 4, 5, RIGHT_HAND, LEFT_HAND, None]),
        (Carry.LARGE, [6, 7, RIGHT_HAND, LEFT_HAND, None]),
    ],
)
def test_things_are_stowed_by_size_then_held_right_hand_first(carry: str, order: list[int | None]) -> None:
    occupied: set[int] = set()
    for expected in order:
        slot = inventory_free_slot(carry=carry, occupied=occupied)
        assert slot == expected
        if slot is not None:
            occupied.add(slot)


def test_immovable_things_have_no_slot() -> None:
    assert inventory_free_slot(carry=Carry.FIXED, occupied=set()) is None


def test_a_small_thing_never_takes_a_large_slot(world: World) -> None:
    """Large slots stay free for large things, even when small slots and hands are full."""
    hero = make_player(world=world)
    for slot in (2, 3, 4, 5, RIGHT_HAND):
        make_item(world=world, name=f"pebble {slot}", character=hero, slot=slot, carry=Carry.SMALL)
    make_item(world=world, name="last pebble", carry=Carry.SMALL)
    assert item_services.item_take(character=hero, item_name="last pebble").slot == LEFT_HAND
    make_item(world=world, name="one more pebble", carry=Carry.SMALL)
    with pytest.raises(Conflict) as full:
        item_services.item_take(character=hero, item_name="one more pebble")
    assert full.value.code == "inventory_full"
    make_item(world=world, name="barrel", carry=Carry.LARGE)
    assert item_services.item_take(character=hero, item_name="barrel").slot == 6


def test_the_hands_hold_large_things_once_the_large_slots_are_full(world: World) -> None:
    hero = make_player(world=world)
    for name in ("chest", "crate", "sack"):
        make_item(world=world, name=name, carry=Carry.LARGE)
        item_services.item_take(character=hero, item_name=name)
    assert _slots(hero) == {"chest": 6, "crate": 7, "sack": RIGHT_HAND}


def test_immovable_things_cannot_be_taken(world: World) -> None:
    hero = make_player(world=world)
    statue = make_item(world=world, name="statue", carry=Carry.FIXED)
    with pytest.raises(Conflict) as refused:
        item_services.item_take(character=hero, item_name="statue")
    assert refused.value.code == "immovable"
    statue.refresh_from_db()
    assert statue.room == world.start_room


def test_giving_needs_a_free_fitting_slot_on_the_receiver(world: World) -> None:
    giver, porter = make_player(world=world, name="Giver"), make_player(world=world, name="Porter")
    for n, slot in enumerate((6, 7, LEFT_HAND, RIGHT_HAND)):
        make_item(world=world, name=f"load {n}", character=porter, slot=slot, carry=Carry.LARGE)
    make_item(world=world, name="anvil", character=giver, slot=6, carry=Carry.LARGE)
    with pytest.raises(Conflict) as full:
        item_services.item_give(character=giver, item_name="anvil", target_name="Porter")
    assert full.value.code == "inventory_full"
    assert _slots(giver) == {"anvil": 6}
    make_item(world=world, name="ring", character=giver, slot=2, carry=Carry.SMALL)
    item, _ = item_services.item_give(character=giver, item_name="ring", target_name="Porter")
    assert (item.character, item.slot) == (porter, 2)  # small slots were free


def test_a_spawn_into_a_named_slot_must_fit_it(world: World) -> None:
    hero = make_player(world=world)
    with pytest.raises(Invalid):
        inventory_slot_pick(character=hero, carry=Carry.SMALL, slot=6)  # a large slot
    with pytest.raises(Invalid):
        inventory_slot_pick(character=hero, carry=Carry.LARGE, slot=2)  # a small slot
    with pytest.raises(Invalid):
        inventory_slot_pick(character=hero, carry=Carry.SMALL, slot=8)  # there are 8 slots, 0-7
    with pytest.raises(Invalid):
        inventory_slot_pick(character=hero, carry=Carry.FIXED, slot=None)
    make_item(world=world, character=hero, slot=LEFT_HAND)
    with pytest.raises(Conflict):
        inventory_slot_pick(character=hero, carry=Carry.LARGE, slot=LEFT_HAND)
    assert inventory_slot_pick(character=hero, carry=Carry.LARGE, slot=RIGHT_HAND) == RIGHT_HAND


# ---------------------------------------------------------------------------------------------- ownership


def test_claiming_an_unowned_thing_makes_it_yours(world: World) -> None:
    hero = make_player(world=world)
    lamp = make_item(world=world, name="lamp")
    assert item_services.item_claim(character=hero, item_name="lamp").owner == hero
    assert item_services.item_claim(character=hero, item_name="lamp").owner == hero  # claiming again is fine
    lamp.refresh_from_db()
    assert lamp.owner == hero


def test_someone_elses_thing_cannot_be_claimed_or_unclaimed(world: World) -> None:
    """TinyMUD's /claim took over anything, doors included."""
    owner, other = make_player(world=world, name="Owner"), make_player(world=world, name="Other")
    make_item(world=world, name="lamp", owner=owner)
    for attempt in (item_services.item_claim, item_services.item_unclaim):
        with pytest.raises(Forbidden) as refused:
            attempt(character=other, item_name="lamp")
        assert refused.value.code == "owned_by_other"
    assert Item.objects.get(name="lamp").owner == owner


def test_unclaiming_gives_up_ownership_once(world: World) -> None:
    hero = make_player(world=world)
    make_item(world=world, name="lamp", owner=hero)
    assert item_services.item_unclaim(character=hero, item_name="lamp").owner is None
    with pytest.raises(Conflict) as refused:
        item_services.item_unclaim(character=hero, item_name="lamp")
    assert refused.value.code == "not_owned"


def test_claim_looks_at_the_floor_before_the_inventory(world: World) -> None:
    hero = make_player(world=world)
    carried = make_item(world=world, name="coin", character=hero, slot=2)
    on_floor = make_item(world=world, name="coin")
    assert item_services.item_claim(character=hero, item_name="coin") == on_floor
    carried.refresh_from_db()
    assert carried.owner is None


def test_theft_is_allowed_but_never_silent_and_ownership_stays(world: World) -> None:
    victim, thief = make_player(world=world, name="Victim"), make_player(world=world, name="Thief")
    purse = make_item(world=world, name="purse", owner=victim)
    taken = item_services.item_take(character=thief, item_name="purse")
    assert (taken.character, taken.owner) == (thief, victim)
    seen = Event.objects.get(recipient=victim, kind=EventKind.THEFT)  # recorded as theft, as Pick Up does
    assert "belongs to Victim" in seen.text
    assert (seen.data["owner"], seen.data["theft"], seen.data["room"]) == ("Victim", True, "start")
    purse.refresh_from_db()
    assert purse.owner == victim


def test_taking_your_own_thing_names_no_owner(world: World) -> None:
    hero = make_player(world=world)
    make_item(world=world, name="hat", owner=hero)
    item_services.item_take(character=hero, item_name="hat")
    assert Event.objects.get(recipient=hero, kind=EventKind.TAKE).data["owner"] is None


def test_giving_hands_over_ownership_only_of_what_the_giver_owns(world: World) -> None:
    giver, receiver, owner = (make_player(world=world, name=n) for n in ("Giver", "Receiver", "Owner"))
    make_item(world=world, name="own ring", character=giver, slot=2, owner=giver)
    make_item(world=world, name="stolen ring", character=giver, slot=3, owner=owner)
    make_item(world=world, name="plain ring", character=giver, slot=4)
    owners = {
        name: item_services.item_give(character=giver, item_name=name, target_name="Receiver")[0].owner
        for name in ("own ring", "stolen ring", "plain ring")
    }
    assert owners == {"own ring": receiver, "stolen ring": owner, "plain ring": None}


def test_nothing_is_given_to_the_dead(world: World) -> None:
    giver = make_player(world=world)
    make_npc(world=world, name="Corpse", is_dead=True)
    make_item(world=world, name="flower", character=giver, slot=2)
    with pytest.raises(NotFound):
        item_services.item_give(character=giver, item_name="flower", target_name="Corpse")
    assert _slots(giver) == {"flower": 2}
