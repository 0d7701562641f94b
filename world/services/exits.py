"""Exit writes: doors with their back doors, linked doors, stairs, removal and locks (TinyMUD's /room ...door...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from world.exceptions import Conflict, Invalid
from world.models import Exit, ExitKind, Room, World
from world.selectors import character_resolve
from world.services.conflicts import conflict_on_integrity_error

STAIRS_NAMES: dict[str, str] = {ExitKind.STAIRS_UP: "stairs up", ExitKind.STAIRS_DOWN: "stairs down"}
MIRROR: dict[str, str] = {
    ExitKind.DOOR: ExitKind.DOOR,
    ExitKind.PORTAL: ExitKind.PORTAL,
    ExitKind.STAIRS_UP: ExitKind.STAIRS_DOWN,
    ExitKind.STAIRS_DOWN: ExitKind.STAIRS_UP,
}
NAME_MAX = 128


def exit_name_clean(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise Invalid("Name the door.", details={"name": raw})
    if len(name) > NAME_MAX:
        raise Invalid(f"A door name is at most {NAME_MAX} characters.", details={"name": raw})
    return name


def exit_name_taken(*, room: Room, name: str) -> bool:
    return Exit.objects.filter(source=room, name__iexact=name).exists()


def _require_free_name(*, room: Room, name: str) -> None:
    if exit_name_taken(room=room, name=name):
        raise Conflict(
            f"Room '{room.key}' already has an exit named '{name}'.", details={"room": room.key, "name": name}
        )


def back_door_name(*, room: Room, door: str, leads_to: Room) -> str:
    """TinyMUD's back-door naming: the same name if free, else `<door> (to <room>)`, then ` #2`, ` #3`…"""
    if not exit_name_taken(room=room, name=door):
        return door
    base = f"{door} (to {leads_to.key})"
    candidate, n = base, 1
    while exit_name_taken(room=room, name=candidate):
        n += 1
        candidate = f"{base} #{n}"
    return candidate


def _exit_create(*, world: World, source: Room, destination: Room, name: str, kind: str) -> Exit:
    message = f"Room '{source.key}' already has an exit named '{name}'."
    with conflict_on_integrity_error(message, details={"room": source.key, "name": name}):
        return Exit.objects.create(world=world, source=source, destination=destination, name=name, kind=kind)


def _require_two_rooms(source: Room, destination: Room) -> None:
    if source.pk == destination.pk:
        raise Invalid("An exit must lead to another room.", details={"room": source.key})


@transaction.atomic
def door_create(*, world: World, source: Room, name: str, destination: Room, two_way: bool = True) -> list[Exit]:
    """TinyMUD's adddoor with its bugs fixed: both rooms are resolved rooms, so the back door leads somewhere."""
    _require_two_rooms(source, destination)
    door = exit_name_clean(name)
    _require_free_name(room=source, name=door)
    created = [_exit_create(world=world, source=source, destination=destination, name=door, kind=ExitKind.DOOR)]
    if two_way:
        back = back_door_name(room=destination, door=door, leads_to=source)
        created.append(_exit_create(world=world, source=destination, destination=source, name=back, kind=ExitKind.DOOR))
    return created


@transaction.atomic
def door_link(*, world: World, room_a: Room, door_a: str, room_b: Room, door_b: str) -> list[Exit]:
    """TinyMUD's linkdoor: two named doors between two existing rooms."""
    _require_two_rooms(room_a, room_b)
    name_a, name_b = exit_name_clean(door_a), exit_name_clean(door_b)
    _require_free_name(room=room_a, name=name_a)
    _require_free_name(room=room_b, name=name_b)
    return [
        _exit_create(world=world, source=room_a, destination=room_b, name=name_a, kind=ExitKind.DOOR),
        _exit_create(world=world, source=room_b, destination=room_a, name=name_b, kind=ExitKind.DOOR),
    ]


@transaction.atomic
def portal_create(*, world: World, source: Room, name: str, destination: Room) -> Exit:
    """A one-way travel point (TinyMUD's Travel Point objects that are not doors)."""
    _require_two_rooms(source, destination)
    portal = exit_name_clean(name)
    _require_free_name(room=source, name=portal)
    return _exit_create(world=world, source=source, destination=destination, name=portal, kind=ExitKind.PORTAL)


def _stairs_create(*, world: World, source: Room, destination: Room, kind: str) -> Exit:
    existing = Exit.objects.filter(source=source, kind=kind).select_related("destination").first()
    if existing is not None:
        raise Conflict(
            f"Room '{source.key}' already has {STAIRS_NAMES[kind]} (to '{existing.destination.key}').",
            details={"room": source.key, "kind": kind},
        )
    _require_free_name(room=source, name=STAIRS_NAMES[kind])
    return _exit_create(world=world, source=source, destination=destination, name=STAIRS_NAMES[kind], kind=kind)


@transaction.atomic
def stairs_link(*, world: World, room: Room, direction: str, other: Room, two_way: bool = True) -> list[Exit]:
    """`up` from A to B: `stairs up` in A and (two-way) `stairs down` in B; `down` the mirror image."""
    _require_two_rooms(room, other)
    if direction not in ("up", "down"):
        raise Invalid("Direction must be 'up' or 'down'.", details={"direction": direction})
    kind = ExitKind.STAIRS_UP if direction == "up" else ExitKind.STAIRS_DOWN
    created = [_stairs_create(world=world, source=room, destination=other, kind=kind)]
    if two_way:
        created.append(_stairs_create(world=world, source=other, destination=room, kind=MIRROR[kind]))
    return created


def exit_reverse(*, exit: Exit) -> Exit | None:
    """The exit leading back: same mirrored kind, from the destination to the source; a same-named or
    TinyMUD-suffixed door is preferred when several doors lead back."""
    candidates = list(
        Exit.objects.filter(source_id=exit.destination_id, destination_id=exit.source_id, kind=MIRROR[exit.kind])
    )
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    for candidate in candidates:
        if candidate.name.casefold() == exit.name.casefold():
            return candidate
    for candidate in candidates:
        if candidate.name.casefold().startswith(f"{exit.name.casefold()} (to "):
            return candidate
    return sorted(candidates, key=lambda c: c.name.casefold())[0]


@dataclass
class ExitRemoval:
    removed: list[dict[str, Any]] = field(default_factory=list)


def exit_describe(exit: Exit) -> dict[str, Any]:
    return {
        "uuid": str(exit.uuid),
        "name": exit.name,
        "kind": exit.kind,
        "source": exit.source.key,
        "destination": exit.destination.key,
    }


@transaction.atomic
def exit_remove(*, exit: Exit, both_directions: bool = False) -> ExitRemoval:
    """Remove an exit (its lock goes with it); with `both_directions`, its way back too."""
    doomed = [exit]
    if both_directions:
        back = exit_reverse(exit=exit)
        if back is not None:
            doomed.append(back)
    result = ExitRemoval(removed=[exit_describe(e) for e in doomed])
    for e in doomed:
        e.delete()
    return result


@transaction.atomic
def exit_lock(
    *, world: World, exit: Exit, allow: list[str] | None = None, relationships: list[dict[str, str]] | None = None
) -> Exit:
    """Replace the exit's lock policy. Names are resolved now and stored as character ids.

    An empty policy still locks: nobody passes (TinyMUD denies on an empty policy).
    """
    allow_ids = sorted({character_resolve(world=world, query=name).pk for name in allow or []})
    rules: list[dict[str, Any]] = []
    for rule in relationships or []:
        label = " ".join(str(rule.get("type", "")).split())
        if not label:
            raise Invalid("A relationship rule needs a type.", details={"rule": rule})
        target = character_resolve(world=world, query=str(rule.get("to", "")))
        entry = {"type": label, "to": target.pk}
        if entry not in rules:
            rules.append(entry)
    exit.is_locked = True
    exit.lock_allow_ids = allow_ids
    exit.lock_allow_relationships = rules
    exit.save(update_fields=["is_locked", "lock_allow_ids", "lock_allow_relationships"])
    return exit


@transaction.atomic
def exit_unlock(*, exit: Exit) -> Exit:
    exit.is_locked = False
    exit.lock_allow_ids = []
    exit.lock_allow_relationships = []
    exit.save(update_fields=["is_locked", "lock_allow_ids", "lock_allow_relationships"])
    return exit


def locks_forget_character(*, world: World, character_id: int) -> int:
    """Drop a character from every lock policy of `world` (when the character is deleted)."""
    touched = 0
    for exit in Exit.objects.filter(world=world, is_locked=True):
        ids = [i for i in exit.lock_allow_ids if i != character_id]
        rules = [r for r in exit.lock_allow_relationships if r.get("to") != character_id]
        if ids != exit.lock_allow_ids or rules != exit.lock_allow_relationships:
            exit.lock_allow_ids, exit.lock_allow_relationships = ids, rules
            exit.save(update_fields=["lock_allow_ids", "lock_allow_relationships"])
            touched += 1
    return touched
