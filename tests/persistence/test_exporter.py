"""Exports: loud-not-fatal errors, validation, atomic files, versions, backups, uploads, audit."""

import json

import orjson
import pytest
from django.core.management import call_command

from persistence.exporter import export_world
from persistence.facade import flush_all_saves, get_save_stats
from persistence.files import read_file_version, read_world_file, temp_files, world_file_path
from persistence.formats.mudsite import parse_document
from persistence.models import SaveState
from world import models as w


def test_unwritable_state_directory_is_loud_not_fatal(world, settings, tmp_path, django_capture_on_commit_callbacks):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the state directory should be")
    settings.MUDSITE_STATE_DIR = blocker / "worlds"
    with django_capture_on_commit_callbacks(execute=True):
        world.hall.name = "Still saved in the database"
        world.hall.save()  # the game write succeeds
    assert w.Room.objects.get(pk=world.hall.pk).name == "Still saved in the database"
    state = SaveState.objects.get(pk=world.world.pk)
    assert state.is_dirty
    assert state.error_count == 1
    assert "NotADirectoryError" in state.last_error
    stats = get_save_stats()
    assert stats.errors == 1
    assert "NotADirectoryError" in stats.last_error

    blocker.unlink()  # an operator fixes the directory
    report = flush_all_saves()
    assert report.ok
    state.refresh_from_db()
    assert not state.is_dirty
    assert state.consecutive_failures == 0
    assert b"Still saved in the database" in world_file_path("tiny").read_bytes()


def test_an_export_failing_schema_validation_never_replaces_the_file(world, django_capture_on_commit_callbacks):
    path = world_file_path("tiny")
    good = path.read_bytes()
    # The database accepts it (queryset.update skips model validation); the world format does not.
    w.World.objects.filter(pk=world.world.pk).update(time_descriptions={"99": "no such hour"})
    with django_capture_on_commit_callbacks(execute=True):
        world.hall.name = "Changed"
        world.hall.save()
    assert path.read_bytes() == good
    state = SaveState.objects.get(pk=world.world.pk)
    assert state.is_dirty
    assert "InvalidWorldFile" in state.last_error
    assert "time_descriptions" in state.last_error
    assert temp_files("tiny") == []


def test_every_export_passes_the_schema(world):
    parse_document(world_file_path("tiny").read_bytes())


def test_same_state_gives_byte_identical_files(world):
    first = world_file_path("tiny").read_bytes()
    assert export_world(world.world.pk, force=True).status == "written"
    assert world_file_path("tiny").read_bytes() == first


def test_stale_temp_files_are_removed_by_the_next_export(world):
    stale = world_file_path("tiny").parent / ".tiny.json.abc123.tmp"
    stale.write_bytes(b'{"format":"mudsite-wo')
    export_world(world.world.pk, force=True)
    assert not stale.exists()


def test_flush_removes_stale_temp_files(world):
    stale = world_file_path("tiny").parent / ".tiny.json.zzz.tmp"
    stale.write_bytes(b"half")
    report = flush_all_saves()
    assert report.temp_files_removed == 1
    assert not stale.exists()


def test_a_file_ahead_of_the_database_is_never_replaced_by_a_lower_version(world):
    # e.g. the database was restored from a backup older than the last export
    path = world_file_path("tiny")
    newer = path.read_bytes().replace(b'"world_version":1,', b'"world_version":999,', 1)
    path.write_bytes(newer)
    w.Room.objects.filter(pk=world.hall.pk).update(name="After the restore")
    result = export_world(world.world.pk, force=True)
    assert result.status == "written"
    assert read_file_version(path) == 1000
    assert b"After the restore" in path.read_bytes()
    state = SaveState.objects.get(pk=world.world.pk)
    assert state.saved_version == state.dirty_version == 1000


def test_backups_keep_the_last_n_files(world, settings):
    settings.MUDSITE_BACKUPS_KEPT = 2
    for n in range(4):
        w.Room.objects.filter(pk=world.hall.pk).update(name=f"v{n}")
        SaveState.objects.filter(pk=world.world.pk).update(dirty_version=10 + n)
        assert export_world(world.world.pk).status == "written"
    backups = sorted((world_file_path("tiny").parent / "backups" / "tiny").iterdir())
    assert [read_file_version(p) for p in backups] == [11, 12]


def test_exports_upload_to_a_storage_backend_after_the_local_write(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "worlds": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "s3"}},
    }
    settings.MUDSITE_REMOTE_STORAGE = "worlds"
    export_world(world.world.pk, force=True)
    export_world(world.world.pk, force=True)  # overwrites, never "tiny_AbC12.json"
    assert sorted(p.name for p in (tmp_path / "s3").iterdir()) == ["tiny.json"]
    assert (tmp_path / "s3" / "tiny.json").read_bytes() == world_file_path("tiny").read_bytes()


def test_zstd_compression(world, settings):
    settings.MUDSITE_COMPRESSION = "zstd"
    export_world(world.world.pk, force=True)
    path = world_file_path("tiny")
    assert path.name == "tiny.json.zst"
    assert parse_document(read_world_file(path))["world"]["slug"] == "tiny"
    assert read_file_version(path) == 1


def test_one_structured_audit_line_per_export(world, caplog):
    caplog.set_level("INFO", logger="persistence.audit")
    export_world(world.world.pk, force=True)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "persistence.audit"]
    assert len(lines) == 1
    assert lines[0]["event"] == "world_export"
    assert lines[0]["world"] == "tiny"
    assert lines[0]["status"] == "written"
    assert lines[0]["bytes"] == world_file_path("tiny").stat().st_size


def test_flush_saves_command(world, capsys):
    SaveState.objects.filter(pk=world.world.pk).update(dirty_version=5)
    call_command("flush_saves")
    out = capsys.readouterr().out
    assert out.startswith("tiny: written version 5")
    call_command("flush_saves")
    assert "No world has unsaved changes." in capsys.readouterr().out
    call_command("flush_saves", "--all")
    assert capsys.readouterr().out.startswith("tiny: clean (version 5)")
    call_command("flush_saves", "--all", "--force")
    assert capsys.readouterr().out.startswith("tiny: written version 5")


def test_flush_saves_fails_loudly(world, settings, tmp_path, capsys):
    from django.core.management.base import CommandError

    (tmp_path / "file").write_text("x")
    settings.MUDSITE_STATE_DIR = tmp_path / "file" / "worlds"
    with pytest.raises(CommandError, match="1 world"):
        call_command("flush_saves", "--world", "tiny", "--force")
    assert "tiny: FAILED: NotADirectoryError" in capsys.readouterr().out


def test_export_world_to_a_file_and_import_it_elsewhere(world, tmp_path, capsys):
    target = tmp_path / "copy.json"
    call_command("export_world", "tiny", "-o", str(target))
    assert target.read_bytes() == world_file_path("tiny").read_bytes()
    call_command("import_world", str(target), "--slug", "tiny-copy")
    copy = w.World.objects.get(slug="tiny-copy")
    assert w.Room.objects.filter(world=copy).count() == 2
    assert orjson.loads(target.read_bytes())["world"]["slug"] == "tiny"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"format":"other"}', "format must be 'mudsite-world'"),
        (None, "rooms/0: faction 'Nobody'"),
        (None, "already exists"),
    ],
)
def test_import_world_rejects_bad_files_and_changes_nothing(world, tmp_path, content, message):
    from django.core.management.base import CommandError

    target = tmp_path / "bad.json"
    document = orjson.loads(world_file_path("tiny").read_bytes())
    replace = message != "already exists"
    if content is None and replace:
        document["rooms"][0]["faction"] = "Nobody"
        content = orjson.dumps(document)
    elif content is None:
        content = orjson.dumps(document)
    target.write_bytes(content)
    rooms_before = list(w.Room.objects.values_list("pk", "name"))
    with pytest.raises(CommandError, match=message):
        call_command("import_world", str(target), *(["--replace"] if replace else []))
    assert list(w.Room.objects.values_list("pk", "name")) == rooms_before


def test_import_world_replace(world, tmp_path):
    target = tmp_path / "copy.json"
    call_command("export_world", "tiny", "-o", str(target))
    w.Room.objects.filter(pk=world.hall.pk).update(name="Changed since")
    call_command("import_world", str(target), "--replace")
    assert w.Room.objects.get(world=world.world, key="hall").name == "Great Hall"
    assert w.World.objects.get(slug="tiny").pk == world.world.pk  # same world, stats kept


def test_the_sweep_picks_overdue_dirty_worlds_and_respects_backoff(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from persistence.exporter import overdue_world_ids

    now = timezone.now()
    pk = world.world.pk
    SaveState.objects.filter(pk=pk).update(dirty_version=50, last_dirty_at=now, first_dirty_at=now)
    assert overdue_world_ids(set()) == []  # still inside the debounce window
    SaveState.objects.filter(pk=pk).update(last_dirty_at=now - timedelta(seconds=1))
    assert overdue_world_ids(set()) == [pk]  # e.g. queued by a process that died
    assert overdue_world_ids({pk}) == []  # already pending in this process
    SaveState.objects.filter(pk=pk).update(last_dirty_at=now, first_dirty_at=now - timedelta(seconds=6))
    assert overdue_world_ids(set()) == [pk]  # max wait reached despite ongoing activity
    SaveState.objects.filter(pk=pk).update(consecutive_failures=3, last_error_at=now)
    assert overdue_world_ids(set()) == []  # backing off after failures


def test_export_and_import_compressed_copies(world, tmp_path):
    target = tmp_path / "copy.json.zst"
    call_command("export_world", "tiny", "-o", str(target))
    assert target.read_bytes()[:4] == b"\x28\xb5\x2f\xfd"  # a zstd frame
    call_command("import_world", str(target), "--slug", "tiny-zst")
    assert w.Room.objects.filter(world__slug="tiny-zst").count() == 2


def test_export_world_to_stdout(world, capsysbinary):
    call_command("export_world", "tiny", "-o", "-")
    assert capsysbinary.readouterr().out == world_file_path("tiny").read_bytes()
