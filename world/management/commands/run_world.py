"""`manage.py run_world [SLUG ...]`: the world clock as a long-running process."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from persistence import facade
from world.models import World
from world.simulation.clock import TickConflict, clock_of, tick_world
from world.simulation.gametime import day_of, hour_of
from world.simulation.models import WorldClock
from world.simulation.ticker import ClockLock


class Command(BaseCommand):
    # System checks import the whole API (~1 s and 33 MB a process, issue 13); this command needs only
    # the models. `migrate` (and prepare_demo, scripts/prepare.sh) still run them.
    requires_system_checks = []

    help = (
        "Tick worlds until SIGTERM/SIGINT: every world whose simulation is enabled (or the SLUGs named, "
        "enabled or not), one tick per period (the world's tick_seconds, or --tick-seconds). A stop signal "
        "finishes the current tick, flushes saves and exits 0. One ticker per world across processes."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Worlds to tick (default: every enabled one).")
        parser.add_argument(
            "--tick-seconds", type=float, default=None, help="Real seconds per tick for every world (overrides)."
        )

    def handle(self, *args: Any, slugs: list[str], tick_seconds: float | None, **options: Any) -> None:
        if tick_seconds is not None and tick_seconds <= 0:
            raise CommandError("--tick-seconds must be more than 0.")
        missing = sorted(set(slugs) - set(World.objects.filter(slug__in=slugs).values_list("slug", flat=True)))
        if missing:
            raise CommandError(f"No world named {', '.join(missing)}.")
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())  # only a flag: the tick under way runs to its commit
        min_lease = settings.MUDSITE_CLOCK_MIN_LEASE_MS / 1000
        lock = ClockLock(ttl=max(min_lease, 3 * (tick_seconds or 1)))
        due: dict[int, float] = {}
        waiting: set[int] = set()
        self.say(f"run_world: started (lock: {lock.kind}, holder {lock.holder}); stop with SIGTERM or Ctrl-C")
        try:
            while not stop.is_set():
                worlds = self.worlds(slugs)
                now = time.monotonic()
                for world_id, slug in worlds:
                    if stop.is_set():
                        break
                    period = tick_seconds or clock_of(world_id).tick_seconds
                    lock.ttl = max(min_lease, 3 * period)
                    if not lock.ensure(world_id):
                        if world_id not in waiting:
                            self.say(f"{slug}: ticked by another process; waiting")
                            waiting.add(world_id)
                        continue
                    if world_id in waiting:
                        waiting.discard(world_id)
                        self.say(f"{slug}: lock taken over")
                    if due.setdefault(world_id, now) <= now:
                        due[world_id] = now + period
                        self.tick(world_id, slug)
                wait = min([t for w, t in due.items() if w in lock.held] or [time.monotonic() + 1.0])
                stop.wait(max(0.0, min(wait - time.monotonic(), 1.0)))
        finally:
            lock.release_all()
            # This process's saves only, as every shutdown hook: flushing every dirty world also waited (up to
            # a minute each) for the world lock of the process still ticking, whose ticks dirtied it again.
            report = facade.flush_local_saves()
            self.say(f"run_world: stopped; saves flushed ({len(report.results)} exports, {len(report.failed)} failed)")

    def worlds(self, slugs: list[str]) -> list[tuple[int, str]]:
        if slugs:
            return list(World.objects.filter(slug__in=slugs).order_by("slug").values_list("id", "slug"))
        enabled = WorldClock.objects.filter(enabled=True).values("world_id")
        return list(World.objects.filter(id__in=enabled).order_by("slug").values_list("id", "slug"))

    def tick(self, world_id: int, slug: str) -> None:
        try:
            report = tick_world(world=world_id)
        except TickConflict as error:
            self.say(f"{slug}: {error.message}")
            return
        self.say(
            f"{slug}: tick {report.tick} (day {day_of(report.tick)}, {hour_of(report.tick)}:00): "
            f"{report.acted} steps, {report.failed} failed, {len(report.woke)} woke"
        )

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
