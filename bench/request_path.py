"""Benchmark (b): the cost of save_world on the request path, and how many exports a burst of
10,000 mutations produces with the real scheduler thread (DEBOUNCE_MS=300, MAX_WAIT_MS=5000).

Usage: DATABASE_URL=sqlite:///abs/copy-of-bench.sqlite3 python bench/request_path.py
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

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from persistence.facade import flush_all_saves, save_world  # noqa: E402
from persistence.models import SaveState  # noqa: E402
from world.models import Room, World  # noqa: E402

N = 10_000


def per_call_us(seconds: float, calls: int) -> float:
    return seconds / calls * 1e6


def main() -> None:
    world = World.objects.get(slug="bench")
    rooms = list(Room.objects.filter(world=world).order_by("pk")[:100])
    settings.MUDSITE_SCHEDULER_MODE = "manual"  # measure the request path only, no exports

    # 1. save_world inside one transaction: the first call marks dirty, the rest coalesce.
    samples = []
    for _ in range(5):
        with transaction.atomic():
            started = time.perf_counter()
            for _ in range(N):
                save_world(world)
            samples.append(time.perf_counter() - started)
    print(f"save_world x{N} in one transaction: median {per_call_us(statistics.median(samples), N):.2f} us/call")

    # 2. one transaction per mutation, with and without the save request (ORM signals disabled
    #    by updating through the queryset, so the only difference is save_world itself).
    def burst(with_save: bool, count: int = 2000) -> float:
        started = time.perf_counter()
        for i in range(count):
            with transaction.atomic():
                Room.objects.filter(pk=rooms[i % 100].pk).update(name=f"n{i}")
                if with_save:
                    save_world(world)
        return (time.perf_counter() - started) / count * 1e6

    # Interleaved, so disk noise (fsync per commit) hits both sides alike.
    pairs = [(burst(False, 500), burst(True, 500)) for _ in range(6)]
    without = statistics.median(p[0] for p in pairs)
    with_save = statistics.median(p[1] for p in pairs)
    print(
        f"one mutation per transaction: {without:.0f} us without save_world, {with_save:.0f} us with "
        f"(save_world adds {with_save - without:.0f} us: the dirty-marker UPDATE + on_commit + scheduler queue)"
    )
    flush_all_saves()

    # 3. A burst of 10,000 mutations (room.save() -> signal -> save_world), real scheduler thread.
    settings.MUDSITE_SCHEDULER_MODE = "thread"
    settings.MUDSITE_DEBOUNCE_MS, settings.MUDSITE_MAX_WAIT_MS = 300, 5000
    before = SaveState.objects.get(pk=world.pk).export_count
    started = time.perf_counter()
    for i in range(N):
        room = rooms[i % 100]
        room.name = f"burst {i}"
        room.save()
    burst_seconds = time.perf_counter() - started
    deadline = time.monotonic() + 60
    while SaveState.objects.get(pk=world.pk).is_dirty and time.monotonic() < deadline:
        time.sleep(0.1)
    settled = time.perf_counter() - started
    exports = SaveState.objects.get(pk=world.pk).export_count - before
    print(
        f"burst of {N} mutations (one transaction each) over {burst_seconds:.1f} s: {exports} exports "
        f"(clean {settled:.1f} s after the burst started)"
    )


if __name__ == "__main__":
    main()
