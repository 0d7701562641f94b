"""Writes of the world clock's settings and manual ticks (the admin and the build API call these)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from world.exceptions import Invalid
from world.models import World
from world.simulation.clock import TickReport, tick_world
from world.simulation.models import CLOCK_SETTINGS, WorldClock

MAX_TICKS_PER_REQUEST = 100


def world_clock_update(*, world: World, **changes: Any) -> WorldClock:
    """Change some of the clock's settings (a world without a clock row gets one)."""
    unknown = sorted(set(changes) - set(CLOCK_SETTINGS))
    if unknown:
        raise Invalid(f"Unknown simulation settings: {', '.join(unknown)}.")
    with transaction.atomic():
        clock = WorldClock.objects.select_for_update().filter(world=world).first() or WorldClock(world=world)
        for name, value in changes.items():
            setattr(clock, name, value)
        try:
            clock.full_clean(exclude=["world"])
        except ValidationError as error:
            raise Invalid("Invalid simulation settings.", details=error.message_dict) from error
        clock.save()  # an ORM save of world state: the world's save is requested by the signal
    return clock


def world_advance(*, world: World, ticks: int = 1) -> list[TickReport]:
    """Run `ticks` ticks now, each its own transaction (like `tick_world --ticks`), bounded per call."""
    if not 1 <= ticks <= MAX_TICKS_PER_REQUEST:
        raise Invalid(f"Ticks must be between 1 and {MAX_TICKS_PER_REQUEST}.")
    return [tick_world(world=world.pk) for _ in range(ticks)]
