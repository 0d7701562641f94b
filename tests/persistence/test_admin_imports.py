"""Importing and downloading worlds in the admin: upload → preview → confirm → the task worker imports."""

import gzip
import subprocess

import orjson
import pytest
import zstandard
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from persistence import imports
from persistence.facade import write_world_copy
from persistence.importer import import_world_bytes
from persistence.models import ImportStatus, WorldImport
from tests import factories
from tests.persistence.procs import PYTHON, REPO, child_env
from tests.persistence.test_tinymud import V4
from world import models as w

ADD = "admin:persistence_worldimport_add"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def staff_with(*codenames: str):
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.MUDSITE_IMPORT_STAGING_DIR = tmp_path / "imports"
    return settings.MUDSITE_IMPORT_STAGING_DIR


@pytest.fixture
def importer_client(client, db):
    client.force_login(staff_with("import_world", "view_worldimport"))
    return client


@pytest.fixture
def tiny_file(world) -> bytes:
    return write_world_copy(world.world.pk)


def run_worker(state_dir) -> None:
    """The real worker, as scripts/serve.sh starts it: a process that runs what is queued, then exits."""
    command = [PYTHON, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    done = subprocess.run(command, cwd=REPO, env=child_env(state_dir), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def queued_task_args() -> list[list]:
    return [r.args_kwargs["args"] for r in DBTaskResult.objects.filter(task_path__endswith="run_world_import")]


def preview_of(client, name: str, data: bytes, **fields):
    return client.post(reverse(ADD), {"file": upload(name, data), **fields}, follow=True)


class TestPreview:
    def test_a_good_file_shows_counts_slug_and_a_confirm_button(self, importer_client, tiny_file):
        response = preview_of(importer_client, "tiny.json", tiny_file, slug="copy")
        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="preview-slug">copy<' in page
        record = WorldImport.objects.get()
        assert record.status == ImportStatus.PREVIEWED and record.kind == "mudsite"
        assert record.counts["rooms"] == w.Room.objects.filter(world__slug="tiny").count() > 0
        assert f"<td>rooms</td><td>{record.counts['rooms']}</td>" in page
        assert 'id="confirm-form"' in page
        assert not w.World.objects.filter(slug="copy").exists()  # a preview changes nothing

    @pytest.mark.parametrize("compress", [gzip.compress, zstandard.ZstdCompressor().compress], ids=["gzip", "zstd"])
    def test_compressed_files_are_read(self, importer_client, tiny_file, compress):
        preview_of(importer_client, "tiny.json.x", compress(tiny_file), slug="copy")
        assert WorldImport.objects.get().counts["rooms"] > 0

    def test_a_tinymud_file_is_recognised(self, importer_client):
        preview_of(importer_client, "world_state.json", orjson.dumps(V4), slug="keep")
        record = WorldImport.objects.get()
        assert record.kind == "tinymud" and record.slug == "keep" and record.counts["rooms"] == 2

    def test_a_broken_file_lists_every_error_with_its_path_and_cannot_be_confirmed(self, importer_client, tiny_file):
        document = orjson.loads(tiny_file)
        document["rooms"][0]["key"] = 42
        document["world"]["safety_level"] = "XXX"
        response = preview_of(importer_client, "broken.json", orjson.dumps(document))
        page = response.content.decode()
        assert "This file cannot be imported" in page
        assert "<code>rooms/0/key</code>" in page
        assert "<code>world/safety_level</code>" in page
        assert 'id="confirm-form"' not in page
        assert not WorldImport.objects.exists()
        assert not list(imports.conf.import_staging_dir().iterdir())  # the upload is not kept

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"{not json", "not valid JSON"),
            (b"[1, 2]", "must be a JSON object"),
            (b'{"format": "other"}', "must be &#x27;mudsite-world&#x27;"),
            (b"\x1f\x8b\x08broken", "cannot be read"),
        ],
        ids=["json", "array", "format", "gzip"],
    )
    def test_unreadable_files_say_why(self, importer_client, data, message):
        page = preview_of(importer_client, "bad.json", data).content.decode()
        assert "This file cannot be imported" in page and message in page

    def test_an_existing_slug_is_a_conflict_that_needs_replace(self, importer_client, tiny_file):
        page = preview_of(importer_client, "tiny.json", tiny_file).content.decode()
        assert "a world with slug &#x27;tiny&#x27; exists" in page
        record = WorldImport.objects.get()
        response = importer_client.post(reverse("admin:persistence_worldimport_preview", args=[record.pk]), follow=True)
        assert "tick “replace”" in response.content.decode()
        assert WorldImport.objects.get().status == ImportStatus.PREVIEWED


class TestImport:
    def confirm(self, client, record, **fields):
        url = reverse("admin:persistence_worldimport_preview", args=[record.pk])
        return client.post(url, fields, follow=True)

    @pytest.mark.slow
    @pytest.mark.django_db(transaction=True)
    def test_confirm_queues_and_the_worker_process_imports_it(self, importer_client, tiny_file, world_files):
        preview_of(importer_client, "tiny.json", tiny_file, slug="copy")
        record = WorldImport.objects.get()
        response = self.confirm(importer_client, record)
        assert "is queued" in response.content.decode()
        assert WorldImport.objects.get().status == ImportStatus.QUEUED
        assert b'http-equiv="refresh"' in response.content  # the page follows the import
        assert queued_task_args() == [[record.pk]]
        run_worker(world_files)
        record.refresh_from_db()
        assert record.status == ImportStatus.DONE, record.error
        copy = w.World.objects.get(slug="copy")
        assert record.world == copy
        assert w.Room.objects.filter(world=copy).count() == record.counts["rooms"]
        assert not list(imports.conf.import_staging_dir().iterdir())
        page = importer_client.get(reverse("admin:persistence_worldimport_change", args=[record.pk])).content
        assert b'http-equiv="refresh"' not in page and b"done" in page

    def test_replace_imports_over_an_existing_world(
        self, importer_client, tiny_file, django_capture_on_commit_callbacks
    ):
        document = orjson.loads(tiny_file)
        document["world"]["name"] = "Tiny Again"
        preview_of(importer_client, "tiny.json", orjson.dumps(document))
        record = WorldImport.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            self.confirm(importer_client, record, replace="on")
        assert queued_task_args() == [[record.pk]]
        imports.import_run(record.pk)  # the task's body, as the worker runs it
        assert WorldImport.objects.get().status == ImportStatus.DONE
        assert w.World.objects.get(slug="tiny").name == "Tiny Again"

    def test_the_same_slug_cannot_be_imported_twice_at_once(self, importer_client, tiny_file):
        preview_of(importer_client, "a.json", tiny_file, slug="copy")
        preview_of(importer_client, "b.json", tiny_file, slug="copy")
        first, second = WorldImport.objects.order_by("pk")
        self.confirm(importer_client, first)
        response = self.confirm(importer_client, second)
        assert "already queued or running" in response.content.decode()
        assert [r.status for r in WorldImport.objects.order_by("pk")] == [ImportStatus.QUEUED, ImportStatus.PREVIEWED]

    def test_a_refused_import_fails_with_the_reason_and_changes_nothing(self, importer_client, tiny_file):
        document = orjson.loads(tiny_file)
        document["exits"][0]["destination"] = "nowhere"  # valid by the schema, refused by the importer
        preview_of(importer_client, "t.json", orjson.dumps(document), slug="copy")
        record = WorldImport.objects.get()
        self.confirm(importer_client, record)
        record = imports.import_run(record.pk)
        assert record.status == ImportStatus.FAILED and "nowhere" in record.error
        assert not w.World.objects.filter(slug="copy").exists()

    def test_a_running_import_shows_its_step(self, importer_client, tiny_file):
        preview_of(importer_client, "t.json", tiny_file, slug="copy")
        record = WorldImport.objects.get()
        WorldImport.objects.filter(pk=record.pk).update(status=ImportStatus.RUNNING)
        imports.progress_path(record.staged_path).write_text("rooms (3)")
        page = importer_client.get(reverse("admin:persistence_worldimport_change", args=[record.pk])).content
        assert b"rooms (3)" in page and b'http-equiv="refresh"' in page


def test_the_importer_reports_each_step(world, tiny_file):
    steps: list[str] = []
    import_world_bytes(tiny_file, slug="copy", progress=steps.append)
    assert "rooms (2)" in steps and steps[-1] == "references", steps
    assert len(steps) > 5


def test_download_gives_the_world_file(client, world, tiny_file):
    client.force_login(staff_with("download_world", "view_world"))
    response = client.get(reverse("admin:world_world_download", args=[world.world.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tiny.json"'
    assert response.content == tiny_file
    page = client.get(reverse("admin:world_world_change", args=[world.world.pk])).content.decode()
    assert reverse("admin:world_world_download", args=[world.world.pk]) in page


@pytest.mark.parametrize(
    ("perms", "can_import", "can_download"),
    [
        ((), False, False),
        (("view_world", "view_worldimport", "change_world"), False, False),
        (("import_world",), True, False),
        (("download_world",), False, True),
    ],
    ids=["staff", "viewer", "importer", "downloader"],
)
def test_the_permission_matrix(client, world, perms, can_import, can_download):
    client.force_login(staff_with(*perms))
    assert client.get(reverse(ADD)).status_code == (200 if can_import else 403)
    response = client.post(reverse(ADD), {"file": upload("t.json", b"{}")})
    assert response.status_code == (200 if can_import else 403)
    download = client.get(reverse("admin:world_world_download", args=[world.world.pk]))
    assert download.status_code == (200 if can_download else 403)


def test_anonymous_and_superusers(client, world):
    for url in (reverse(ADD), reverse("admin:world_world_download", args=[world.world.pk])):
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(ADD)).status_code == 200
    assert client.get(reverse("admin:world_world_download", args=[world.world.pk])).status_code == 200


def test_stage_upload_names_by_compression(staging):
    for data, suffix in ((b"{}", ".json"), (gzip.compress(b"{}"), ".json.gz")):
        path = imports.stage_upload(upload("x", data))  # type: ignore[arg-type]
        assert path.name.endswith(suffix) and path.read_bytes() == data
