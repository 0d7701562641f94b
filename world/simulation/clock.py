"""The world clock: one tick of one world, as one transaction (DESIGN §7).

Shape of a tick (reference/simulation.md F): load the world with a fixed number of queries,
compute needs and plans in plain Python, write needs and sheets with one `executemany` each,
and carry out the NPCs' steps through the game's services. The world's game time is fenced
(`UPDATE … WHERE game_time_ticks = N`), so two tickers can never apply the same tick twice, and
the world's save is requested once, before the first write (one debounced export per tick,
however many NPCs acted; raw writes send no signal, so the request is made here).
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from persistence import facade
from world.exceptions import Conflict
from world.models import Character, ContractType, EventKind, Item, World
from world.services.events import EventBatch
from world.services.missions import missions_fail_overdue_in
from world.simulation import ambitions, autonomy, daily, planner
from world.simulation.executor import Turn, run_plan
from world.simulation.gametime import is_new_day
from world.simulation.memory import forget_beyond_limit, remember
from world.simulation.models import ExitsVersion, WitnessCursor, WorldClock
from world.simulation.needs import Rates, advance_needs, is_asleep, needy
from world.simulation.paths import Router
from world.simulation.snapshot import NEED_COLUMNS, VIOLENT_KINDS, Being, Snapshot, exit_graph, load_snapshot

SPAWN_NAMESPACE = uuid.UUID("3c0d1f4e-5b8a-4f7e-8d2c-9a6b5e4f3d21")
VIOLENCE_SAFETY_DROP = 40.0


class TickConflict(Conflict):
    code = "tick_conflict"


@dataclass
class TickReport:
    world: str
    tick: int
    acted: int = 0
    failed: int = 0
    planned: int = 0
    woke: list[str] = field(default_factory=list)
    new_day: bool = False
    duties_done: int = 0
    milestones: int = 0
    epiphanies: list[str] = field(default_factory=list)


def tick_rng(seed: int, slug: str, tick: int, *extra: object) -> random.Random:
    """A random source that depends only on (seed, world, tick, …): never `hash()` (salted per process)."""
    key = ":".join(str(part) for part in (seed, slug, tick, *extra))
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def clock_of(world_id: int) -> WorldClock:
    """The world's clock settings; a world without a row runs on the defaults."""
    return WorldClock.objects.filter(world_id=world_id).first() or WorldClock(world_id=world_id)


def rates_of(clock: WorldClock) -> Rates:
    return Rates(
        hunger=clock.hunger_rate,
        thirst=clock.thirst_rate,
        social=clock.social_rate,
        sleep=clock.sleep_rate,
        sleep_refill=clock.sleep_refill,
        ap_max=clock.ap_max,
        player_needs=clock.player_needs,
    )


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def write_needs(beings: list[Being]) -> None:
    rows = [(*needs, b.id) for b in beings if (needs := b.needs()) != b.needs_before]
    if rows:
        sets = ", ".join(f"{connection.ops.quote_name(n)} = %s" for n in NEED_COLUMNS)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {_table(Character)} SET {sets} WHERE id = %s", rows)


def write_sheets(beings: list[Being]) -> None:
    rows = [(json.dumps(b.sheet), b.id) for b in beings if b.sheet_changed]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {_table(Character)} SET sheet = {_json_param()} WHERE id = %s", rows)


def write_social_gains(gains: dict[int, float]) -> None:
    if gains:
        column = connection.ops.quote_name("socialization")
        least = "LEAST" if connection.vendor == "postgresql" else "MIN"
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {_table(Character)} SET {column} = {least}({column} + %s, 100.0) WHERE id = %s",
                sorted((gain, pk) for pk, gain in gains.items()),
            )


def witness(snapshot: Snapshot, crimes: list[tuple[str, str, int | None]]) -> None:
    """NPCs awake in a crime's room remember it; violence makes them feel unsafe."""
    for kind, actor, room_id in crimes:
        for being in snapshot.by_room.get(room_id or 0, []):
            if being.is_npc and being.name != actor and not is_asleep(being):
                remember(being, snapshot.tick, "witnessed_crime", crime=kind, actor=actor)
                if kind in VIOLENT_KINDS:
                    being.safety = max(0.0, being.safety - VIOLENCE_SAFETY_DROP)


def decide(snapshot: Snapshot, router: Router, being: Being, patrol_room: int | None = None) -> bool:
    """Choose the NPC's plan for this tick; True when it got a new one. Order: urgent rules, the
    plan in hand, pressing needs, today's patrol duty (`patrol_room`), then the best other rule."""
    plan = being.sheet.get("plan_queue")
    has_plan = isinstance(plan, list) and len(plan) > 0 or (plan is not None and not isinstance(plan, list))
    candidates = autonomy.evaluate(snapshot, being)
    urgent = [c for c in candidates if c.priority > autonomy.URGENT]
    chosen: list[dict[str, Any]] = []
    actions: list[str] = []
    if urgent:
        for candidate in urgent[:3]:
            chosen.extend(candidate.steps)
            actions.append(candidate.action)
    elif has_plan:
        return False
    elif needy(being) or being.safety < planner.SAFETY_THRESHOLD:
        chosen = planner.offline_plan(snapshot, router, being)
    elif patrol_room is not None and (patrol := planner.patrol_plan(router, being, patrol_room)):
        chosen = patrol
    elif candidates:
        chosen, actions = list(candidates[0].steps), [candidates[0].action]
    if not chosen:
        return False
    being.sheet["plan_queue"] = chosen
    if actions:
        cooldowns = being.sheet.get("cooldowns")
        cooldowns = dict(cooldowns) if isinstance(cooldowns, dict) else {}
        cooldowns.update({action: snapshot.tick for action in actions})
        being.sheet["cooldowns"] = cooldowns
    being.sheet_changed = True
    return True


def rename_spawned(world_id: int, first_new_id: int, seed: int, slug: str, tick: int) -> None:
    """Items made during the tick (leftovers of a meal) get uuids derived from the tick, not uuid4:
    the same seed must give the same world file."""
    spawned = list(
        Item.objects.filter(world_id=world_id, id__gte=first_new_id).order_by("id").values_list("id", flat=True)
    )
    field_ = Item._meta.get_field("uuid")
    rows = [
        (field_.get_db_prep_value(uuid.uuid5(SPAWN_NAMESPACE, f"{seed}:{slug}:{tick}:{n}"), connection), pk)
        for n, pk in enumerate(spawned)
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {_table(Item)} SET uuid = %s WHERE id = %s", rows)


def tick_world(*, world: World | int, seed: int | None = None) -> TickReport:
    """Advance one world by one tick (one game hour), all or nothing."""
    world_id = world if isinstance(world, int) else world.pk
    with transaction.atomic():
        slug, created_at, ticks, time_texts, exits_version, seen_up_to = (
            World.objects.filter(pk=world_id)
            .annotate(
                exits_version=Subquery(ExitsVersion.objects.filter(pk=OuterRef("pk")).values("version")[:1]),
                seen_up_to=Subquery(WitnessCursor.objects.filter(pk=OuterRef("pk")).values("event_id")[:1]),
            )
            .values_list("slug", "created_at", "game_time_ticks", "time_descriptions", "exits_version", "seen_up_to")
            .get()
        )
        seen_up_to = seen_up_to or 0
        clock = clock_of(world_id)
        seed = clock.seed if seed is None else seed
        tick = ticks + 1
        facade.save_world(world_id)  # before the first write: see persistence.tracking
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_table(World)} SET game_time_ticks = %s WHERE id = %s AND game_time_ticks = %s",
                [tick, world_id, ticks],
            )
            if cursor.rowcount != 1:
                raise TickConflict(f"World {slug} was ticked by someone else.")
        report = TickReport(world=slug, tick=tick, new_day=is_new_day(tick))
        graph = exit_graph(world_id=world_id, world_born=str(created_at), exits_version=exits_version)
        snapshot = load_snapshot(world_id=world_id, tick=tick, event_cursor=seen_up_to, graph=graph)
        rates = rates_of(clock)
        events = EventBatch(world_id=world_id)
        witness(snapshot, [(c.kind, c.actor, c.room_id) for c in snapshot.crimes])
        # Company: someone else awake in the room, as of this being's turn (a sleeper who woke
        # earlier in this loop counts), kept as a count per room instead of a scan per being.
        awake_in: dict[int, int] = defaultdict(int)
        for room_id, present in snapshot.by_room.items():
            awake_in[room_id] = sum(1 for o in present if not is_asleep(o))
        for being in snapshot.beings:
            forget_beyond_limit(being)
            room_id = being.room_id or 0
            listed = being.room_id is not None and not being.is_dead  # in `by_room`: not its own company
            company = awake_in[room_id] - (1 if listed and not is_asleep(being) else 0) > 0
            if advance_needs(being, rates, has_company=company):
                if listed:
                    awake_in[room_id] += 1
                report.woke.append(being.name)
                events.add(
                    recipients=snapshot.players_in(being.room_id),
                    kind=EventKind.WAKE,
                    actor=being.name,
                    text=f"{being.name} wakes up, looking refreshed.",
                )
        write_needs(snapshot.beings)
        router = Router(snapshot)
        actors = [
            b for b in snapshot.beings if b.is_npc and not b.is_dead and b.room_id is not None and not is_asleep(b)
        ]
        duties = daily.active_duties(snapshot)
        patrols = {d.character_id: d.room_id for d in duties if d.kind == ContractType.PATROL and d.room_id}
        for being in actors:
            report.planned += decide(snapshot, router, being, patrols.get(being.id))
        events.write()  # wake lines before what the NPCs then do
        busy = [b for b in actors if b.sheet.get("plan_queue") and b.sheet_int("action_points", 0) > 0]
        entered: dict[int, set[int]] = {}
        if busy:
            first_new_item = (Item.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
            characters = Character.objects.select_related("room", "world").in_bulk([b.id for b in busy])
            turn = Turn(tick=tick, events=events)
            for being in busy:
                run_plan(turn, characters[being.id], being)
                turn.events.write()
            report.acted, report.failed = turn.acted, turn.failed
            entered = turn.entered
            witness(snapshot, [("theft", thief, room_id) for thief, room_id, _ in turn.thefts])
            write_social_gains(turn.social_gain)
            rename_spawned(world_id, first_new_item, seed, slug, tick)
        report.duties_done = len(daily.duties_progress(snapshot, duties, events, entered))
        for being in snapshot.beings:
            report.milestones += ambitions.advance_milestones(snapshot, being, events)
        if report.new_day:
            daily.dawn_notice(snapshot, events)
            daily.duties_cycle(snapshot, events)
            report.epiphanies = [b.name for b in snapshot.beings if ambitions.epiphany(snapshot, b)]
        missions_fail_overdue_in(world_id=world_id)
        write_sheets(snapshot.beings)
        if snapshot.last_event_id != seen_up_to:
            WitnessCursor.objects.bulk_create(  # one upsert: the row may not exist yet
                [WitnessCursor(world_id=world_id, event_id=snapshot.last_event_id)],
                update_conflicts=True,
                unique_fields=["world"],
                update_fields=["event_id"],
            )
        events.write()
    return report
