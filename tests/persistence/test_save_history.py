"""The save history: one row per written or failed export, what asked for it, kept for a while;
the Save statistics pages read it (chart, units, state, titles)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from persistence import history
from persistence.facade import export_world_now, flush_all_saves, save_world
from persistence.models import ExportRecord, SaveState
from tests import factories


@pytest.fixture
def staff_client(client, db):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def triggers(world) -> list[str]:
    return list(ExportRecord.objects.filter(world=world).order_by("pk").values_list("trigger", flat=True))


def test_each_export_is_recorded_with_what_requested_it(world, django_capture_on_commit_callbacks):
    tiny = world.world
    already = len(triggers(tiny))  # the fixture's own first export
    with django_capture_on_commit_callbacks(execute=True):
        save_world(tiny, debounced=False)
    with django_capture_on_commit_callbacks(execute=True):
        save_world(tiny)
    export_world_now(tiny)
    SaveState.objects.filter(pk=tiny.pk).update(dirty_version=99)
    flush_all_saves()
    assert triggers(tiny)[already:] == ["immediate", "debounced", "now", "flush"]
    last = ExportRecord.objects.filter(world=tiny).first()
    assert last is not None and last.status == "written" and last.version == 99
    assert last.bytes and last.duration_ms is not None and ":" in last.process


def test_a_failed_export_is_recorded_with_its_error(world, settings, tmp_path):
    (tmp_path / "blocker").write_text("x")
    settings.MUDSITE_STATE_DIR = tmp_path / "blocker" / "worlds"
    export_world_now(world.world)
    record = ExportRecord.objects.get(world=world.world, trigger="now")
    assert record.status == "failed" and "NotADirectoryError" in record.error


def test_a_clean_world_adds_no_row(world):
    before = ExportRecord.objects.count()
    flush_all_saves()  # nothing dirty: no export wrote or failed
    assert ExportRecord.objects.count() == before


def test_rows_older_than_the_retention_go(world, settings):
    settings.MUDSITE_SAVE_HISTORY_DAYS = 7
    old = ExportRecord.objects.create(
        world=world.world,
        at=timezone.now() - datetime.timedelta(days=8),
        trigger="now",
        process="x:1",
        status="written",
    )
    export_world_now(world.world)
    assert not ExportRecord.objects.filter(pk=old.pk).exists()
    assert ExportRecord.objects.filter(world=world.world).count() >= 1


@pytest.mark.parametrize(("ms", "text"), [(None, "—"), (0.25, "250 µs"), (12.345, "12.3 ms"), (2500, "2.50 s")])
def test_durations_have_units(ms, text):
    assert history.duration_text(ms) == text


@pytest.mark.parametrize(("size", "text"), [(None, "—"), (512, "512 bytes"), (2048, "2.0 KB"), (3 << 20, "3.0 MB")])
def test_sizes_have_units(size, text):
    assert history.size_text(size) == text


def test_the_world_page_shows_state_chart_and_history(world, staff_client):
    export_world_now(world.world)
    SaveState.objects.filter(pk=world.world.pk).update(dirty_version=next_version(world.world.pk))
    page = staff_client.get(reverse("admin:persistence_savestate_change", args=[world.world.pk])).content.decode()
    assert "Save statistics of Tiny (tiny)" in page
    assert "State: <strong>unsaved changes</strong>" in page
    assert '<svg class="save-history-chart"' in page and "<polyline" in page
    assert '<th scope="col">Requested by</th>' in page and "export now" in page
    assert " ms</td>" in page or " µs</td>" in page


def test_the_list_reads_clean_or_unsaved_changes_with_units(world, staff_client):
    export_world_now(world.world)
    page = staff_client.get(reverse("admin:persistence_savestate_changelist")).content.decode()
    assert ">clean<" in page
    assert "last export took" in page.lower() and "last file size" in page.lower()
    assert " KB<" in page or " bytes<" in page


def next_version(world_id: int) -> int:
    return SaveState.objects.get(pk=world_id).saved_version + 1
