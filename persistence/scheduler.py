"""One save scheduler per process: trailing debounce with a maximum wait, retries with backoff
and a periodic sweep of the database's dirty worlds.

`request()` is what `transaction.on_commit` calls: O(1), no I/O. A lazily started daemon thread
waits on a Condition until the earliest deadline and runs due exports one at a time. The clock
is injected so the debounce rules are tested without sleeping (`run_due()` is the thread's step).
The database dirty marker, not this queue, is the record of what needs saving: losing this
process loses no change, only latency (the sweep, `flush_saves` or the next start catch up).
"""

from __future__ import annotations

import heapq
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from persistence import conf
from persistence.results import RequestCounts

logger = logging.getLogger(__name__)

BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 60.0


@dataclass
class Pending:
    first: float
    last: float
    deadline: float
    counts: RequestCounts = field(default_factory=RequestCounts)
    urgent: bool = False


# What an export callback returns: True when the world is now saved (or clean), False to retry later.
ExportFn = Callable[[int, RequestCounts], bool]
SweepFn = Callable[[set[int]], list[int]]


def backoff_seconds(failures: int) -> float:
    return min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** max(0, failures - 1))


class SaveScheduler:
    def __init__(
        self,
        *,
        export: ExportFn,
        sweep: SweepFn | None = None,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[], float] = conf.debounce_seconds,
        max_wait: Callable[[], float] = conf.max_wait_seconds,
        sweep_every: Callable[[], float] = conf.sweep_seconds,
    ) -> None:
        self.export = export
        self.sweep = sweep
        self.clock = clock
        self.wait = wait
        self.max_wait = max_wait
        self.sweep_every = sweep_every
        self.cv = threading.Condition()
        self.pending: dict[int, Pending] = {}
        self.heap: list[tuple[float, int]] = []
        self.running: set[int] = set()
        self.failures: dict[int, int] = {}
        self.exports_started = 0
        self.thread: threading.Thread | None = None
        self.next_sweep = 0.0
        self.stopped = False

    # -- requests -------------------------------------------------------------------------------

    def request(self, world_id: int, *, immediate: bool = False, counts: RequestCounts | None = None) -> None:
        if counts is None:
            counts = RequestCounts(immediate=1) if immediate else RequestCounts(debounced=1)
        with self.cv:
            now = self.clock()
            entry = self.pending.get(world_id)
            if entry is None:
                entry = self.pending[world_id] = Pending(first=now, last=now, deadline=now)
            else:
                counts.coalesced += 1  # this request rides on a save that was already pending
                entry.last = now
            entry.counts.add(counts)
            entry.urgent = entry.urgent or immediate
            if entry.urgent:
                entry.deadline = min(entry.deadline, now)
            else:  # trailing debounce, capped by the maximum wait since the first pending request
                entry.deadline = min(entry.last + self.wait(), entry.first + self.max_wait())
            heapq.heappush(self.heap, (entry.deadline, world_id))
            self.cv.notify()
        self.ensure_started()

    def _schedule_retry(self, world_id: int, delay: float, counts: RequestCounts | None = None) -> None:
        with self.cv:
            now = self.clock()
            entry = self.pending.get(world_id)
            if entry is None:
                entry = self.pending[world_id] = Pending(first=now, last=now, deadline=now + delay)
            else:
                entry.deadline = min(entry.deadline, now + delay)
            if counts:
                entry.counts.add(counts)
            heapq.heappush(self.heap, (entry.deadline, world_id))
            self.cv.notify()

    # -- the step the thread runs ---------------------------------------------------------------

    def pop_due(self) -> list[tuple[int, RequestCounts]]:
        """Take every pending world whose deadline has passed (skipping stale heap entries)."""
        due: list[tuple[int, RequestCounts]] = []
        with self.cv:
            now = self.clock()
            while self.heap and self.heap[0][0] <= now:
                deadline, world_id = heapq.heappop(self.heap)
                entry = self.pending.get(world_id)
                # Stale heap entry, or an export of this world in flight (run_one re-queues it after).
                if entry is None or entry.deadline != deadline or world_id in self.running:
                    continue
                del self.pending[world_id]
                self.running.add(world_id)
                due.append((world_id, entry.counts))
        return due

    def run_one(self, world_id: int, counts: RequestCounts) -> bool:
        self.exports_started += 1
        try:
            ok = self.export(world_id, counts)
        except Exception:  # the exporter records its own errors; this is a last resort
            logger.exception("export of world %s crashed", world_id)
            ok = False
        with self.cv:
            self.running.discard(world_id)
            if ok:
                self.failures.pop(world_id, None)
            else:
                self.failures[world_id] = self.failures.get(world_id, 0) + 1
            failures = self.failures.get(world_id, 0)
            entry = self.pending.get(world_id)
            if entry is not None:  # changes arrived during the export: their deadline still holds
                heapq.heappush(self.heap, (entry.deadline, world_id))
                self.cv.notify()
        if not ok:
            self._schedule_retry(world_id, backoff_seconds(failures))
        return ok

    def run_due(self) -> int:
        """Export every due world in this thread; returns how many exports ran."""
        due = self.pop_due()
        for world_id, counts in due:
            self.run_one(world_id, counts)
        return len(due)

    def run_sweep(self) -> int:
        """Export worlds the database says are dirty and overdue, whoever requested them."""
        if self.sweep is None:
            return 0
        with self.cv:
            busy = set(self.pending) | set(self.running)
            self.next_sweep = self.clock() + self.sweep_every()
        world_ids = self.sweep(busy)
        ran = 0
        for world_id in world_ids:
            with self.cv:
                if world_id in self.pending or world_id in self.running:
                    continue
                self.running.add(world_id)
            self.run_one(world_id, RequestCounts())
            ran += 1
        return ran

    def next_wakeup(self) -> float:
        with self.cv:
            candidates = [self.next_sweep] if self.sweep is not None else []
            if self.heap:
                candidates.append(self.heap[0][0])
        return min(candidates) if candidates else self.clock() + 3600

    def take_counts(self, world_ids: list[int] | None, *, include_running: bool = False) -> dict[int, RequestCounts]:
        """Hand pending requests (of these worlds, or all) to a caller that exports them itself."""
        taken: dict[int, RequestCounts] = {}
        with self.cv:
            for world_id in list(self.pending) if world_ids is None else world_ids:
                if world_id in self.running and not include_running:
                    continue
                entry = self.pending.pop(world_id, None)
                if entry is not None:
                    taken[world_id] = entry.counts
        return taken

    # -- the thread -----------------------------------------------------------------------------

    def ensure_started(self) -> None:
        if self.thread is not None or self.stopped or conf.scheduler_mode() != "thread":
            return
        with self.cv:
            if self.thread is not None:
                return
            self.thread = threading.Thread(target=self._loop, name="mudsite-save-scheduler", daemon=True)
            self.thread.start()

    def _loop(self) -> None:
        from django.db import close_old_connections, connection

        self.next_sweep = self.clock()  # sweep at start: catch what dead processes left behind
        while not self.stopped:
            with self.cv:
                timeout = self.next_wakeup() - self.clock()
                if timeout > 0:
                    self.cv.wait(min(timeout, 60.0))
                if self.stopped:  # shutting down: the shutdown hook exports what is pending
                    break
            try:
                close_old_connections()
                self.run_due()
                if self.sweep is not None and self.clock() >= self.next_sweep:
                    self.run_sweep()
            except Exception:
                logger.exception("save scheduler step failed")
                time.sleep(BACKOFF_FIRST_SECONDS)
            finally:
                if not self.pending:
                    connection.close()

    def stop(self, *, wait_seconds: float = 0.0) -> bool:
        """Start no more exports; wait up to `wait_seconds` for the one in flight to finish.

        Returns False if the thread is still exporting after the wait (its temp file is then
        cleaned up by the next export of that world, and the world stays dirty)."""
        with self.cv:
            self.stopped = True
            self.cv.notify_all()
        thread = self.thread
        if thread is not None and wait_seconds > 0 and thread is not threading.current_thread():
            thread.join(wait_seconds)
        return thread is None or not thread.is_alive()


_scheduler: SaveScheduler | None = None
_scheduler_lock = threading.Lock()


def get_scheduler(make: Callable[[], SaveScheduler]) -> SaveScheduler:
    """This process's scheduler, built by `make` the first time (the façade passes the exporter's
    callbacks in: the scheduler never imports the exporter)."""
    global _scheduler
    if _scheduler is None:
        with _scheduler_lock:
            if _scheduler is None:
                _scheduler = make()
    return _scheduler


def peek_scheduler() -> SaveScheduler | None:
    return _scheduler


def discard_scheduler() -> None:
    """Stop and forget this process's scheduler (tests; pending saves stay dirty in the database)."""
    global _scheduler
    if _scheduler is not None:
        _scheduler.stop()
        _scheduler = None


def _reset_after_fork() -> None:
    # A forked child inherits the parent's pending keys but not its thread: start clean.
    global _scheduler, _scheduler_lock
    _scheduler = None
    _scheduler_lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)
