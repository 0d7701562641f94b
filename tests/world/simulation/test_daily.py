"""Faction duties at dawn: issued to members with a contract role, failed with a penalty when left
undone, players told in their feed (TinyMUD never delivered these)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from world.models import Character, Event, FactionMembership, FactionRank, FactionRole, Item, World, WorldClock
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


def sheet_of(character):
    return Character.objects.get(pk=character.pk).sheet


def test_an_npc_walks_to_its_patrol_room_and_the_duty_is_done_and_rewarded(tiny_world):
    guild(tiny_world)
    dawn(tiny_world.world)  # tick 24: duties issued
    report = tick_world(world=tiny_world.world)  # tick 25: Bob walks to the kitchen
    bob = Character.objects.get(pk=tiny_world.npc.pk)
    assert bob.room_id == tiny_world.kitchen.pk
    assert report.duties_done == 1
    done = DailyDuty.objects.get(character=bob)
    assert done.status == DutyStatus.DONE
    assert bob.sheet["lifetime_stats"]["patrols"] == 1 and bob.sheet["social_status"] == 55
    assert bob.currency == 10
    assert DailyDuty.objects.get(character=tiny_world.player).status == DutyStatus.ACTIVE  # Alice is in the hall
    tick_world(world=tiny_world.world)
    assert Character.objects.get(pk=bob.pk).currency == 10  # paid once


def test_a_player_standing_in_the_patrol_room_is_done_and_told(tiny_world):
    guild(tiny_world)
    dawn(tiny_world.world)
    Character.objects.filter(pk=tiny_world.player.pk).update(room=tiny_world.kitchen)
    tick_world(world=tiny_world.world)
    assert DailyDuty.objects.get(character=tiny_world.player).status == DutyStatus.DONE
    alice = Character.objects.get(pk=tiny_world.player.pk)
    assert alice.currency == 10 and alice.sheet["lifetime_stats"]["patrols"] == 1
    texts = list(Event.objects.filter(recipient=tiny_world.player).values_list("text", flat=True))
    assert "Your duty as Guard is done. You earn 10 coins." in texts


def test_patrol_routes_never_pass_a_locked_door(tiny_world):
    guild(tiny_world)
    type(tiny_world.door_out).objects.filter(pk=tiny_world.door_out.pk).update(is_locked=True)
    dawn(tiny_world.world)
    tick_world(world=tiny_world.world)
    assert Character.objects.get(pk=tiny_world.npc.pk).room_id == tiny_world.hall.pk
    assert DailyDuty.objects.get(character=tiny_world.npc).status == DutyStatus.ACTIVE


def test_a_duty_met_after_its_deadline_is_not_done(tiny_world):
    guild(tiny_world)
    dawn(tiny_world.world)
    DailyDuty.objects.update(deadline_tick=25)
    tick_world(world=tiny_world.world)  # tick 25: the deadline has come
    assert set(DailyDuty.objects.values_list("status", flat=True)) == {DutyStatus.ACTIVE}


def test_a_resource_duty_is_done_when_the_member_holds_the_amount(tiny_world):
    faction = factories.FactionFactory(world=tiny_world.world, name="Masons")
    role = FactionRole.objects.create(faction=faction, key="hauler", name="Hauler", contract_type="resource_contribution",
                                      contract_config={"resource": "stone", "amount": 2})  # fmt: skip
    FactionMembership.objects.create(faction=faction, character=tiny_world.npc, role=role)
    dawn(tiny_world.world)
    factories.ItemFactory(world=tiny_world.world, character=tiny_world.npc, slot=0, room=None, name="rock",
                          tags=["Stone"])  # fmt: skip
    tick_world(world=tiny_world.world)
    duty = DailyDuty.objects.get(character=tiny_world.npc)
    assert (duty.kind, duty.amount, duty.status) == ("resource_contribution", 2, DutyStatus.ACTIVE)
    factories.ItemFactory(world=tiny_world.world, character=tiny_world.npc, slot=1, room=None, name="slab",
                          tags=["stone"])  # fmt: skip
    tick_world(world=tiny_world.world)
    assert DailyDuty.objects.get(pk=duty.pk).status == DutyStatus.DONE
    bob = Character.objects.get(pk=tiny_world.npc.pk)
    assert bob.currency == 10 and "patrols" not in bob.sheet["lifetime_stats"]
    assert bob.sheet["lifetime_stats"]["duties_done"] == 1
    assert Item.objects.filter(character=bob).count() == 2  # held, not handed over


def test_queries_per_tick_are_the_same_for_10_and_50_npcs_on_duty(tiny_world):
    """Every NPC has a patrol duty: half stand in the room (done, rewarded), half plan the walk
    (ap_max 0: no steps, whose queries are the services')."""
    WorldClock.objects.create(world=tiny_world.world, ap_max=0)
    faction = factories.FactionFactory(world=tiny_world.world, name="Watch")

    def count_with(n):
        Character.objects.filter(world=tiny_world.world, is_npc=True).delete()
        for i in range(n):
            room = tiny_world.kitchen if i % 2 else tiny_world.hall
            npc = factories.NpcFactory(world=tiny_world.world, room=room, name=f"Npc{i}", sheet={})
            FactionMembership.objects.create(faction=faction, character=npc)
            DailyDuty.objects.create(world=tiny_world.world, character=npc, faction=faction, role_name="Guard",
                                     kind="patrol", room=tiny_world.kitchen, issued_tick=0, deadline_tick=24)  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            report = tick_world(world=tiny_world.world)
        World.objects.filter(pk=tiny_world.world.pk).update(game_time_ticks=0)
        assert report.duties_done == n // 2
        plans = [c.sheet.get("plan_queue") for c in Character.objects.filter(world=tiny_world.world, is_npc=True,
                                                                            room=tiny_world.hall)]  # fmt: skip
        assert plans and all(p == [{"tool": "move", "args": {"exit": "kitchen door"}}] for p in plans), plans
        return len(ctx.captured_queries)

    assert count_with(10) == count_with(50)


def test_walking_through_the_patrol_room_on_the_way_elsewhere_counts(tiny_world):
    pantry = factories.RoomFactory(world=tiny_world.world, key="pantry", name="Pantry")
    factories.ExitFactory(world=tiny_world.world, source=tiny_world.kitchen, destination=pantry, name="pantry door")
    faction = guild(tiny_world)
    DailyDuty.objects.create(world=tiny_world.world, character=tiny_world.npc, faction=faction, role_name="Guard",
                             kind="patrol", room=tiny_world.kitchen, issued_tick=0, deadline_tick=24)  # fmt: skip
    plan = [{"tool": "move", "args": {"exit": "kitchen door"}}, {"tool": "move", "args": {"exit": "pantry door"}}]
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet={"plan_queue": plan, "action_points": 1})
    tick_world(world=tiny_world.world)
    assert Character.objects.get(pk=tiny_world.npc.pk).room_id == pantry.pk
    assert DailyDuty.objects.get(character=tiny_world.npc).status == DutyStatus.DONE
