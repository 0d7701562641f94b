"""Benchmark (14.12): one world-clock tick of a world with N NPCs over 10,000 rooms, on SQLite.

Each N gets a fresh database (var/bench/tick-N.sqlite3) with the generated world
(bench/generate_world.py: 10,000 rooms, 20,000 exits, ~30,000 items) holding N NPCs and 100
players; `--food` also lays a loaf of bread in every 50th room so hungry NPCs walk and eat
(every step then goes through the players' services). Reports the median and quartiles of
`tick_world` over TICKS ticks (after one warm-up tick) and the queries per tick, then the same
NPC count ticked in plain dicts (bench/in_memory_tick.py, TinyMUD's way) and the ratio.

`--say` has a player say a line and walk through a door before every timed tick (outside the
timing): other writers, as in a world with people in it (the move changes saved world state; the
say only writes feed rows), which must not cost the clock its kept exit graph.

Usage: python bench/tick_bench.py [--npcs 100 1000 10000] [--ticks 10] [--food] [--say]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))


def prepare_environment(npcs: int, food: bool) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / f"tick-{npcs}{'-food' if food else ''}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mudsite.settings",
        DATABASE_URL=f"sqlite://{db}",
        MUDSITE_STATE_DIR=str(WORK / f"tick-worlds-{npcs}"),
        MUDSITE_SCHEDULER_MODE="manual",
        MUDSITE_LOG_LEVEL="WARNING",
    )
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npcs", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--ticks", type=int, default=10)
    parser.add_argument("--food", action="store_true", help="bread in every 50th room: hungry NPCs act")
    parser.add_argument("--say", action="store_true", help="a player says a line and moves before every tick")
    args = parser.parse_args()
    if len(args.npcs) > 1:  # one process per size: a fresh interpreter and database each
        import subprocess

        for n in args.npcs:
            extra = [flag for flag, on in (("--food", args.food), ("--say", args.say)) if on]
            cmd = [sys.executable, __file__, "--npcs", str(n), "--ticks", str(args.ticks), *extra]
            subprocess.run(cmd, check=True)
        return
    npcs = args.npcs[0]
    prepare_environment(npcs, args.food)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.generate_world import generate
    from bench.in_memory_tick import measure
    from world.models import Character, Item, Room
    from world.services.movement import character_move
    from world.services.speech import speech_say
    from world.simulation.clock import tick_world

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = generate("bench", head_count=npcs + 100, players=100)
    if args.food:
        rooms = list(Room.objects.filter(world=world).order_by("key").values_list("id", flat=True))[::50]
        Item.objects.bulk_create([Item(world=world, name="bread", tags=["Edible: 30"], room_id=r) for r in rooms])
    generated = time.perf_counter() - started
    tick_world(world=world, seed=1)  # warm-up: first plans, cold caches
    speaker = Character.objects.filter(world=world, is_npc=False).order_by("name").first()
    timings, queries = [], []
    for n in range(args.ticks):
        if args.say and speaker is not None:
            speech_say(character=speaker, text=f"Tick {n}, anyone about?")
            door = speaker.room.exits.order_by("name").first() if speaker.room else None
            if door is not None and not door.is_locked:
                character_move(character=speaker, exit_name=door.name)
                speaker = Character.objects.select_related("room", "world").get(pk=speaker.pk)
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            report = tick_world(world=world, seed=1)
            timings.append((time.perf_counter() - began) * 1000)
        queries.append(len(ctx.captured_queries))
    q1, median, q3 = statistics.quantiles(timings, n=4) if len(timings) > 1 else (timings[0],) * 3
    print(
        f"npcs={npcs} food={args.food} say={args.say} generated in {generated:.1f} s | tick median {median:.0f} ms "
        f"(q1 {q1:.0f}, q3 {q3:.0f}, min {min(timings):.0f}) over {len(timings)} ticks | "
        f"queries/tick median {statistics.median(queries):.0f} | last tick: {report.acted} steps, "
        f"{report.failed} failed, {report.planned} new plans"
    )
    in_memory = measure(npcs, args.ticks, food=args.food)
    print(
        f"npcs={npcs} in memory (plain dicts, no rulebook): "
        + ", ".join(f"{planner} {ms:.1f} ms (database tick {median / ms:.1f}x)" for planner, ms in in_memory.items())
    )


if __name__ == "__main__":
    main()
