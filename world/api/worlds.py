"""`/api/worlds`: list the worlds, and (staff) create one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from accounts.api.security import authenticated
from world.api.building.common import world_view
from world.api.contract import error_responses
from world.models import World
from world.schemas.building import WorldCreateIn, WorldMessageOut, WorldSummaryOut
from world.selectors import world_list
from world.services.worlds import world_create

router = Router(auth=authenticated, tags=["worlds"])


@router.get("", response={200: list[WorldSummaryOut], **error_responses(401)}, summary="List worlds")
def worlds_list(request: HttpRequest) -> list[World]:
    return list(world_list())


@router.post(
    "", response={201: WorldMessageOut, **error_responses(401, 403, 409, 422)}, summary="Create a world (staff)"
)
def worlds_create(request: HttpRequest, payload: WorldCreateIn) -> Status[dict[str, Any]]:
    """Staff only. The creator becomes the world's first builder; run `build/setup` next."""
    world = world_create(slug=payload.slug, name=payload.name, creator=request.user)
    return Status(201, {"message": f"World '{world.slug}' created. Run its setup next.", "world": world_view(world)})
