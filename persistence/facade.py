"""The persistence façade (DESIGN §5): the only public way to request world exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from world.models import World


def save_world(world: World, *, debounced: bool = True) -> None:
    """Request an export of `world` (placeholder until the persistence issue lands)."""
