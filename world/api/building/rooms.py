"""Rooms and exits (TinyMUD's /room ...)."""
# No `from __future__ import annotations`: ninja's @paginate re-reads these annotations at runtime.

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from world.api.building.common import ERRORS, builder_world, exits_view, room_named, room_view
from world.api.contract import WorldSlug
from world.api.pagination import Page
from world.models import Exit, Room
from world.schemas.building import (
    DoorIn,
    DoorLinkIn,
    ExitMessageOut,
    ExitRemovedOut,
    ExitsOut,
    LockIn,
    PortalIn,
    RoomDeletedOut,
    RoomIn,
    RoomMessageOut,
    RoomOut,
    RoomPatchIn,
    RoomSummaryOut,
    StairsIn,
)
from world.selectors import exit_get, room_get, room_list
from world.services import exits as exit_services
from world.services import rooms as room_services

router = Router(tags=["build: rooms and exits"])


@router.get("/rooms", response={200: list[RoomSummaryOut], **ERRORS}, summary="List rooms")
@paginate(Page)
def rooms_list(request: HttpRequest, world_slug: WorldSlug, search: str = "") -> QuerySet[Room]:
    """Paginated (`limit`, `offset`); `search` matches keys and names."""
    return room_list(world=builder_world(request, world_slug), search=search)


@router.post("/rooms", response={201: RoomMessageOut, **ERRORS}, summary="Create a room")
def rooms_create(request: HttpRequest, world_slug: WorldSlug, payload: RoomIn) -> Status[dict[str, Any]]:
    room = room_services.room_create(world=builder_world(request, world_slug), **payload.dict())
    return Status(201, {"message": f"Room '{room.key}' created.", "room": room_view(room)})


@router.get("/rooms/{key}", response={200: RoomOut, **ERRORS}, summary="Read a room")
def rooms_read(request: HttpRequest, world_slug: WorldSlug, key: str) -> dict[str, Any]:
    room = room_get(world=builder_world(request, world_slug), key=key)
    return room_view(room)


@router.patch("/rooms/{key}", response={200: RoomMessageOut, **ERRORS}, summary="Update or rename a room")
def rooms_update(request: HttpRequest, world_slug: WorldSlug, key: str, payload: RoomPatchIn) -> dict[str, Any]:
    """A new `key` renames the room: exits, the start room and patrol contracts follow."""
    room = room_get(world=builder_world(request, world_slug), key=key)
    old_key = room.key
    room = room_services.room_update(room=room, **payload.dict(exclude_unset=True))
    renamed = f" (renamed from '{old_key}')" if room.key != old_key else ""
    return {"message": f"Room '{room.key}' updated{renamed}.", "room": room_view(room)}


@router.delete("/rooms/{key}", response={200: RoomDeletedOut, **ERRORS}, summary="Delete a room")
def rooms_delete(request: HttpRequest, world_slug: WorldSlug, key: str, force: bool = False) -> dict[str, Any]:
    """Refused (409) while characters are inside, unless `force` (they move to the start room). Every exit
    into or out of the room goes with it and is listed."""
    room = room_get(world=builder_world(request, world_slug), key=key)
    result = room_services.room_delete(room=room, force=force)
    return {"message": f"Room '{result.key}' deleted.", **result.__dict__}


def _exits_answer(message: str, exits: Iterable[Exit]) -> dict[str, Any]:
    return {"message": message, "exits": exits_view(list(exits))}


@router.post("/exits", response={201: ExitsOut, **ERRORS}, summary="Add a door (and its back door)")
def exits_door(request: HttpRequest, world_slug: WorldSlug, payload: DoorIn) -> Status[dict[str, Any]]:
    """TinyMUD's adddoor: the back door in the target room is named like the door, or `<door> (to <room>)`,
    then ` #2`, ` #3`… when that name is taken."""
    world = builder_world(request, world_slug)
    source, destination = room_named(request, world, payload.room), room_named(request, world, payload.to)
    created = exit_services.door_create(
        world=world, source=source, name=payload.name, destination=destination, two_way=payload.two_way
    )
    back = f" Back door '{created[1].name}' in '{destination.key}'." if len(created) > 1 else ""
    return Status(
        201, _exits_answer(f"Door '{created[0].name}' in '{source.key}' leads to '{destination.key}'.{back}", created)
    )


@router.post("/exits/link", response={201: ExitsOut, **ERRORS}, summary="Link two rooms with two named doors")
def exits_link(request: HttpRequest, world_slug: WorldSlug, payload: DoorLinkIn) -> Status[dict[str, Any]]:
    world = builder_world(request, world_slug)
    room_a, room_b = room_named(request, world, payload.room_a), room_named(request, world, payload.room_b)
    created = exit_services.door_link(
        world=world, room_a=room_a, door_a=payload.door_a, room_b=room_b, door_b=payload.door_b
    )
    return Status(201, _exits_answer(f"Linked '{room_a.key}' and '{room_b.key}'.", created))


@router.post("/exits/stairs", response={201: ExitsOut, **ERRORS}, summary="Add stairs")
def exits_stairs(request: HttpRequest, world_slug: WorldSlug, payload: StairsIn) -> Status[dict[str, Any]]:
    """`up` from A to B: `stairs up` in A and `stairs down` in B (one stairs per direction per room)."""
    world = builder_world(request, world_slug)
    room, other = room_named(request, world, payload.room), room_named(request, world, payload.to)
    created = exit_services.stairs_link(
        world=world, room=room, direction=payload.direction, other=other, two_way=payload.two_way
    )
    return Status(201, _exits_answer(f"Stairs {payload.direction} from '{room.key}' to '{other.key}'.", created))


@router.post("/exits/portal", response={201: ExitsOut, **ERRORS}, summary="Add a portal (one way)")
def exits_portal(request: HttpRequest, world_slug: WorldSlug, payload: PortalIn) -> Status[dict[str, Any]]:
    """A travel point: a named one-way exit (a magic mirror, a ferry)."""
    world = builder_world(request, world_slug)
    source, destination = room_named(request, world, payload.room), room_named(request, world, payload.to)
    portal = exit_services.portal_create(world=world, source=source, name=payload.name, destination=destination)
    return Status(
        201, _exits_answer(f"Portal '{portal.name}' in '{source.key}' leads to '{destination.key}'.", [portal])
    )


@router.get("/exits/{exit_id}", response={200: ExitMessageOut, **ERRORS}, summary="Read an exit")
def exits_read(request: HttpRequest, world_slug: WorldSlug, exit_id: UUID) -> dict[str, Any]:
    found = exit_get(world=builder_world(request, world_slug), uuid=exit_id)
    return {
        "message": f"'{found.name}' leads from '{found.source.key}' to '{found.destination.key}'.",
        "exit": exits_view([found])[0],
    }


@router.delete("/exits/{exit_id}", response={200: ExitRemovedOut, **ERRORS}, summary="Remove an exit")
def exits_delete(request: HttpRequest, world_slug: WorldSlug, exit_id: UUID, both: bool = False) -> dict[str, Any]:
    """Removes the exit and its lock; `both=true` removes the way back too."""
    found = exit_get(world=builder_world(request, world_slug), uuid=exit_id)
    result = exit_services.exit_remove(exit=found, both_directions=both)
    names = ", ".join(f"'{r['name']}' in '{r['source']}'" for r in result.removed)
    return {"message": f"Removed {names}.", "removed": result.removed}


@router.put("/exits/{exit_id}/lock", response={200: ExitMessageOut, **ERRORS}, summary="Lock an exit")
def exits_lock(request: HttpRequest, world_slug: WorldSlug, exit_id: UUID, payload: LockIn) -> dict[str, Any]:
    """Replace the lock policy: the named characters, and whoever has a listed relationship to a named
    character, may pass; nobody else."""
    world = builder_world(request, world_slug)
    found = exit_get(world=world, uuid=exit_id)
    locked = exit_services.exit_lock(
        world=world,
        exit=found,
        allow=payload.allow,
        relationships=[rule.dict() for rule in payload.relationships],
    )
    return {"message": f"'{locked.name}' is locked.", "exit": exits_view([locked])[0]}


@router.delete("/exits/{exit_id}/lock", response={200: ExitMessageOut, **ERRORS}, summary="Unlock an exit")
def exits_unlock(request: HttpRequest, world_slug: WorldSlug, exit_id: UUID) -> dict[str, Any]:
    found = exit_get(world=builder_world(request, world_slug), uuid=exit_id)
    unlocked = exit_services.exit_unlock(exit=found)
    return {"message": f"'{unlocked.name}' is unlocked.", "exit": exits_view([unlocked])[0]}
