"""Carrying things: take, drop, give, claim, unclaim, and the 8-slot placement rule.

TinyMUD's rules: hands (0 left, 1 right) hold anything movable, slots 2-5 small things, 6-7
large things; Immovable items (`Carry.FIXED`) are never carried. Fixed from TinyMUD: claim only
works on unowned items or your own (TinyMUD let anyone take over anything, doors included).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.db import IntegrityError, transaction

from world.exceptions import Conflict, Forbidden, NotFound
from world.fuzzy import fuzzy_matches, fuzzy_resolve
from world.models import HAND_SLOTS, LARGE_SLOTS, SLOT_LABELS, SMALL_SLOTS, Carry, Character, EventKind, Item, Room
from world.selectors import character_room
from world.services.events import EventBatch, players_in_rooms


def inventory_free_slot(*, carry: str, occupied: Collection[int]) -> int | None:
    """Where an item of this size goes: stowed by size (large → 6-7, small → 2-5), else a hand (right, then left).

    None when it cannot be carried (Immovable) or every fitting slot is taken.
    """
    if carry == Carry.FIXED:
        return None
    stow = LARGE_SLOTS if carry == Carry.LARGE else SMALL_SLOTS
    hands = tuple(reversed(HAND_SLOTS))  # right hand (1) first
    return next((slot for slot in (*stow, *hands) if slot not in occupied), None)


def character_free_slot(*, character: Character, carry: str) -> int | None:
    occupied = set(Item.objects.filter(character=character).values_list("slot", flat=True))
    return inventory_free_slot(carry=carry, occupied={s for s in occupied if s is not None})


def _resolve(query: str, candidates: list[Item], *, where: str) -> Item:
    if not fuzzy_matches(query, candidates, lambda i: i.name):
        raise NotFound(f"You don't see '{query}' {where}.", details={"query": query})
    return fuzzy_resolve(query, candidates, lambda i: i.name, what="item")


def _carried(character: Character) -> list[Item]:
    return list(Item.objects.filter(character=character).select_related("owner").order_by("slot"))


def _locked(item: Item, **where: Any) -> Item:
    """The item row, locked, if it is still where we found it; 409 when someone else moved it first."""
    fresh = Item.objects.select_for_update().filter(pk=item.pk, **where).first()
    if fresh is None:
        raise Conflict(f"The {item.name} is no longer there.", code="gone")
    return fresh


def _place(item: Item, *, character: Character, slot: int) -> None:
    item.room = None
    item.character = character
    item.slot = slot
    try:
        with transaction.atomic():
            item.save(update_fields=["room", "character", "slot"])
    except IntegrityError as exc:  # another request filled that slot first
        raise Conflict("That slot was just filled; try again.", code="slot_taken") from exc


def theft_facts(room: Room) -> dict[str, Any]:
    """What a theft event adds to its data: the mark, and where it happened (a thief who walks on
    before the clock ticks is not seen by the NPCs of the room it walked into)."""
    return {"theft": True, "room": room.key}


def _room_event(character: Character, *, kind: EventKind, text: str, own: str, data: dict[str, Any]) -> None:
    room_id = character.room_id or 0
    watchers = players_in_rooms(room_ids=[room_id]).get(room_id, [])
    events = EventBatch(world_id=character.world_id)
    events.add(
        recipients=watchers,
        kind=kind,
        actor=character.name,
        text=text,
        data=data,
        actor_id=character.pk,
        actor_text=own,
    )
    events.write()


@transaction.atomic
def item_take(*, character: Character, item_name: str) -> Item:
    """Pick up an item from the floor into the slot `inventory_free_slot` picks."""
    room = character_room(character=character)
    found = _resolve(item_name, list(Item.objects.filter(room=room).select_related("owner")), where="here")
    if found.carry == Carry.FIXED:
        raise Conflict(f"The {found.name} cannot be picked up.", code="immovable")
    item = _locked(found, room=room)
    slot = character_free_slot(character=character, carry=item.carry)
    if slot is None:
        size = "large" if item.carry == Carry.LARGE else "small"
        raise Conflict(f"No {size} slot or free hand to carry the {item.name}.", code="inventory_full")
    _place(item, character=character, slot=slot)
    # Taking what someone else owns is allowed (theft is part of the game) but never silent: the
    # room sees whose it was, ownership stays with the owner, and it is recorded as a theft, as
    # Pick Up records it (NPC witnesses report thefts: TinyMUD's players never logged theft).
    owner = found.owner if found.owner_id not in (None, character.pk) else None
    whose = f", which belongs to {owner.name}" if owner else ""
    data: dict[str, Any] = {"item": item.name, "slot": slot, "owner": owner.name if owner else None}
    if owner:
        data.update(theft_facts(room))
    _room_event(
        character,
        kind=EventKind.THEFT if owner else EventKind.TAKE,
        text=f"{character.name} picks up the {item.name}{whose}.",
        own=f"You pick up the {item.name} ({SLOT_LABELS[slot]}){whose}.",
        data=data,
    )
    return item


@transaction.atomic
def item_drop(*, character: Character, item_name: str) -> Item:
    room = character_room(character=character)
    item = _locked(_resolve(item_name, _carried(character), where="in your inventory"), character=character)
    item.character = None
    item.slot = None
    item.room = room
    item.save(update_fields=["room", "character", "slot"])
    _room_event(
        character,
        kind=EventKind.DROP,
        text=f"{character.name} drops the {item.name}.",
        own=f"You drop the {item.name}.",
        data={"item": item.name},
    )
    return item


@transaction.atomic
def item_give(*, character: Character, item_name: str, target_name: str) -> tuple[Item, Character]:
    """Hand a carried item to someone in the same room; it goes where `inventory_free_slot` says.

    If the giver owned it, the receiver now does; otherwise ownership is unchanged.
    """
    room = character_room(character=character)
    others = list(Character.objects.filter(room=room).exclude(pk=character.pk).exclude(is_npc=True, is_dead=True))
    target = fuzzy_resolve(target_name, others, lambda c: c.name, what="character")
    item = _locked(_resolve(item_name, _carried(character), where="in your inventory"), character=character)
    slot = character_free_slot(character=target, carry=item.carry)
    if slot is None:
        raise Conflict(f"{target.name} has no room to carry the {item.name}.", code="inventory_full")
    if item.owner_id == character.pk:
        item.owner = target
        item.save(update_fields=["owner"])
    _place(item, character=target, slot=slot)
    watchers = players_in_rooms(room_ids=[room.pk]).get(room.pk, [])
    data = {"item": item.name, "target": target.name}
    events = EventBatch(world_id=character.world_id)
    bystanders = [i for i in watchers if i not in (character.pk, target.pk)]
    actor = character.name
    events.add(
        recipients=bystanders,
        kind=EventKind.GIVE,
        actor=actor,
        text=f"{actor} gives the {item.name} to {target.name}.",
        data=data,
    )
    events.add(
        recipients=[character.pk],
        kind=EventKind.GIVE,
        actor=actor,
        text=f"You give the {item.name} to {target.name}.",
        data=data,
    )
    if not target.is_npc:
        events.add(recipients=[target.pk], kind=EventKind.GIVE, actor=actor, text=f"{actor} gives you the {item.name}.")
    events.write()
    return item, target


def _claimable(character: Character, item_name: str) -> Item:
    """TinyMUD's /claim lookup: the floor first, then the inventory."""
    room = character_room(character=character)
    groups: list[Callable[[], list[Item]]] = [
        lambda: list(Item.objects.filter(room=room).select_related("owner")),
        lambda: _carried(character),
    ]
    for group in groups:
        candidates = group()
        if fuzzy_matches(item_name, candidates, lambda i: i.name):
            return fuzzy_resolve(item_name, candidates, lambda i: i.name, what="item")
    raise NotFound(f"You don't see '{item_name}' here or in your inventory.", details={"query": item_name})


@transaction.atomic
def item_claim(*, character: Character, item_name: str) -> Item:
    """Own an unowned item (or keep owning yours); someone else's item is refused (403)."""
    item = _claimable(character, item_name)
    item = Item.objects.select_for_update(of=("self",)).select_related("owner").get(pk=item.pk)
    if item.owner_id not in (None, character.pk):
        owner = item.owner.name if item.owner else "someone else"
        raise Forbidden(f"The {item.name} belongs to {owner}.", code="owned_by_other")
    if item.owner_id != character.pk:
        item.owner = character
        item.save(update_fields=["owner"])
    return item


@transaction.atomic
def item_unclaim(*, character: Character, item_name: str) -> Item:
    """Give up ownership of one of your items."""
    item = _claimable(character, item_name)
    item = Item.objects.select_for_update(of=("self",)).select_related("owner").get(pk=item.pk)
    if item.owner_id is None:
        raise Conflict(f"Nobody owns the {item.name}.", code="not_owned")
    if item.owner_id != character.pk:
        owner = item.owner.name if item.owner else "someone else"
        raise Forbidden(f"The {item.name} belongs to {owner}.", code="owned_by_other")
    item.owner = None
    item.save(update_fields=["owner"])
    return item
