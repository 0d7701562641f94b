"""Room writes (TinyMUD's /room create, setdesc, rename, delete) with every reference kept whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from world.exceptions import Conflict, Invalid
from world.models import Character, Exit, FactionRole, Room, World
from world.services.conflicts import conflict_on_integrity_error
from world.services.events import relocation_announce
from world.validation import (
    KEY_MAX,
    key_chars,
    key_check_free,
    key_clean,
    tags_clean,
    text_check,
    text_clean,
    unique_name,
)

NAME_MAX = 128


def room_key_sanitize(raw: str) -> str:
    return key_clean(raw)


def room_key_unique(*, world: World, base: str) -> str:
    """`base`, or `base_2`, `base_3`… whichever is free in `world` (for generators, never for builders)."""
    key = key_chars(base) or "room"
    return unique_name(
        key,
        taken=lambda candidate: Room.objects.filter(world=world, key__iexact=candidate).exists(),
        max_length=KEY_MAX,
        separator="_",
    )


def _require_free_key(*, world: World, key: str, exclude: Room | None = None) -> None:
    key_check_free(
        Room.objects.filter(world=world),
        field="key",
        value=key,
        message=f"Room '{key}' already exists.",
        exclude_pk=exclude.pk if exclude is not None else None,
    )


def room_name_clean(raw: str) -> str:
    name = " ".join(text_check(raw, field="name").split())
    if len(name) > NAME_MAX:
        raise Invalid(f"A room name is at most {NAME_MAX} characters.", details={"name": raw[:80]})
    return name


@transaction.atomic
def room_create(
    *, world: World, key: str, name: str = "", description: str = "", tags: list[str] | None = None
) -> Room:
    clean_key = room_key_sanitize(key)
    _require_free_key(world=world, key=clean_key)
    with conflict_on_integrity_error(f"Room '{clean_key}' already exists.", details={"key": clean_key}):
        return Room.objects.create(
            world=world,
            key=clean_key,
            name=room_name_clean(name),
            description=text_clean(description, field="description"),
            tags=sorted(tags_clean(tags)),
        )


@transaction.atomic
def room_rename(*, room: Room, new_key: str) -> Room:
    """Re-key a room. Exits and the start room follow by foreign key; patrol contracts name rooms by key."""
    clean_key = room_key_sanitize(new_key)
    if clean_key == room.key:
        raise Invalid("New room key is the same as the current one.", details={"key": clean_key})
    _require_free_key(world=room.world, key=clean_key, exclude=room)
    old_key = room.key
    room.key = clean_key
    with conflict_on_integrity_error(f"Room '{clean_key}' already exists.", details={"key": clean_key}):
        room.save(update_fields=["key"])
    _patrol_rooms_rewrite(world=room.world, mapping={old_key.casefold(): clean_key})
    return room


@transaction.atomic
def room_update(
    *,
    room: Room,
    key: str | None = None,
    name: str | None = None,
    description: str | None = None,
    tags: list[str] | None = None,
) -> Room:
    if key is not None and room_key_sanitize(key) != room.key:
        room_rename(room=room, new_key=key)
    changed = []
    if name is not None:
        room.name = room_name_clean(name)
        changed.append("name")
    if description is not None:
        room.description = text_clean(description, field="description")
        changed.append("description")
    if tags is not None:
        room.tags = sorted(tags_clean(tags))
        changed.append("tags")
    if changed:
        room.save(update_fields=changed)
    return room


def _patrol_rooms_rewrite(*, world: World, mapping: dict[str, str | None]) -> int:
    """Rename (to a key) or drop (to None) room keys in every patrol contract of `world`."""
    touched = 0
    for role in FactionRole.objects.filter(faction__world=world, contract_type="patrol"):
        rooms = role.contract_config.get("rooms") or []
        rewritten = [mapping.get(str(k).casefold(), k) for k in rooms]
        kept = [k for k in rewritten if k is not None]
        if kept != rooms:
            role.contract_config = {**role.contract_config, "rooms": kept}
            role.save(update_fields=["contract_config"])
            touched += 1
    return touched


@dataclass
class RoomDeletion:
    key: str
    removed_exits: list[dict[str, Any]] = field(default_factory=list)
    moved_characters: list[str] = field(default_factory=list)
    removed_items: int = 0
    new_start_room: str | None = None
    patrols_updated: int = 0


def _fallback_room(*, room: Room) -> Room | None:
    """Where to send characters (and the start room) when `room` goes: a neighbour first, else any room."""
    neighbour = (
        Room.objects.filter(entrances__source=room).exclude(pk=room.pk).order_by("key").first()
        or Room.objects.filter(exits__destination=room).exclude(pk=room.pk).order_by("key").first()
    )
    return neighbour or Room.objects.filter(world_id=room.world_id).exclude(pk=room.pk).order_by("key").first()


@transaction.atomic
def room_delete(*, room: Room, force: bool = False) -> RoomDeletion:
    """Delete a room and every exit into or out of it; never leave a reference pointing nowhere.

    Characters inside block the deletion (409) unless `force`: then they move to the start room (or, when
    this is the start room, to a neighbouring room, which becomes the new start room).
    """
    world = World.objects.select_for_update().get(pk=room.world_id)
    occupants = list(Character.objects.filter(room=room).order_by("name"))
    result = RoomDeletion(key=room.key)
    if occupants and not force:
        raise Conflict(
            f"Cannot delete room '{room.key}': characters are present.",
            details={"room": room.key, "characters": [c.name for c in occupants]},
        )
    is_start = world.start_room_id == room.pk
    fallback = world.start_room if world.start_room and not is_start else _fallback_room(room=room)
    if occupants and fallback is None:
        raise Conflict(
            f"Cannot delete room '{room.key}': it is the only room, and its characters have nowhere to go.",
            details={"room": room.key, "characters": [c.name for c in occupants]},
        )
    if is_start:
        world.start_room = fallback
        world.save(update_fields=["start_room", "updated_at"])
        result.new_start_room = fallback.key if fallback else None
    for character in occupants:
        character.room = fallback
        character.save(update_fields=["room"])
        result.moved_characters.append(character.name)
    if occupants and fallback is not None:
        relocation_announce(
            characters=occupants,
            origin=None,  # everyone in it moves together; nobody is left behind to see them go
            destination=fallback,
            own_text=f"{room.display_name} crumbles away around you; you find yourself in {fallback.display_name}.",
            reason="room_deleted",
        )
    doomed = Exit.objects.filter(world=world, source=room) | Exit.objects.filter(world=world, destination=room)
    result.removed_exits = [
        {"uuid": str(e.uuid), "name": e.name, "kind": e.kind, "source": e.source.key, "destination": e.destination.key}
        for e in doomed.select_related("source", "destination").order_by("source__key", "name")
    ]
    result.removed_items = room.items.count()
    result.patrols_updated = _patrol_rooms_rewrite(world=world, mapping={room.key.casefold(): None})
    room.delete()
    return result
