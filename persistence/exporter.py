"""Export one world: lock → one read snapshot → stream + validate → atomic write → record.

Any process may export any dirty world; the world lock makes it one at a time, the header check
and the fencing rule make sure no file ever goes back to an older version.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import orjson
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from persistence import conf, db_internals, files, metrics
from persistence.formats import mudsite
from persistence.locks import WorldBusy, world_lock
from persistence.models import ExportRecord, ExportTrigger, SaveState
from persistence.results import ExportResult, RequestCounts
from persistence.scheduler import backoff_seconds
from world.models import World

logger = logging.getLogger(__name__)
audit = logging.getLogger("persistence.audit")

ERROR_TEXT_LIMIT = 2000


def ensure_save_state(world_id: int) -> None:
    """Worlds get their row at their first change; `--all` may export one that never changed."""
    if not SaveState.objects.filter(pk=world_id).exists():
        SaveState.objects.bulk_create([SaveState(world_id=world_id)], ignore_conflicts=True)


def counter_updates(counts: RequestCounts | None) -> dict:
    if not counts:
        return {}
    return {
        "requests_debounced": F("requests_debounced") + counts.debounced,
        "requests_immediate": F("requests_immediate") + counts.immediate,
        "coalesced": F("coalesced") + counts.coalesced,
    }


@contextlib.contextmanager
def read_snapshot() -> Iterator[None]:
    """One committed state of the database for the whole export."""
    if db_internals.in_transaction(connection.alias):
        # Inline export inside the caller's transaction (tests): a savepoint keeps errors contained.
        with transaction.atomic():
            yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # atomic() would BEGIN IMMEDIATE (the configured mode) and block every game write for the
        # whole export; a deferred read transaction is a WAL snapshot from its first read.
        with db_internals.deferred_sqlite_transaction(connection.alias):
            yield
        return
    with transaction.atomic():
        yield


def upload(path: Path) -> None:
    alias = conf.remote_storage()
    if not alias:
        return
    storage = storages[alias]
    if storage.exists(path.name):
        storage.delete(path.name)
    with open(path, "rb") as f:
        storage.save(path.name, File(f, name=path.name))


def export_world(
    world_id: int,
    *,
    counts: RequestCounts | None = None,
    force: bool = False,
    wait_seconds: float = 0.0,
    trigger: str | None = None,
) -> ExportResult:
    """Export one world if it is dirty (or always, with `force`). Never raises for export errors."""
    slug = World.objects.filter(pk=world_id).values_list("slug", flat=True).first()
    if slug is None:
        return ExportResult(world_id, f"#{world_id}", "gone")
    result = ExportResult(world_id, slug, "failed")
    started = time.perf_counter()
    try:
        ensure_save_state(world_id)
        with world_lock(world_id, wait_seconds=wait_seconds):
            write_locked(result, force=force)
    except WorldBusy as exc:
        result.status, result.error = "busy", str(exc)
    except Exception as exc:
        result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT]
        logger.warning("export of world %s failed: %s", slug, result.error, exc_info=True)
    result.duration_ms = (time.perf_counter() - started) * 1000
    record(result, counts, trigger=trigger or trigger_of(counts))
    return result


def trigger_of(counts: RequestCounts | None) -> str:
    """What asked for a scheduled export: a sweep carries no requests of its own."""
    if counts and counts.immediate:
        return ExportTrigger.IMMEDIATE
    if counts and counts.debounced:
        return ExportTrigger.DEBOUNCED
    return ExportTrigger.SWEEP


def write_locked(result: ExportResult, *, force: bool, retried: bool = False) -> None:
    world_id, slug = result.world_id, result.slug
    files.remove_temp_files(slug)  # we hold the lock: nobody else is writing them
    path = files.world_file_path(slug)
    compression = conf.compression()
    delay = conf.export_chunk_delay_seconds()
    file_ahead = None
    with read_snapshot():
        version, saved = SaveState.objects.filter(pk=world_id).values_list("dirty_version", "saved_version").get()
        result.version = version
        on_disk = files.read_file_version(path)
        if not force and version <= saved and on_disk is not None:
            result.status = "clean"
            return
        if on_disk is not None and on_disk > version:
            file_ahead = on_disk
        else:

            def write(out):
                mudsite.write_world(out, world_id, version, after_chunk=(lambda: time.sleep(delay)) if delay else None)

            result.bytes = files.atomic_write(
                path,
                write,
                compression=compression,
                before_replace=lambda _tmp: files.keep_backup(path, conf.backups_kept()),
            )
    if file_ahead is not None:
        # The file claims a newer version than this snapshot: another exporter raced us with a
        # newer one, or the database was restored from a backup. Never write a lower version:
        # move the counter past the file's and export again, still under the lock.
        logger.warning("world %s: the file's version %s is ahead of the database's %s", slug, file_ahead, version)
        SaveState.objects.filter(pk=world_id).update(
            dirty_version=Greatest(F("dirty_version"), Value(file_ahead + 1), output_field=BigIntegerField())
        )
        if retried:
            result.status, result.error = "failed", f"the file's version {file_ahead} is ahead of the database"
            return
        write_locked(result, force=force, retried=True)
        return
    result.path = str(path)
    upload(path)
    result.status = "written"


def record(result: ExportResult, counts: RequestCounts | None, *, trigger: str) -> None:
    """Stats and saved_version in one UPDATE; never lets a bookkeeping error escape."""
    now = timezone.now()
    updates = counter_updates(counts)
    if result.status == "written":
        version = result.version or 0
        updates.update(
            saved_version=Greatest(F("saved_version"), Value(version), output_field=BigIntegerField()),
            # Fencing: a newer export landed while we held a lost lock, so our file may be older
            # than the database claims: one more export heals it.
            dirty_version=Case(
                When(saved_version__gt=version, then=F("dirty_version") + 1),
                default=F("dirty_version"),
                output_field=BigIntegerField(),
            ),
            first_dirty_at=Case(
                When(dirty_version__lte=version, then=Value(None)),
                default=F("first_dirty_at"),
                output_field=DateTimeField(),
            ),
            export_count=F("export_count") + 1,
            consecutive_failures=0,
            last_saved_at=now,
            last_duration_ms=result.duration_ms,
            last_bytes=result.bytes,
            last_path=result.path[:500],
        )
    elif result.status == "failed":
        updates.update(
            error_count=F("error_count") + 1,
            consecutive_failures=F("consecutive_failures") + 1,
            last_error=result.error,
            last_error_at=now,
        )
    try:
        if updates:
            with transaction.atomic():
                SaveState.objects.filter(pk=result.world_id).update(**updates)
    except Exception:
        logger.exception("could not record the save statistics of world %s", result.slug)
    metrics.observe_requests(counts)
    metrics.observe_export(result)
    if result.status in {"written", "failed"}:
        history_append(result, trigger=trigger, at=now)
        audit.info(
            orjson.dumps(
                {
                    "event": "world_export",
                    "world": result.slug,
                    "status": result.status,
                    "version": result.version,
                    "bytes": result.bytes,
                    "duration_ms": round(result.duration_ms or 0, 3),
                    "path": result.path,
                    "error": result.error,
                    "pid": os.getpid(),
                },
                option=orjson.OPT_SORT_KEYS,
            ).decode()
        )


def history_append(result: ExportResult, *, trigger: str, at: datetime.datetime) -> None:
    """The save history's row for this export, and this world's rows past the retention go."""
    try:
        with transaction.atomic():
            ExportRecord.objects.create(
                world_id=result.world_id,
                at=at,
                trigger=trigger,
                process=f"{socket.gethostname()}:{os.getpid()}"[:200],
                status=result.status,
                version=result.version,
                duration_ms=result.duration_ms,
                bytes=result.bytes,
                error=result.error,
            )
            cutoff = at - datetime.timedelta(days=conf.save_history_days())
            ExportRecord.objects.filter(world_id=result.world_id, at__lt=cutoff).delete()
    except Exception:
        logger.exception("could not record the save history of world %s", result.slug)


def export_for_scheduler(world_id: int, counts: RequestCounts) -> bool:
    return export_world(world_id, counts=counts).ok


def overdue_world_ids(busy: set[int]) -> list[int]:
    """Dirty worlds whose debounce or max wait has passed and whose backoff has expired."""
    now = timezone.now()
    rows = (
        SaveState.objects.filter(dirty_version__gt=F("saved_version"))
        .filter(
            Q(last_dirty_at__isnull=True)
            | Q(last_dirty_at__lte=now - timedelta(seconds=conf.debounce_seconds()))
            | Q(first_dirty_at__lte=now - timedelta(seconds=conf.max_wait_seconds()))
        )
        .exclude(pk__in=busy)
        .values_list("pk", "consecutive_failures", "last_error_at")
    )
    due = []
    for world_id, failures, last_error_at in rows:
        if failures and last_error_at and now - last_error_at < timedelta(seconds=backoff_seconds(failures)):
            continue
        due.append(world_id)
    return due


def dirty_world_ids() -> list[int]:
    return list(
        SaveState.objects.filter(dirty_version__gt=F("saved_version")).order_by("pk").values_list("pk", flat=True)
    )


def cleanup_stale_temp_files() -> int:
    """Remove temp files left by killed exporters (each under its world's lock)."""
    slugs = dict(World.objects.values_list("slug", "pk"))
    removed = 0
    for slug in {files.slug_of_temp(p) for p in files.temp_files()}:
        world_id = slugs.get(slug)
        if world_id is None:
            continue
        with contextlib.suppress(WorldBusy, OSError), world_lock(world_id):
            removed += files.remove_temp_files(slug)
    return removed + files.remove_old_unknown_temp_files(set(slugs))
