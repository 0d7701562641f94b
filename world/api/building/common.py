"""What every build router shares: the permission gate and the error responses it documents."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.responses import codes_4xx

from world.exceptions import Invalid
from world.models import Room, World
from world.schemas.building import ErrorOut
from world.selectors import room_resolve, world_get_for_builder
from world.services.worlds import actor_character

# 422 is not in ninja's codes_4xx, but validation and domain errors use it.
ERRORS: dict[frozenset[int], type[ErrorOut]] = {frozenset(codes_4xx | {422}): ErrorOut}


def builder_world(request: HttpRequest, slug: str) -> World:
    """The world at `slug`, if the caller is staff or one of its builders (404 / 403 otherwise)."""
    return world_get_for_builder(slug=slug, user=request.user)


def room_named(request: HttpRequest, world: World, query: str) -> Room:
    """A room by key (TinyMUD's fuzzy tiers), or `here`: the room of the caller's own character."""
    if query.strip().casefold() != "here":
        return room_resolve(world=world, query=query)
    mine = actor_character(world=world, user=request.user)
    if mine is None or mine.room is None:
        raise Invalid("'here' needs your own character standing in a room of this world.")
    return mine.room
