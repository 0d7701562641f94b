"""Benchmark (a), in one process (no interpreter/Django start-up in the numbers): the export
against `dumpdata world`, alternated, medians of RUNS.

Usage: DATABASE_URL=sqlite:///abs/bench.sqlite3 MUDSITE_STATE_DIR=... python bench/in_process.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mudsite.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from persistence.facade import export_world_now  # noqa: E402
from world.models import World  # noqa: E402


def main(runs: int) -> None:
    world_id = World.objects.get(slug="bench").pk
    dump_path = Path(os.environ.get("MUDSITE_STATE_DIR", "/tmp")) / "dumpdata-world.json"
    ours, theirs = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = export_world_now(world_id)
        ours.append(time.perf_counter() - started)
        assert result.status == "written", result.error
        started = time.perf_counter()
        call_command("dumpdata", "world", output=str(dump_path), verbosity=0)
        theirs.append(time.perf_counter() - started)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"export_world_now: {', '.join(f'{s:.2f}' for s in ours)} s (median {a:.2f} s)")
    print(f"dumpdata world: {', '.join(f'{s:.2f}' for s in theirs)} s (median {b:.2f} s)")
    print(f"=> export_world_now is {b / a:.1f}x faster (in-process, same database, alternated)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
