"""The debounce rules with an injected clock: no sleeping, no thread (DESIGN §5 guarantee 3)."""

import os

import pytest

from persistence.facade import process_scheduler
from persistence.results import RequestCounts
from persistence.scheduler import SaveScheduler, backoff_seconds

WAIT, MAX_WAIT = 0.3, 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sched():
    clock = Clock()
    exports: list[tuple[int, float, RequestCounts]] = []
    outcomes: list[bool] = []

    def export(world_id: int, counts: RequestCounts) -> bool:
        exports.append((world_id, clock.now, counts))
        return outcomes.pop(0) if outcomes else True

    scheduler = SaveScheduler(export=export, clock=clock, wait=lambda: WAIT, max_wait=lambda: MAX_WAIT)
    scheduler.stopped = True  # never start a thread: the test drives run_due()
    scheduler.clock_ = clock
    scheduler.exports = exports
    scheduler.outcomes = outcomes
    return scheduler


def advance(sched, seconds: float, step: float = 0.01) -> None:
    end = sched.clock_.now + seconds
    while sched.clock_.now < end - 1e-9:
        sched.clock_.now = min(end, sched.clock_.now + step)
        sched.run_due()


def test_a_thousand_requests_in_the_window_give_one_export(sched):
    for _ in range(1000):
        sched.request(7)
        sched.clock_.now += 0.0002  # 1,000 requests in 0.2 s
        sched.run_due()
    assert sched.exports == []
    advance(sched, WAIT)
    assert len(sched.exports) == 1
    world_id, at, counts = sched.exports[0]
    assert world_id == 7
    assert counts.debounced == 1000
    assert counts.coalesced == 999
    advance(sched, 10)
    assert len(sched.exports) == 1


def test_export_runs_debounce_after_the_last_request(sched):
    sched.request(1)
    advance(sched, 0.2)
    sched.request(1)
    last = sched.clock_.now
    advance(sched, 1)
    assert [at - last for _, at, _ in sched.exports] == [pytest.approx(WAIT, abs=0.011)]


def test_continuous_activity_is_saved_at_least_every_max_wait(sched):
    request_times = []
    for _ in range(200):  # one request every 100 ms for 20 s
        request_times.append(sched.clock_.now)
        sched.request(1)
        advance(sched, 0.1)
    advance(sched, 1)
    export_times = [at for _, at, _ in sched.exports]
    assert 4 <= len(export_times) <= 5
    # Every request's change is picked up by an export within MAX_WAIT (the debounce alone
    # would have waited until the activity stopped, 20 s later).
    latencies = [min(at for at in export_times if at >= r) - r for r in request_times]
    assert max(latencies) <= MAX_WAIT + 0.011


def test_immediate_requests_are_due_at_once(sched):
    sched.request(1)
    sched.request(2, immediate=True)
    sched.run_due()
    assert [w for w, _, _ in sched.exports] == [2]


def test_failures_retry_with_doubling_backoff(sched):
    sched.outcomes.extend([False, False, False, True])
    sched.request(1, immediate=True)
    sched.run_due()
    advance(sched, 10)
    times = [at for _, at, _ in sched.exports]
    assert len(times) == 4
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps == [pytest.approx(x, abs=0.011) for x in (0.5, 1.0, 2.0)]
    assert backoff_seconds(20) == 60


def test_a_request_during_an_export_gets_its_own_export_after(sched):
    def export(world_id, counts):
        sched.exports.append((world_id, sched.clock_.now, counts))
        if len(sched.exports) == 1:
            sched.request(1)  # a change committed while the first export ran
        return True

    sched.export = export
    sched.request(1, immediate=True)
    sched.run_due()
    advance(sched, 1)
    assert len(sched.exports) == 2


def test_a_flush_takes_every_pending_request_with_its_counts(sched):
    sched.request(1)
    sched.request(1)
    sched.request(2, immediate=True)
    taken = sched.take_counts(None)
    assert taken[1] == RequestCounts(debounced=2, coalesced=1)
    assert taken[2] == RequestCounts(immediate=1)
    assert sched.pending == {}
    advance(sched, 10)
    assert sched.exports == []


def test_a_forked_child_starts_with_a_fresh_scheduler():
    parent = process_scheduler()
    parent.stopped = True
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        ok = process_scheduler() is not parent and process_scheduler().pending == {}
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
