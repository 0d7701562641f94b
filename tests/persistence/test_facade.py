"""save_world, the dirty marker and the signals (DESIGN §5 guarantees 1-2)."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.services.tokens import token_issue
from persistence.facade import get_save_stats, save_world
from persistence.files import read_file_version, world_file_path
from persistence.models import SaveState
from persistence.tracking import TRACKED_MODELS, TRANSIENT_MODELS
from tests import factories
from tests.persistence.conftest import run_pending_on_commit
from world import models as w


def state(world) -> SaveState:
    return SaveState.objects.get(pk=world.pk)


def test_every_world_model_is_tracked_or_declared_transient():
    tracked = {m._meta.label for m in TRACKED_MODELS}
    unclassified = [
        m._meta.label
        for m in apps.get_app_config("world").get_models()
        if m._meta.label not in tracked and m._meta.label not in TRANSIENT_MODELS
    ]
    assert unclassified == [], "add these to persistence.tracking.TRACKED_MODELS or TRANSIENT_MODELS"
    assert not tracked & TRANSIENT_MODELS


def test_committed_change_is_exported(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world.hall.name = "Throne Room"
        world.hall.save()
    path = world_file_path("tiny")
    assert b"Throne Room" in path.read_bytes()
    saved = state(world.world)
    assert saved.saved_version == saved.dirty_version == read_file_version(path)
    assert not saved.is_dirty
    assert saved.first_dirty_at is None


def test_rolled_back_change_never_triggers_an_export(world, django_capture_on_commit_callbacks):
    before = state(world.world).dirty_version
    file_before = world_file_path("tiny").read_bytes()

    def failing_game_request():
        with transaction.atomic():
            world.hall.name = "Never"
            world.hall.save()
            raise RuntimeError("the game request failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_game_request()
    assert callbacks == []
    assert world_file_path("tiny").read_bytes() == file_before
    assert state(world.world).dirty_version == before


def test_rolled_back_savepoint_drops_its_marker_and_a_later_change_marks_again(
    world, django_capture_on_commit_callbacks
):
    before = state(world.world).dirty_version

    def failing_step():
        with transaction.atomic():
            world.hall.name = "Never"
            world.hall.save()
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with pytest.raises(RuntimeError):
            failing_step()
        assert state(world.world).dirty_version == before
        world.kitchen.name = "Scullery"
        world.kitchen.save()
        assert state(world.world).dirty_version == before + 1
    assert len(callbacks) == 1
    data = world_file_path("tiny").read_bytes()
    assert b"Scullery" in data
    assert b"Never" not in data


def test_a_thousand_saves_in_one_transaction_cost_one_update_and_one_export(world, django_capture_on_commit_callbacks):
    rooms = [factories.RoomFactory(world=world.world, key=f"r{i}") for i in range(10)]
    run_pending_on_commit()
    with (
        django_capture_on_commit_callbacks(execute=False),
        CaptureQueriesContext(connection) as queries,
        transaction.atomic(),
    ):
        for i in range(1000):
            room = rooms[i % 10]
            room.name = f"name {i}"
            room.save()
    marker_updates = [q for q in queries.captured_queries if "persistence_savestate" in q["sql"]]
    assert len(marker_updates) == 1
    run_pending_on_commit()
    before = state(world.world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for _ in range(1000):
            save_world(world.world)
    assert len(callbacks) == 1
    after = state(world.world)
    assert after.export_count == before.export_count + 1
    assert after.requests_debounced - before.requests_debounced == 1  # one transaction, one request
    assert after.coalesced - before.coalesced == 0


def test_immediate_requests_are_counted_apart(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_world(world.world, debounced=False)
    assert state(world.world).requests_immediate == 1
    assert get_save_stats().requests_immediate == 1


def test_transient_rows_never_mark_a_world_dirty(world, django_capture_on_commit_callbacks):
    before = state(world.world).dirty_version
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        token_issue(user=world.player.account)
    assert state(world.world).dirty_version == before
    assert callbacks == [] or not world_file_path("tiny").exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda t: w.FactionRank.objects.create(faction=factories.FactionFactory(world=t.world), name="r"),
        lambda t: t.world.builders.add(factories.UserFactory()),
        lambda t: factories.RelationshipFactory(world=t.world, source=t.player, target=t.npc),
        lambda t: t.apple.delete(),
    ],
)
def test_changes_to_any_world_state_model_request_a_save(world, django_capture_on_commit_callbacks, change):
    before = state(world.world).dirty_version
    with django_capture_on_commit_callbacks(execute=True):
        change(world)
    assert state(world.world).dirty_version > before
    assert world_file_path("tiny").exists()


def test_deleting_a_world_does_not_crash_the_signals(world, django_capture_on_commit_callbacks):
    world_id = world.world.pk
    with django_capture_on_commit_callbacks(execute=True):
        world.world.delete()
    assert not SaveState.objects.filter(pk=world_id).exists()
    assert not w.Room.objects.filter(world_id=world_id).exists()


def test_bulk_operations_call_save_world_explicitly(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w.Room.objects.filter(world=world.world).update(description="Bulk.")
        save_world(world.world)
    assert world_file_path("tiny").read_bytes().count(b"Bulk.") == 2


def test_export_world_now_rewrites_a_saved_world_and_takes_its_queued_requests(world, settings):
    from persistence.facade import export_world_now, peek_scheduler

    settings.MUDSITE_SCHEDULER_MODE = "manual"  # the request waits in this process's queue
    before = state(world.world)
    world.hall.name = "Queued"
    world.hall.save()
    run_pending_on_commit()
    scheduler = peek_scheduler()
    assert scheduler is not None and world.world.pk in scheduler.pending
    result = export_world_now(world.world)
    assert result.status == "written" and b"Queued" in world_file_path("tiny").read_bytes()
    assert world.world.pk not in scheduler.pending
    after = state(world.world)
    assert (after.requests_debounced, after.export_count) == (before.requests_debounced + 1, before.export_count + 1)
    assert not after.is_dirty
    again = export_world_now(world.world.pk)  # clean, written anyway: that is what "now" means
    assert again.status == "written" and state(world.world).export_count == after.export_count + 1


def test_flush_all_saves_separates_all_worlds_from_force(world):
    from persistence.facade import flush_all_saves

    other = factories.WorldFactory(slug="never-exported")
    run_pending_on_commit()
    world_file_path("never-exported").unlink()  # e.g. a lost state directory
    report = flush_all_saves(all_worlds=True)
    assert {r.slug: r.status for r in report.results} == {"never-exported": "written", "tiny": "clean"}
    report = flush_all_saves(world=other, force=True)
    assert [r.status for r in report.results] == ["written"]
    assert [r.status for r in flush_all_saves(all_worlds=True, force=True).results] == ["written", "written"]
