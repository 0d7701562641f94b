"""`manage.py run_world` as a real process: one ticker per world, clean stop, all-or-nothing ticks.

Readiness and progress are read from the processes' output lines (with a deadline), never slept for.
"""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from persistence.files import world_file_path
from tests import factories
from tests.persistence.procs import PYTHON, REPO, child_env
from world.models import Character, World, WorldClock

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DEADLINE = 90.0
TICK_LINE = re.compile(r"^clocky: tick (\d+) ")

STALLING_RUNNER = """
import sys, threading, django
django.setup()
from django.core.management import call_command
from world.simulation import clock

def stall(beings):
    print("mid-tick", flush=True)
    threading.Event().wait()  # until SIGKILL

clock.write_sheets = stall
call_command("run_world", "clocky", "--tick-seconds", "0.2")
"""


class Runner:
    """A `run_world` child whose output lines are collected by a thread (so waits have deadlines)."""

    def __init__(self, state_dir: Path, *args: str, script: str | None = None, **env: object) -> None:
        command = [PYTHON, "-c", script] if script else [PYTHON, "manage.py", "run_world", *args]
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=child_env(state_dir, **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str) -> str:
        regex = re.compile(pattern)
        while True:
            try:
                line = self._queue.get(timeout=DEADLINE)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} in {DEADLINE} s: {self.lines}") from None
            if line is None:
                raise AssertionError(f"process ended before {pattern!r}: {self.lines}")
            self.lines.append(line)
            if regex.search(line):
                return line

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=DEADLINE)
        while (line := self._queue.get(timeout=DEADLINE)) is not None:
            self.lines.append(line)
        return code

    def ticks(self) -> list[int]:
        return [int(m.group(1)) for line in self.lines if (m := TICK_LINE.match(line))]


@pytest.fixture
def clocky(db):
    world = factories.WorldFactory(slug="clocky", name="Clocky", setup_complete=True)
    hall = factories.RoomFactory(world=world, key="hall", name="Hall")
    factories.NpcFactory(world=world, room=hall, name="Bob")
    WorldClock.objects.create(world=world, enabled=True, tick_seconds=1)
    return world


def test_a_second_run_world_does_not_tick_the_same_world(clocky, world_files):
    first = Runner(world_files, "--tick-seconds", "0.2")
    try:
        first.wait_for(r"^clocky: tick 1 ")
        second = Runner(world_files, "--tick-seconds", "0.2")
        try:
            second.wait_for(r"^clocky: ticked by another process")
            first.wait_for(r"^clocky: tick 6 ")
        finally:
            assert second.stop() == 0
    finally:
        assert first.stop() == 0
    assert second.ticks() == []
    assert first.ticks() == list(range(1, len(first.ticks()) + 1))
    assert World.objects.get(pk=clocky.pk).game_time_ticks == len(first.ticks())


def test_a_lease_of_a_dead_holder_lapses_and_another_process_takes_over(clocky, world_files):
    # A 2 s lease, not the default 10 s, to wait less for the dead holder's to lapse. Only one ticker
    # is alive at a time here, so a slow pass of the loop cannot lose the lease to a rival.
    lease = {"MUDSITE_CLOCK_MIN_LEASE_MS": 2000}
    first = Runner(world_files, "--tick-seconds", "0.2", **lease)
    first.wait_for(r"^clocky: tick 2 ")
    first.stop(signal.SIGKILL)  # no release: the lease must lapse by itself (advisory locks die at once)
    second = Runner(world_files, "--tick-seconds", "0.2", **lease)
    try:
        second.wait_for(r"^clocky: tick \d+ ")
    finally:
        assert second.stop() == 0
    assert World.objects.get(pk=clocky.pk).game_time_ticks >= 3


def test_sigterm_finishes_the_tick_exits_0_and_flushes_the_save(clocky, world_files):
    runner = Runner(world_files, "clocky", "--tick-seconds", "0.2")
    runner.wait_for(r"^clocky: tick 3 ")
    assert runner.stop(signal.SIGTERM) == 0
    assert any(line.startswith("run_world: stopped; saves flushed") for line in runner.lines), runner.lines
    ticks = World.objects.get(pk=clocky.pk).game_time_ticks
    assert ticks == max(runner.ticks())
    saved = json.loads(world_file_path("clocky").read_bytes())
    assert saved["world"]["game_time_ticks"] == ticks


def test_sigkill_mid_tick_leaves_the_world_at_the_previous_tick(clocky, world_files):
    before = Character.objects.get(world=clocky, name="Bob")
    runner = Runner(world_files, script=STALLING_RUNNER)
    runner.wait_for(r"^mid-tick$")  # needs and game time are written, the tick is not committed
    runner.stop(signal.SIGKILL)
    after = Character.objects.get(pk=before.pk)
    assert World.objects.get(pk=clocky.pk).game_time_ticks == 0
    assert (after.hunger, after.thirst, after.sleep, after.sheet) == (
        before.hunger,
        before.thirst,
        before.sleep,
        before.sheet,
    )
