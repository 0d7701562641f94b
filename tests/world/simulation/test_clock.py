"""The world clock: game time, needs, AP, planning through the services, the living demo."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests import factories
from world.models import Character, Event, EventKind, Item, Room, World, WorldClock
from world.services.demo import demo_world_seed
from world.simulation import snapshot as snapshot_module
from world.simulation.clock import tick_world


def ticks(world, n, seed=7):
    for _ in range(n):
        report = tick_world(world=world, seed=seed)
    return report


def test_tick_advances_game_time_needs_and_action_points(tiny_world):
    report = tick_world(world=tiny_world.world)
    npc = Character.objects.get(pk=tiny_world.npc.pk)
    player = Character.objects.get(pk=tiny_world.player.pk)
    assert report.tick == 1 and World.objects.get(pk=tiny_world.world.pk).game_time_ticks == 1
    assert (npc.hunger, npc.thirst, npc.sleep) == (99.0, 99.0, 99.25)
    assert npc.sheet["action_points"] == 1
    assert player.hunger == 100.0  # players' needs fall only when the world says so


def test_needs_are_clamped_and_ap_capped(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(hunger=0.5, sheet={"action_points": 3})
    tick_world(world=tiny_world.world)
    npc = Character.objects.get(pk=tiny_world.npc.pk)
    assert npc.hunger >= 0 and npc.sheet["action_points"] <= 3


def test_hungry_npc_eats_through_the_item_services(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(hunger=20, sheet={"action_points": 2})
    tick_world(world=tiny_world.world)
    npc = Character.objects.get(pk=tiny_world.npc.pk)
    assert npc.hunger == 29.0  # 20 - 1 + 10 (the apple)
    seen = list(Event.objects.filter(recipient=tiny_world.player).values_list("text", flat=True))
    assert any("Bob eats the apple" in t for t in seen), seen


def test_failed_step_hesitates_grumbles_and_drops_the_plan(tiny_world):
    plan = [{"tool": "take", "args": {"item": "ghost"}}, {"tool": "emote", "args": {"verb": "wave"}}]
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet={"plan_queue": plan, "action_points": 2})
    report = tick_world(world=tiny_world.world)
    npc = Character.objects.get(pk=tiny_world.npc.pk)
    assert report.failed == 1 and npc.sheet["plan_queue"] == []
    texts = list(Event.objects.filter(recipient=tiny_world.player).values_list("text", flat=True))
    assert "Bob hesitates." in texts and any(t.startswith("Bob grumbles loudly") for t in texts)


def test_bad_data_never_stops_the_clock(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(
        sheet={"plan_queue": ["nonsense", {"tool": 3}], "action_points": "lots", "memories": "x"}
    )
    factories.NpcFactory(world=tiny_world.world, room=None, name="Lost", hunger=1)
    report = tick_world(world=tiny_world.world)
    assert report.tick == 1


def test_dawn_notice_reaches_every_player(tiny_world):
    World.objects.filter(pk=tiny_world.world.pk).update(game_time_ticks=23)
    report = tick_world(world=tiny_world.world)
    assert report.new_day
    assert Event.objects.filter(recipient=tiny_world.player, kind=EventKind.TIME, text__contains="(Day 2)").exists()


def test_sleeping_npc_wakes_with_an_event_the_room_sees(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(sleep=50, sheet={"sleeping_ticks": 1})
    report = tick_world(world=tiny_world.world)
    assert report.woke == ["Bob"]
    assert Event.objects.filter(recipient=tiny_world.player, kind=EventKind.WAKE).exists()
    assert Character.objects.get(pk=tiny_world.npc.pk).sleep == 60.0


def test_queries_per_tick_do_not_grow_with_idle_npcs(tiny_world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            tick_world(world=tiny_world.world)
        return len(ctx.captured_queries)

    few = count()
    for n in range(30):
        factories.NpcFactory(world=tiny_world.world, room=tiny_world.kitchen, name=f"Idle{n}")
    assert count() == few


def test_the_demo_lives_within_48_ticks(db):
    world = demo_world_seed()
    player = factories.CharacterFactory(world=world, room=Room.objects.get(world=world, key="tavern"), name="Watcher")
    reports = [tick_world(world=world, seed=7) for _ in range(48)]
    pip = Character.objects.get(world=world, name="Pip")
    assert any(r.woke for r in reports), "someone sleeps and wakes"
    assert any(r.new_day for r in reports)
    assert pip.sheet.get("lifetime_stats", {}).get("rooms_visited", 0) >= 1
    texts = list(Event.objects.filter(recipient=player).values_list("text", flat=True))
    assert any(t.startswith("Pip") for t in texts), texts
    assert Item.objects.filter(world=world, name="Crumbs").exists(), "the hungry cook ate the bread"


def test_queries_per_tick_are_the_same_for_10_and_50_planning_npcs(tiny_world):
    """Hungry NPCs plan routes to food in another room: the tick's reads and writes are batched, so
    the count does not grow per NPC. (ap_max 0: they plan but take no step; steps go through the
    players' services, whose queries are theirs.)"""
    WorldClock.objects.create(world=tiny_world.world, ap_max=0)
    tiny_world.apple.delete()
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.kitchen, name="bread", tags=["Edible: 30"])

    def count_with(n):
        Character.objects.filter(world=tiny_world.world, is_npc=True).delete()
        for i in range(n):
            factories.NpcFactory(world=tiny_world.world, room=tiny_world.hall, name=f"Npc{i}", hunger=10, sheet={})
        with CaptureQueriesContext(connection) as ctx:
            tick_world(world=tiny_world.world)
        plans = [c.sheet.get("plan_queue") for c in Character.objects.filter(world=tiny_world.world, is_npc=True)]
        return len(ctx.captured_queries), plans

    ten, plans = count_with(10)
    assert all(p and p[0] == {"tool": "move", "args": {"exit": "kitchen door"}} for p in plans), plans
    fifty, plans = count_with(50)
    assert len(plans) == 50 and all(plans)
    assert ten == fifty


def test_the_exit_graph_is_kept_between_ticks_until_the_world_changes(transactional_db, monkeypatch):
    """Read once per process while nothing but the clock changes the world; any other committed
    change (here a door locked) reads it afresh; a tick inside an outer transaction never reuses it."""
    world = factories.WorldFactory(slug="graph", name="Graph")
    hall = factories.RoomFactory(world=world, key="hall", name="Hall")
    kitchen = factories.RoomFactory(world=world, key="kitchen", name="Kitchen")
    door = factories.ExitFactory(world=world, source=hall, destination=kitchen, name="kitchen door")
    factories.NpcFactory(world=world, room=hall, name="Bob")
    reads: list[int] = []
    real_load_ways = snapshot_module.load_ways
    monkeypatch.setattr(
        snapshot_module, "load_ways", lambda world_id: reads.append(world_id) or real_load_ways(world_id)
    )

    def tick_and_graph():
        seen = {}
        real_index = snapshot_module.Snapshot.index

        def spy(self):
            real_index(self)
            seen["ways"] = self.ways

        monkeypatch.setattr(snapshot_module.Snapshot, "index", spy)
        tick_world(world=world)
        monkeypatch.setattr(snapshot_module.Snapshot, "index", real_index)
        return seen["ways"]

    assert not tick_and_graph()[0].is_locked
    assert not tick_and_graph()[0].is_locked
    assert len(reads) == 1, "the second tick reuses the graph"
    door.is_locked = True
    door.save()
    assert tick_and_graph()[0].is_locked
    assert len(reads) == 2
    with transaction.atomic():
        tick_and_graph()
        tick_and_graph()
    assert len(reads) == 4
