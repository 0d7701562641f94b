"""World imports from the admin: stage an upload, preview it, queue it, run it in the task worker.

Background work has one mechanism: Django's tasks framework with the database backend of
django-tasks-db (`manage.py db_worker`, started by scripts/serve.sh). The import itself is the one
of `manage.py import_world` (persistence.importer, one transaction). Its progress goes to a small
file beside the staged upload: the import's rows are invisible to other connections until it
commits, and on SQLite a second writer would wait for it.
"""

from __future__ import annotations

import gzip
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import zstandard
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from persistence import conf, files
from persistence.formats import mudsite, tinymud
from persistence.importer import ImportRejected, import_world_bytes, refuse_unstorable
from persistence.models import ImportStatus, WorldImport
from world.models import World

logger = logging.getLogger(__name__)

MAX_LISTED_ERRORS = 50
COMPRESSION_MAGIC = {b"\x1f\x8b": ".gz", b"\x28\xb5\x2f\xfd": ".zst"}


class ImportRefused(ValueError):
    """The import cannot be queued (another one runs for the slug, or it would replace a world unasked)."""


@dataclass
class ImportPreview:
    kind: str  # "mudsite", "tinymud" or "unreadable"
    slug: str = ""
    name: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path in the document, what is wrong)

    @property
    def can_import(self) -> bool:
        return not self.errors

    @property
    def count_rows(self) -> list[tuple[str, int]]:
        # A list, not the dict: templates would read counts.items as the "items" section's count.
        return list(self.counts.items())


def stage_upload(upload: UploadedFile) -> Path:
    """Write an upload to the staging directory, named by its compression (read from its first bytes)."""
    head = upload.read(4)
    upload.seek(0)
    suffix = next((s for magic, s in COMPRESSION_MAGIC.items() if head.startswith(magic)), "")
    staging = conf.import_staging_dir()
    staging.mkdir(parents=True, exist_ok=True)
    path = staging / f"{uuid.uuid4().hex}.json{suffix}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def discard_staged(path: str | Path) -> None:
    for leftover in (Path(path), progress_path(path)):
        leftover.unlink(missing_ok=True)


def read_staged(path: str | Path) -> bytes:
    try:
        return files.read_world_file(Path(path), max_bytes=conf.import_max_bytes())
    except files.WorldFileTooLarge as exc:
        raise ImportRejected(f"the file is too large: {exc}") from None
    except (OSError, EOFError, zstandard.ZstdError, gzip.BadGzipFile) as exc:
        raise ImportRejected(f"the file cannot be read: {exc}") from None


def preview_staged(path: str | Path, *, slug: str | None = None) -> ImportPreview:
    """What importing the staged file would do, and every reason it cannot; changes nothing."""
    try:
        data = read_staged(path)
    except ImportRejected as exc:
        return ImportPreview(kind="unreadable", errors=[("", str(exc))])
    if tinymud.looks_like_tinymud(data):
        preview = ImportPreview(kind="tinymud")
        try:
            document = tinymud.convert(data, slug=slug)
        except tinymud.TinyMudError as exc:
            preview.errors.append(("", f"not a TinyMUD world this server can read: {exc}"))
            return preview
    else:
        preview = ImportPreview(kind="mudsite")
        parsed = _mudsite_document(data, preview)
        if parsed is None:
            return preview
        document = parsed
    preview.errors.extend(schema_errors(document))
    world: dict[str, Any] = document["world"] if isinstance(document.get("world"), dict) else {}
    preview.slug = slug or str(world.get("slug") or "")
    preview.name = str(world.get("name") or "")
    preview.counts = {
        section.name: len(document[section.name])
        for section in mudsite.SECTION_SPECS
        if isinstance(document.get(section.name), list)
    }
    if not preview.errors:
        try:
            refuse_unstorable(document, slug=slug)
        except ImportRejected as exc:
            preview.errors.append(("", str(exc)))
    preview.conflicts = conflicts_for(preview.slug)
    return preview


def _mudsite_document(data: bytes, preview: ImportPreview) -> dict[str, Any] | None:
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        preview.errors.append(("", f"not valid JSON: {exc}"))
        return None
    if not isinstance(document, dict):
        preview.errors.append(("", "the document must be a JSON object"))
        return None
    for key, expected in (("format", mudsite.FORMAT_NAME), ("version", mudsite.FORMAT_VERSION)):
        if document.get(key) != expected:
            preview.errors.append((key, f"must be {expected!r}, got {document.get(key)!r}"))
    return None if preview.errors else document


def schema_errors(document: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for error in mudsite.document_validator().iter_errors(document):
        found.append(("/".join(str(part) for part in error.instance_path), error.message[:500]))
        if len(found) == MAX_LISTED_ERRORS:
            found.append(("", f"... and possibly more (only the first {MAX_LISTED_ERRORS} are listed)"))
            break
    return found


def conflicts_for(slug: str, *, ignoring: int | None = None) -> list[str]:
    conflicts = []
    if slug and World.objects.filter(slug=slug).exists():
        conflicts.append(f"a world with slug {slug!r} exists: importing replaces it and everything in it")
    active = WorldImport.objects.filter(slug=slug, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
    if ignoring is not None:
        active = active.exclude(pk=ignoring)
    if slug and active.exists():
        conflicts.append(f"an import of {slug!r} is already queued or running")
    return conflicts


def import_preview_record(
    path: Path, preview: ImportPreview, *, source_name: str, requested_by: Any | None
) -> WorldImport:
    return WorldImport.objects.create(
        slug=preview.slug,
        source_name=source_name[:255],
        staged_path=str(path),
        kind=preview.kind,
        counts=preview.counts,
        requested_by=requested_by,
    )


def import_queue(record: WorldImport, *, replace: bool) -> None:
    """Queue a previewed import for the task worker; at most one queued or running import per slug."""
    if record.status != ImportStatus.PREVIEWED:
        raise ImportRefused(f"this import is {record.status}, it cannot be started again")
    if not replace and World.objects.filter(slug=record.slug).exists():
        raise ImportRefused(f"a world with slug {record.slug!r} exists: tick “replace” to replace it")
    try:
        with transaction.atomic():
            WorldImport.objects.filter(pk=record.pk).update(status=ImportStatus.QUEUED, replace=replace)
    except IntegrityError:
        raise ImportRefused(f"an import of {record.slug!r} is already queued or running") from None
    transaction.on_commit(lambda: run_world_import.enqueue(record.pk))


def import_run(import_id: int) -> WorldImport:
    """Run a queued import (the task's body): the world in one transaction, the outcome on the record."""
    claimed = WorldImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    record = WorldImport.objects.get(pk=import_id)
    if not claimed:
        return record
    progress_file = progress_path(record.staged_path)
    updates: dict[str, Any]

    def progress(step: str) -> None:
        progress_file.write_text(step)

    try:
        data = read_staged(record.staged_path)
        world = import_world_bytes(data, slug=record.slug, replace=record.replace, progress=progress)
    except ImportRejected as exc:
        updates = {"status": ImportStatus.FAILED, "error": str(exc)}
    except Exception as exc:
        logger.exception("import %s of %s failed", import_id, record.slug)
        updates = {"status": ImportStatus.FAILED, "error": f"{type(exc).__name__}: {exc}"}
    else:
        updates = {"status": ImportStatus.DONE, "world": world, "error": ""}
    finally:
        discard_staged(record.staged_path)
    WorldImport.objects.filter(pk=import_id).update(finished_at=timezone.now(), **updates)
    record.refresh_from_db()
    return record


def progress_path(staged_path: str | Path) -> Path:
    return Path(f"{staged_path}.progress")


def import_progress(record: WorldImport) -> str:
    """The step a running import is at, as its worker last wrote it."""
    if record.status != ImportStatus.RUNNING:
        return ""
    try:
        return progress_path(record.staged_path).read_text()[:200]
    except OSError:
        return "starting"


@task()
def run_world_import(import_id: int) -> str:
    """The task `manage.py db_worker` runs for a queued import."""
    return import_run(import_id).status
