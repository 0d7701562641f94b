"""The real scheduler thread and the local flush, on committed data."""

import time

import pytest

from persistence.facade import flush_local_saves
from persistence.files import world_file_path
from persistence.models import SaveState
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_scheduler_thread_exports_after_commit(settings):
    settings.MUDSITE_SCHEDULER_MODE = "thread"
    settings.MUDSITE_DEBOUNCE_MS, settings.MUDSITE_MAX_WAIT_MS = 20, 200
    world = factories.WorldFactory(slug="threaded")
    room = factories.RoomFactory(world=world, key="hall", name="Hall")
    room.name = "Seen by the thread"
    room.save()
    assert wait_until(lambda: not SaveState.objects.get(pk=world.pk).is_dirty)
    assert b"Seen by the thread" in world_file_path("threaded").read_bytes()


def test_the_shutdown_flush_exports_this_process_pending_saves(settings):
    settings.MUDSITE_SCHEDULER_MODE = "manual"  # queued here, never exported by a thread
    world = factories.WorldFactory(slug="pending")
    factories.RoomFactory(world=world, key="hall", name="Queued before shutdown")
    assert SaveState.objects.get(pk=world.pk).is_dirty
    report = flush_local_saves()
    assert [r.status for r in report.results] == ["written"]
    assert b"Queued before shutdown" in world_file_path("pending").read_bytes()
    state = SaveState.objects.get(pk=world.pk)
    assert not state.is_dirty
    assert state.requests_debounced >= 2  # the counts queued in this process reached the database


def test_a_starting_scheduler_sweeps_worlds_left_dirty_by_a_dead_process(settings):
    from datetime import timedelta

    from django.utils import timezone

    from persistence.facade import process_scheduler

    settings.MUDSITE_SCHEDULER_MODE = "thread"
    world = factories.WorldFactory(slug="orphan")
    factories.RoomFactory(world=world, key="hall", name="Committed by a process that died")
    long_ago = timezone.now() - timedelta(minutes=5)
    # What a killed process leaves behind: the marker committed, its timer gone with it.
    SaveState.objects.filter(pk=world.pk).update(dirty_version=7, last_dirty_at=long_ago, first_dirty_at=long_ago)
    process_scheduler().ensure_started()  # e.g. a worker's first request
    assert wait_until(lambda: not SaveState.objects.get(pk=world.pk).is_dirty)
    assert b'"world_version":7' in world_file_path("orphan").read_bytes()


def test_a_save_outside_any_transaction_is_exported_with_its_change():
    # autocommit: the marker must not commit (and wake an export) before the row is written
    world = factories.WorldFactory(slug="autocommit")
    room = factories.RoomFactory(world=world, key="hall", name="Hall")
    room.name = "Written in autocommit"
    room.save()
    assert b"Written in autocommit" in world_file_path("autocommit").read_bytes()
    assert not SaveState.objects.get(pk=world.pk).is_dirty


def test_stopping_waits_for_the_export_in_flight_and_starts_no_other(settings):
    import threading

    from persistence.results import RequestCounts
    from persistence.scheduler import SaveScheduler

    settings.MUDSITE_SCHEDULER_MODE = "thread"
    started, release = threading.Event(), threading.Event()
    exported: list[int] = []

    def export(world_id: int, counts: RequestCounts) -> bool:
        started.set()
        assert release.wait(30)
        exported.append(world_id)
        return True

    scheduler = SaveScheduler(export=export, wait=lambda: 0.0)
    scheduler.request(1, immediate=True)
    assert started.wait(30)  # world 1 is being exported
    scheduler.request(2, immediate=True)  # queued behind it
    assert scheduler.stop(wait_seconds=0.01) is False  # still in flight after the bound
    release.set()
    assert scheduler.stop(wait_seconds=30) is True
    assert exported == [1]
    assert 2 in scheduler.pending  # left for the shutdown hook to export in its own thread
    assert scheduler.thread is not None and not scheduler.thread.is_alive()
