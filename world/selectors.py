"""Reads. Routers and the admin read the world through these."""

from __future__ import annotations

from world.exceptions import NotFound
from world.models import World


def world_get(*, slug: str) -> World:
    world = World.objects.filter(slug=slug).first()
    if world is None:
        raise NotFound(f"There is no world '{slug}'.", details={"world": slug})
    return world
