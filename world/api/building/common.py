"""What every build router shares: the permission gate and the error responses it documents."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from world.api.contract import error_responses
from world.exceptions import Forbidden, Invalid
from world.models import Character, Exit, Room, World
from world.schemas.building import character_out, exit_out, room_out, world_out
from world.selectors import (
    character_detail,
    lock_character_names,
    room_detail,
    room_resolve,
    world_builder_names,
    world_get_for_builder,
)
from world.services.worlds import actor_character

# Not logged in, not a builder of this world, no such world or thing, a conflict, invalid input.
ERRORS = error_responses(401, 403, 404, 409, 422)


def builder_world(request: HttpRequest, slug: str) -> World:
    """The world at `slug`, if the caller is staff or one of its builders (404 / 403 otherwise)."""
    return world_get_for_builder(slug=slug, user=request.user)


def staff_world(request: HttpRequest, slug: str) -> World:
    """The world at `slug`, for staff only: what changes more than one world's content (its clock)."""
    world = builder_world(request, slug)
    if not request.user.is_staff:
        raise Forbidden("Only staff may do that; builders of this world may not.", code="staff_only")
    return world


def room_named(request: HttpRequest, world: World, query: str) -> Room:
    """A room by key (TinyMUD's fuzzy tiers), or `here`: the room of the caller's own character."""
    if query.strip().casefold() != "here":
        return room_resolve(world=world, query=query)
    mine = actor_character(world=world, user=request.user)
    if mine is None or mine.room is None:
        raise Invalid("'here' needs your own character standing in a room of this world.")
    return mine.room


# The build answers: a selector loads the rows (and the names their locks and builders refer to), the
# schema helper shapes them, so no schema helper queries the database.


def world_view(world: World) -> dict[str, Any]:
    return world_out(world, world_builder_names(world=world))


def room_view(room: Room) -> dict[str, Any]:
    detail = room_detail(room=room)
    return room_out(detail, lock_character_names(exits=[*detail.exits.all(), *detail.entrances.all()]))


def exits_view(exits: list[Exit]) -> list[dict[str, Any]]:
    names = lock_character_names(exits=exits)
    return [exit_out(e, names) for e in exits]


def character_view(character: Character) -> dict[str, Any]:
    return character_out(character_detail(character=character))
