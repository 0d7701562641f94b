"""Faction duties at dawn: issued to members with a contract role, failed with a penalty when left
undone, players told in their feed (TinyMUD never delivered these)."""

from __future__ import annotations

from tests import factories
from world.models import Character, Event, FactionMembership, FactionRank, FactionRole, World
from world.simulation.clock import tick_world
from world.simulation.models import DailyDuty, DutyStatus


def guild(tiny_world):
    faction = factories.FactionFactory(world=tiny_world.world, name="Watch")
    rank = FactionRank.objects.create(faction=faction, name="Private", level=1)
    role = FactionRole.objects.create(
        faction=faction, key="guard", name="Guard", contract_type="patrol", contract_config={"room": "kitchen"}
    )
    for who in (tiny_world.player, tiny_world.npc):
        FactionMembership.objects.create(faction=faction, character=who, rank=rank, role=role)
    return faction


def dawn(world):
    World.objects.filter(pk=world.pk).update(game_time_ticks=World.objects.get(pk=world.pk).game_time_ticks + 23)
    return tick_world(world=world)


def test_dawn_issues_duties_and_tells_players(tiny_world):
    guild(tiny_world)
    assert dawn(tiny_world.world).new_day
    duties = DailyDuty.objects.filter(world=tiny_world.world).order_by("character__name")
    assert [(d.character.name, d.kind, d.room.key, d.deadline_tick - d.issued_tick) for d in duties] == [
        ("Alice", "patrol", "kitchen", 24),
        ("Bob", "patrol", "kitchen", 24),
    ]
    texts = list(Event.objects.filter(recipient=tiny_world.player).values_list("text", flat=True))
    assert "Your daily duty as Guard of Watch: patrol kitchen before the next dawn." in texts


def test_an_unfinished_duty_fails_next_dawn_with_its_penalty(tiny_world):
    guild(tiny_world)
    dawn(tiny_world.world)
    dawn(tiny_world.world)
    statuses = sorted(DailyDuty.objects.filter(world=tiny_world.world).values_list("issued_tick", "status"))
    assert statuses == [(24, DutyStatus.FAILED)] * 2 + [(48, DutyStatus.ACTIVE)] * 2
    assert Character.objects.get(pk=tiny_world.player.pk).sheet["social_status"] == 45
    texts = list(Event.objects.filter(recipient=tiny_world.player).values_list("text", flat=True))
    assert "You failed yesterday's duty as Guard. Your standing suffers." in texts
