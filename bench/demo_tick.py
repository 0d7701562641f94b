"""Benchmark: one world-clock tick of the small demo world (`seed_world`), where a tick's fixed costs show.

A fresh database (var/bench/demo-tick.sqlite3, a copy of var/bench/empty.sqlite3: see bench/README.md, "0. The
world") gets the demo world; five warm-up ticks, then TICKS ticks in one process; prints the median of
ROUNDS rounds' mean tick. Run it with another checkout's root as ROOT to compare two commits on one database
kind: `python bench/demo_tick.py [TICKS] [ROUNDS] [ROOT]`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from bench.compare import EMPTY_DB, WORK, env_for, fresh_copy  # noqa: E402

PROBE = """
import os, sys, time
import django
django.setup()
from world.models import World
from world.simulation.clock import tick_world
world = World.objects.get(slug="demo")
for _ in range(5):
    tick_world(world=world.pk)
started = time.perf_counter()
for _ in range(int(sys.argv[1])):
    tick_world(world=world.pk)
print((time.perf_counter() - started) / int(sys.argv[1]) * 1000)
"""


def one_round(root: Path, ticks: int) -> float:
    env = {
        **env_for(fresh_copy(EMPTY_DB, "demo-tick.sqlite3"), WORK / "demo-tick-worlds"),
        "DJANGO_SETTINGS_MODULE": "mudsite.settings",
        "PYTHONPATH": str(root),
    }
    subprocess.run([sys.executable, "manage.py", "seed_world"], cwd=root, env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", PROBE, str(ticks)], cwd=root, env=env, check=True, capture_output=True)
    return float(done.stdout.split()[-1])


def main(ticks: int, rounds: int, root: Path) -> None:
    samples = [one_round(root, ticks) for _ in range(rounds)]
    print(
        f"{root}: a demo tick {statistics.median(samples):.2f} ms (median of {rounds} rounds of {ticks} ticks: "
        + ", ".join(f"{s:.2f}" for s in samples)
        + ")"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 200, int(args[1]) if len(args) > 1 else 3, Path(args[2]) if len(args) > 2 else HERE)
