"""The world clock for builders: simulation settings and manual ticks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from world.api.building.common import ERRORS, builder_world, staff_world
from world.api.contract import WorldSlug
from world.models import World
from world.schemas.simulation import SimulationIn, SimulationOut, TickIn, TickOut
from world.services.simulation import world_advance, world_clock_update
from world.simulation.clock import clock_of
from world.simulation.gametime import game_time
from world.simulation.models import CLOCK_SETTINGS, WorldClock

router = Router(tags=["build: simulation"])


def simulation_view(world: World, clock: WorldClock) -> dict[str, Any]:
    return {
        **{name: getattr(clock, name) for name in CLOCK_SETTINGS},
        "game_time": game_time(world.game_time_ticks, world.time_descriptions),
    }


@router.get("/simulation", response={200: SimulationOut, **ERRORS}, summary="Simulation settings")
def simulation_get(request: HttpRequest, world_slug: WorldSlug):
    world = builder_world(request, world_slug)
    return simulation_view(world, clock_of(world.pk))


@router.patch("/simulation", response={200: SimulationOut, **ERRORS}, summary="Change simulation settings")
def simulation_update(request: HttpRequest, world_slug: WorldSlug, payload: SimulationIn):
    """Switch the clock on or off, its period, seed and need rates; omitted fields keep their value."""
    world = builder_world(request, world_slug)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    clock = world_clock_update(world=world, **changes)
    return simulation_view(world, clock)


@router.post("/tick", response={200: TickOut, **ERRORS}, summary="Advance the world's clock now")
def tick(request: HttpRequest, world_slug: WorldSlug, payload: TickIn):
    """Staff only: run 1-100 ticks at once (each one transaction), whether or not the clock is enabled."""
    world = staff_world(request, world_slug)
    reports = world_advance(world=world, ticks=payload.ticks)
    world.refresh_from_db(fields=["game_time_ticks"])
    return {
        "message": f"{world.name} advanced {len(reports)} ticks (game time {world.game_time_ticks}).",
        "ticks": len(reports),
        "acted": sum(r.acted for r in reports),
        "failed": sum(r.failed for r in reports),
        "game_time": game_time(world.game_time_ticks, world.time_descriptions),
    }
