"""Ambitions (TinyMUD's ambition_service.py, defects 7 and 8 fixed): the Maslow gate, the daily
epiphany by trait, milestones completed from counters that really move."""

from __future__ import annotations

import pytest

from tests import factories
from world.models import Character, Event, World
from world.services import combat
from world.sheet import sheet_errors
from world.simulation import ambitions
from world.simulation.clock import tick_world


def sheet_of(character):
    return Character.objects.get(pk=character.pk).sheet


def at_dawn(world):
    World.objects.filter(pk=world.pk).update(game_time_ticks=23)
    return tick_world(world=world)


def explorer(**sheet):
    return {"ambition": ambitions.new_ambition("explorer"), **sheet}


@pytest.mark.parametrize("ambition_id", sorted(ambitions.AMBITIONS))
def test_every_ambition_is_a_valid_sheet_value(ambition_id):
    assert sheet_errors({"ambition": ambitions.new_ambition(ambition_id)}) == []


@pytest.mark.parametrize(
    ("columns", "sheet", "expected"),
    [
        ({"aggression": 90, "curiosity": 90}, {"wealth_desire": 80}, "tycoon"),
        ({"aggression": 61, "curiosity": 90}, {}, "warlord"),
        ({"curiosity": 61}, {"social_status": 90}, "explorer"),
        ({}, {"social_status": 61}, "high_society"),
        ({}, {}, "peacekeeper"),
    ],
)
def test_dawn_epiphany_picks_the_first_matching_trait(tiny_world, columns, sheet, expected):
    Character.objects.filter(pk=tiny_world.npc.pk).update(**columns, sheet=sheet)
    report = at_dawn(tiny_world.world)
    ambition = sheet_of(tiny_world.npc)["ambition"]
    assert (ambition["id"], ambition["current_milestone_idx"], ambition["is_completed"]) == (expected, 0, False)
    assert report.epiphanies == ["Bob"]
    assert "ambition" not in sheet_of(tiny_world.player)  # NPCs only, as in TinyMUD


def test_no_epiphany_before_dawn(tiny_world):
    tick_world(world=tiny_world.world)
    assert "ambition" not in sheet_of(tiny_world.npc)


@pytest.mark.parametrize("need", ["hunger", "thirst", "safety", "sleep"])
def test_no_epiphany_while_a_basic_need_is_below_30(tiny_world, need):
    Character.objects.filter(pk=tiny_world.npc.pk).update(**{need: 20})
    at_dawn(tiny_world.world)
    assert "ambition" not in sheet_of(tiny_world.npc)


def test_a_completed_ambition_makes_room_for_a_new_one_an_open_one_stays(tiny_world):
    done = {**ambitions.new_ambition("tycoon"), "is_completed": True, "current_milestone_idx": 3}
    Character.objects.filter(pk=tiny_world.npc.pk).update(curiosity=70, sheet={"ambition": done})
    at_dawn(tiny_world.world)
    assert sheet_of(tiny_world.npc)["ambition"]["id"] == "explorer"
    World.objects.filter(pk=tiny_world.world.pk).update(game_time_ticks=47)
    Character.objects.filter(pk=tiny_world.npc.pk).update(curiosity=10)
    tick_world(world=tiny_world.world)
    assert sheet_of(tiny_world.npc)["ambition"]["id"] == "explorer"


def test_an_explorer_pursues_its_ambition_when_the_gate_is_open(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet=explorer())
    tick_world(world=tiny_world.world)
    bob = Character.objects.get(pk=tiny_world.npc.pk)
    assert bob.room_id == tiny_world.kitchen.pk
    assert bob.sheet["lifetime_stats"]["rooms_visited"] == 1


@pytest.mark.parametrize("need", ["hunger", "thirst", "sleep"])
def test_no_pursuit_while_a_basic_need_is_below_30(tiny_world, need):
    # 29 falls to about 28 this tick: below the gate (30), above the planner's need threshold (25),
    # so nothing else moves Bob either.
    Character.objects.filter(pk=tiny_world.npc.pk).update(**{need: 29}, sheet=explorer())
    tick_world(world=tiny_world.world)
    assert Character.objects.get(pk=tiny_world.npc.pk).room_id == tiny_world.hall.pk


def test_a_met_milestone_completes_raises_status_and_advances(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet=explorer(lifetime_stats={"rooms_visited": 4}))
    report = tick_world(world=tiny_world.world)
    ambition = sheet_of(tiny_world.npc)["ambition"]
    assert report.milestones == 1
    assert ambition["milestones"][0]["completed"] and not ambition["milestones"][1]["completed"]
    assert ambition["current_milestone_idx"] == 1 and not ambition["is_completed"]
    assert sheet_of(tiny_world.npc)["social_status"] == 70


def test_an_unmet_milestone_stays(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet=explorer(lifetime_stats={"rooms_visited": 3}))
    tick_world(world=tiny_world.world)
    assert sheet_of(tiny_world.npc)["ambition"]["current_milestone_idx"] == 0


def test_a_player_completing_the_last_milestone_is_told_and_the_ambition_is_done(tiny_world):
    ambition = ambitions.new_ambition("tycoon")
    ambition["current_milestone_idx"] = 2
    for milestone in ambition["milestones"][:2]:
        milestone["completed"] = True
    Character.objects.filter(pk=tiny_world.player.pk).update(currency=1000, sheet={"ambition": ambition,
                                                                                    "social_status": 90})  # fmt: skip
    tick_world(world=tiny_world.world)
    sheet = sheet_of(tiny_world.player)
    assert sheet["ambition"]["is_completed"] and sheet["ambition"]["milestones"][2]["completed"]
    assert sheet["social_status"] == 100  # clamped
    texts = list(Event.objects.filter(recipient=tiny_world.player).values_list("text", flat=True))
    assert "Milestone reached: Earn 1000 gold. Your ambition is fulfilled!" in texts


def test_role_and_rare_item_milestones(tiny_world):
    from world.models import FactionMembership, FactionRole

    warlord = ambitions.new_ambition("warlord")
    warlord["current_milestone_idx"] = 2
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet={"ambition": warlord})
    faction = factories.FactionFactory(world=tiny_world.world, name="Watch")
    role = FactionRole.objects.create(faction=faction, key="guard", name="Guard")
    FactionMembership.objects.create(faction=faction, character=tiny_world.npc, role=role)
    tick_world(world=tiny_world.world)
    assert sheet_of(tiny_world.npc)["ambition"]["is_completed"]

    seeker = explorer()
    seeker["ambition"]["current_milestone_idx"] = 1
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet=seeker, hunger=28)  # gate shut: Bob stays put
    tick_world(world=tiny_world.world)
    assert sheet_of(tiny_world.npc)["ambition"]["current_milestone_idx"] == 1
    factories.ItemFactory(world=tiny_world.world, character=tiny_world.npc, slot=0, room=None, name="idol",
                          tags=["Rare"])  # fmt: skip
    tick_world(world=tiny_world.world)
    assert sheet_of(tiny_world.npc)["ambition"]["current_milestone_idx"] == 2


def test_a_combat_win_is_counted_for_the_warlord(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(hp=1)
    Character.objects.filter(pk=tiny_world.player.pk).update(sheet={"ambition": ambitions.new_ambition("warlord")})
    player = Character.objects.select_related("world").get(pk=tiny_world.player.pk)
    assert combat.combat_attack(character=player, target_name="Bob").killed
    assert sheet_of(tiny_world.player)["lifetime_stats"]["combat_wins"] == 1
    tick_world(world=tiny_world.world)
    assert sheet_of(tiny_world.player)["ambition"]["current_milestone_idx"] == 1


def test_an_explorer_takes_exits_it_has_not_taken_before(tiny_world):
    pantry = factories.RoomFactory(world=tiny_world.world, key="pantry", name="Pantry")
    factories.ExitFactory(world=tiny_world.world, source=tiny_world.kitchen, destination=pantry, name="a pantry door")
    memory = {"type": "explored_exit", "tick": 0, "room": "kitchen", "exit": "a pantry door"}
    Character.objects.filter(pk=tiny_world.npc.pk).update(room=tiny_world.kitchen, sheet=explorer(memories=[memory]))
    tick_world(world=tiny_world.world)
    assert Character.objects.get(pk=tiny_world.npc.pk).room_id == tiny_world.hall.pk  # "hall door": not taken yet
    Character.objects.filter(pk=tiny_world.npc.pk).update(room=tiny_world.kitchen)
    for _ in range(2):  # the pursuit's cooldown
        tick_world(world=tiny_world.world)
    assert Character.objects.get(pk=tiny_world.npc.pk).room_id == pantry.pk  # both taken: the first again


def test_a_player_move_counts_a_room_visit_for_their_explorer_milestones(tiny_world):
    from world.services.movement import character_move

    Character.objects.filter(pk=tiny_world.player.pk).update(sheet=explorer(lifetime_stats={"rooms_visited": 4}))
    character_move(character=Character.objects.get(pk=tiny_world.player.pk), exit_name="kitchen door")
    assert sheet_of(tiny_world.player)["lifetime_stats"]["rooms_visited"] == 5
    tick_world(world=tiny_world.world)
    assert sheet_of(tiny_world.player)["ambition"]["current_milestone_idx"] == 1
