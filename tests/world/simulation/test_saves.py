"""A tick requests its world's save once, never per NPC: 100 quick ticks give a handful of exports
(issue 14.9), on the real façade, scheduler and exporter with an injected clock (no sleeping, no thread)."""

from __future__ import annotations

import pytest

from persistence import scheduler as scheduler_module
from persistence.exporter import export_for_scheduler
from persistence.files import read_file_version, world_file_path
from persistence.scheduler import SaveScheduler
from tests import factories
from world.simulation.clock import tick_world


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def driven_scheduler(settings, world_files, monkeypatch):
    settings.MUDSITE_SCHEDULER_MODE = "thread"  # through get_scheduler(), which is ours, never started
    clock = Clock()
    exports: list[int] = []

    def export(world_id, counts):
        exports.append(world_id)
        return export_for_scheduler(world_id, counts)

    scheduler = SaveScheduler(export=export, clock=clock, wait=lambda: 0.3, max_wait=lambda: 5.0)
    scheduler.stopped = True
    monkeypatch.setattr(scheduler_module, "_scheduler", scheduler)
    return scheduler, clock, exports


@pytest.mark.django_db(transaction=True)  # real commits: each tick's save request fires on its commit
def test_a_hundred_quick_ticks_give_a_handful_of_exports(tiny_world, driven_scheduler):
    scheduler, clock, exports = driven_scheduler
    for n in range(20):
        factories.NpcFactory(world=tiny_world.world, room=tiny_world.hall, name=f"Walker{n}", sleep=10)
    clock.now += 10
    scheduler.run_due()
    exports.clear()
    for _ in range(100):
        tick_world(world=tiny_world.world)
        clock.now += 0.05  # 100 ticks in 5 s: the debounce never settles, the max wait bounds it
        scheduler.run_due()
    clock.now += 1.0
    scheduler.run_due()
    assert 1 <= len(exports) <= 3, (exports, scheduler.pending, scheduler.exports_started)
    assert read_file_version(world_file_path("tiny")) >= 100  # every tick's change is in the last file
    assert b'"game_time_ticks":100' in world_file_path("tiny").read_bytes().replace(b" ", b"")
