"""The world clock: game time, needs, AP, planning through the services, the living demo."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services.tokens import token_issue
from persistence import facade
from tests import factories
from world.models import Character, Event, EventKind, Exit, ExitsVersion, Item, Room, World, WorldClock
from world.services.demo import demo_world_seed
from world.services.exits import door_create
from world.services.movement import character_move
from world.services.speech import speech_say
from world.simulation import clock as clock_module
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


def graph_reads(monkeypatch) -> list[int]:
    """The worlds whose exits were read from the database, one entry per read."""
    reads: list[int] = []
    real_load_ways = snapshot_module.load_ways
    monkeypatch.setattr(
        snapshot_module, "load_ways", lambda world_id: reads.append(world_id) or real_load_ways(world_id)
    )
    return reads


def tick_and_ways(world) -> list:
    """One tick; the exits it routed over."""
    seen = []
    real_exit_graph = snapshot_module.exit_graph

    def spy(**kwargs):
        graph = real_exit_graph(**kwargs)
        seen.append(graph.ways)
        return graph

    clock_module.exit_graph = spy
    try:
        tick_world(world=world)
    finally:
        clock_module.exit_graph = real_exit_graph
    return seen[0]


def test_the_exit_graph_is_kept_while_only_others_write(transactional_db, tiny_world, monkeypatch):
    """Says, moves and saves change the world but not its exits: the clock keeps its graph."""
    reads = graph_reads(monkeypatch)
    tick_and_ways(tiny_world.world)
    tick_and_ways(tiny_world.world)
    speech_say(character=tiny_world.player, text="Anyone hungry?")
    character_move(character=Character.objects.get(pk=tiny_world.player.pk), exit_name="kitchen door")
    facade.save_world(tiny_world.world.pk)
    Room.objects.filter(pk=tiny_world.hall.pk).update(description="Dusty.", name="Dusty Hall")
    Exit.objects.filter(pk=tiny_world.door_out.pk).update(kind="portal")  # no route reads the kind
    with connection.cursor() as cursor:
        cursor.execute("UPDATE world_exit SET is_locked = is_locked")  # a no-op update is no change
    tick_and_ways(tiny_world.world)
    assert len(reads) == 1, "only the first tick read the exits"


def exit_edits(tiny_world, admin_client):
    """Every way an exit (or what the graph reads) changes, each with what the next tick must see."""
    door = tiny_world.door_out

    def admin_change_form_lock():
        back = tiny_world.door_back
        form = {"world": tiny_world.world.pk, "source": back.source_id, "destination": back.destination_id,
                "name": back.name, "kind": back.kind, "is_locked": "on", "lock_allow_ids": "[]",
                "lock_allow_relationships": "[]"}  # fmt: skip
        answer = admin_client.post(reverse("admin:world_exit_change", args=[back.pk]), form)
        assert answer.status_code == 302, answer.context and answer.context["adminform"].form.errors
        return lambda ways: any(w.id == back.pk and w.is_locked for w in ways)

    def orm_lock():  # what the admin's change form does
        found = Exit.objects.get(pk=door.pk)
        found.is_locked = True
        found.save()
        return lambda ways: any(w.id == door.pk and w.is_locked for w in ways)

    def raw_sql_unlock():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE world_exit SET is_locked = %s WHERE id = %s", [False, door.pk])
        return lambda ways: any(w.id == door.pk and not w.is_locked for w in ways)

    def builder_api_lock():
        staff = factories.UserFactory(username="mason", is_staff=True)
        client = Client(headers={"Authorization": f"Bearer {token_issue(user=staff)}"})
        answer = client.put(
            f"/api/worlds/{tiny_world.world.slug}/build/exits/{door.uuid}/lock",
            {"allow": ["Alice"]},
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
        return lambda ways: any(w.id == door.pk and w.allow_ids == {tiny_world.player.pk} for w in ways)

    def builder_api_new_door():
        cellar = factories.RoomFactory(world=tiny_world.world, key="cellar")
        door_create(world=tiny_world.world, source=tiny_world.hall, name="trapdoor", destination=cellar)
        return lambda ways: {"trapdoor"} <= {w.name for w in ways}

    def orm_delete():
        Exit.objects.filter(pk=tiny_world.door_back.pk).delete()
        return lambda ways: tiny_world.door_back.pk not in {w.id for w in ways}

    def room_key_renamed():
        Room.objects.filter(pk=tiny_world.kitchen.pk).update(key="scullery")
        return lambda ways: True  # the graph's order follows source keys: read again

    return [
        admin_change_form_lock,
        orm_lock,
        raw_sql_unlock,
        builder_api_lock,
        builder_api_new_door,
        orm_delete,
        room_key_renamed,
    ]


def test_every_exit_edit_reads_the_graph_again(transactional_db, tiny_world, admin_client, monkeypatch):
    reads = graph_reads(monkeypatch)
    tick_and_ways(tiny_world.world)
    for n, edit in enumerate(exit_edits(tiny_world, admin_client), start=1):
        sees_the_edit = edit()
        assert sees_the_edit(tick_and_ways(tiny_world.world)), edit.__name__
        assert len(reads) == 1 + n, edit.__name__
        tick_and_ways(tiny_world.world)
        assert len(reads) == 1 + n, f"kept again after {edit.__name__}"


def test_an_exit_edit_in_the_ticks_own_transaction_is_seen_and_a_rolled_back_tick_stores_nothing(
    transactional_db, tiny_world, monkeypatch
):
    reads = graph_reads(monkeypatch)
    tick_and_ways(tiny_world.world)
    with transaction.atomic():
        Exit.objects.filter(pk=tiny_world.door_out.pk).update(is_locked=True)
        assert any(w.is_locked for w in tick_and_ways(tiny_world.world))
        transaction.set_rollback(True)
    assert not any(w.is_locked for w in tick_and_ways(tiny_world.world)), "the rolled-back lock is gone"
    assert len(reads) == 2, "the first tick's graph is still the world's after the rollback"


def test_the_exits_version_moves_on_postgresql_and_sqlite_alike(transactional_db, tiny_world):
    def version():
        return ExitsVersion.objects.get(world=tiny_world.world).version

    start = version()
    Exit.objects.filter(world=tiny_world.world).update(is_locked=True)  # one statement, two rows
    after_update = version()
    Exit.objects.filter(world=tiny_world.world).update(is_locked=True)  # the same values again
    assert after_update > start and version() == after_update
    tiny_world.world.delete()
    assert not ExitsVersion.objects.filter(world_id=tiny_world.world.pk).exists()


def test_a_tick_reads_what_npcs_carry_or_stand_by_and_supplies_anywhere(tiny_world):
    """Through three indexes (carried, lying where NPCs are, the supplies index), once each."""
    far = factories.RoomFactory(world=tiny_world.world, key="far")
    factories.ItemFactory(world=tiny_world.world, room=far, name="bread", tags=["Edible: 30"])
    factories.ItemFactory(world=tiny_world.world, room=far, name="cot", tags=["Bed"])
    factories.ItemFactory(world=tiny_world.world, room=far, name="rock", tags=[])
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, name="bench", tags=["furniture"])
    factories.ItemFactory(
        world=tiny_world.world, room=None, character=tiny_world.npc, slot=0, name="knife", tags=["weapon"]
    )
    other = factories.WorldFactory(slug="other", name="Other")
    elsewhere = factories.RoomFactory(world=other, key="far")
    factories.ItemFactory(world=other, room=elsewhere, name="cake", tags=["Edible: 5"])
    snap = snapshot_module.load_snapshot(world_id=tiny_world.world.pk, tick=1, event_cursor=0)
    assert [t.name for t in snap.things] == ["apple", "bench", "bread", "cot", "knife"]
