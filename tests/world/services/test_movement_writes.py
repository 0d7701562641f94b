"""What a move writes: the room and, for a player, one more room visited, as one UPDATE of just those
(world/services/movement.py); nothing else of the row is written from the mover's loaded copy."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_exit, make_player, make_room
from world.models import Character, World
from world.services.movement import character_move
from world.sheet import sheet_with_stat


@pytest.fixture
def mover(world: World) -> Character:
    assert world.start_room is not None
    make_exit(source=world.start_room, destination=make_room(world=world, key="yard", name="Yard"), name="yard gate")
    return make_player(world=world, name="Mover")


def stored_sheet(character: Character) -> Any:
    return Character.objects.values_list("sheet", flat=True).get(pk=character.pk)


def test_a_move_keeps_a_sheet_change_made_after_the_mover_was_loaded(mover):
    loaded = Character.objects.get(pk=mover.pk)  # what the request read before its transaction began
    changed = {"high_concept": "Changed meanwhile", "lifetime_stats": {"rooms_visited": 7, "patrols": 2}}
    Character.objects.filter(pk=mover.pk).update(sheet=changed, description="Edited meanwhile")
    character_move(character=loaded, exit_name="yard gate")
    assert stored_sheet(mover) == {
        "high_concept": "Changed meanwhile",
        "lifetime_stats": {"rooms_visited": 8, "patrols": 2},
    }
    assert Character.objects.values_list("description", flat=True).get(pk=mover.pk) == "Edited meanwhile"
    assert loaded.sheet == stored_sheet(mover)  # the caller's copy is what was written


@pytest.mark.parametrize(
    "sheet",
    [
        {},
        {"focus": "x"},
        {"lifetime_stats": {}},
        {"lifetime_stats": {"rooms_visited": 41, "combat_wins": 1}},
        {"lifetime_stats": {"rooms_visited": "many"}},
        {"lifetime_stats": {"rooms_visited": 2.5}},
        {"lifetime_stats": ["not", "an", "object"]},
        {"lifetime_stats": None},
        {"focus": 'é " \\ ☃', "memories": [{"tick": 1, "weight": 0.1}]},
    ],
)
def test_a_move_counts_the_visit_as_sheet_with_stat_does(mover, sheet):
    Character.objects.filter(pk=mover.pk).update(sheet=sheet)
    character_move(character=Character.objects.get(pk=mover.pk), exit_name="yard gate")
    assert stored_sheet(mover) == sheet_with_stat(sheet, "rooms_visited")


def test_a_move_writes_the_new_room(mover):
    character_move(character=mover, exit_name="yard gate")
    assert Character.objects.values_list("room__key", flat=True).get(pk=mover.pk) == "yard"
