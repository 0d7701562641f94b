"""What every build router shares: the permission gate and the error responses it documents."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.responses import codes_4xx

from world.api.build.schemas import ErrorOut
from world.models import World
from world.selectors import world_get_for_builder

# 422 is not in ninja's codes_4xx, but validation and domain errors use it.
ERRORS: dict[frozenset[int], type[ErrorOut]] = {frozenset(codes_4xx | {422}): ErrorOut}


def builder_world(request: HttpRequest, slug: str) -> World:
    """The world at `slug`, if the caller is staff or one of its builders (404 / 403 otherwise)."""
    return world_get_for_builder(slug=slug, user=request.user)
