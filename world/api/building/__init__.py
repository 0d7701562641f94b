"""The build API: `/api/worlds/{world}/build/...`, for staff and the world's builders."""

from __future__ import annotations

from ninja import Router

from accounts.api.security import authenticated
from world.api.building import factions, items, npcs, rooms, simulation, worldwide

router = Router(auth=authenticated)
for area in (worldwide, rooms, npcs, items, factions, simulation):
    router.add_router("", area.router)
