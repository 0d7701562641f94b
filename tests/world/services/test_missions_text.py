"""Missions store builder text: it passes the one rulebook (world/validation.py) at the service, like rooms and
NPCs do, so a caller that is not the API (the admin, a generator, a shell) cannot store what stops an export."""

from __future__ import annotations

import pytest

from world.exceptions import Invalid
from world.models import World
from world.services.missions import ObjectiveSpec, mission_create

VISIT_START = "start"


def _visit(world: World, description: str = "Go there.") -> list[ObjectiveSpec]:
    return [ObjectiveSpec(kind="visit", description=description, target_room=world.start_room)]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Lost \udfff ring", ""),  # a lone surrogate cannot be encoded, so no export could be written
        ("Lost ring", "Find it\x00 now"),  # PostgreSQL refuses NUL
        ("Lost\x1b[31m ring", ""),  # a terminal escape in a title
        ("x" * 129, ""),
        ("Lost ring", "y" * 2001),
    ],
)
def test_mission_text_that_cannot_be_stored_is_refused(world: World, title: str, description: str) -> None:
    with pytest.raises(Invalid):
        mission_create(world=world, title=title, description=description, objectives=_visit(world))


def test_objective_text_passes_the_rulebook_too(world: World) -> None:
    with pytest.raises(Invalid):
        mission_create(world=world, title="Errand", objectives=_visit(world, "Go\x07 there"))


def test_plain_mission_text_is_kept_trimmed(world: World) -> None:
    mission = mission_create(world=world, title="  Errand ", description="Two\nlines", objectives=_visit(world))
    assert (mission.title, mission.description) == ("Errand", "Two\nlines")
