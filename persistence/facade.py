"""The persistence façade (DESIGN §5): the only public way to request and inspect world exports.

`save_world` marks the world dirty in the database inside the caller's transaction (so the mark
commits or rolls back with the change) and wakes this process's scheduler on commit. A request is
one transaction: however many times it calls `save_world` for a world (a signal per row written,
a service's explicit call), it costs one UPDATE and counts as one request in the statistics; later
calls only find the request object still waiting in the transaction's on_commit list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from persistence import conf, db_internals
from persistence.results import ExportResult, RequestCounts
from persistence.scheduler import SaveScheduler, get_scheduler, peek_scheduler

if TYPE_CHECKING:
    from world.models import World

logger = logging.getLogger(__name__)


# -- requests -------------------------------------------------------------------------------------


@dataclass(eq=False)
class SaveRequest:
    """The on_commit callback of one world in one transaction; also the in-transaction memo."""

    world_id: int
    immediate: bool = False
    fired: bool = False

    def __call__(self) -> None:
        self.fired = True
        wake(self.world_id, immediate=self.immediate, counts=one_request(immediate=self.immediate))


def one_request(*, immediate: bool) -> RequestCounts:
    return RequestCounts(immediate=1) if immediate else RequestCounts(debounced=1)


def make_scheduler() -> SaveScheduler:
    from persistence import exporter

    return SaveScheduler(export=exporter.export_for_scheduler, sweep=exporter.overdue_world_ids)


def process_scheduler() -> SaveScheduler:
    """This process's save scheduler (started lazily; one per process, reset after fork)."""
    return get_scheduler(make_scheduler)


def wake(world_id: int, *, immediate: bool, counts: RequestCounts) -> None:
    if conf.scheduler_mode() == "inline":
        from persistence.exporter import export_world

        export_world(world_id, counts=counts, trigger="immediate" if immediate else "debounced")
        return
    process_scheduler().request(world_id, immediate=immediate, counts=counts)


def mark_dirty(world_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump the world's dirty version on `using`, inside the current transaction if there is one.

    Hand-written SQL: this runs in every game transaction, and the ORM's query compilation cost
    more than the statement itself.
    """
    from persistence.models import SaveState

    conn = connections[using]
    table = conn.ops.quote_name(SaveState._meta.db_table)
    now = conn.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"UPDATE {table} SET dirty_version = dirty_version + 1, last_dirty_at = %s, "
        f"first_dirty_at = COALESCE(first_dirty_at, %s) WHERE world_id = %s"
    )
    with conn.cursor() as cursor:
        cursor.execute(sql, [now, now, world_id])
        if cursor.rowcount:
            return
    SaveState.objects.using(using).bulk_create([SaveState(world_id=world_id)], ignore_conflicts=True)
    with conn.cursor() as cursor:
        cursor.execute(sql, [now, now, world_id])


def save_world(world: World | int, *, debounced: bool = True, using: str = DEFAULT_DB_ALIAS) -> None:
    """Request an export of `world`; call it in the transaction that changed the world.

    The world is marked dirty at once (in the caller's transaction); the export runs after commit:
    within DEBOUNCE_MS of the last request and MAX_WAIT_MS of the first (`debounced=True`), or as
    soon as possible (`debounced=False`: one such call makes the whole transaction's request
    immediate). A rolled-back transaction requests nothing. ORM saves and deletes of world-state
    models call this through signals; who else calls it: persistence/README.md.
    """
    world_id = world if isinstance(world, int) else world.pk
    if world_id is None:
        return
    if not db_internals.in_transaction(using):
        mark_dirty(world_id, using=using)
        wake(world_id, immediate=not debounced, counts=one_request(immediate=not debounced))
        return
    memo = db_internals.transaction_memo(using)
    request = memo.get(world_id)
    if request is None or request.fired or not db_internals.is_queued_on_commit(using, request):
        # The first request of this world in this transaction, or the one before it was dropped
        # with a rolled-back savepoint (and with it the UPDATE it stands for).
        mark_dirty(world_id, using=using)
        request = memo[world_id] = SaveRequest(world_id)
        transaction.on_commit(request, using=using, robust=True)
    request.immediate = request.immediate or not debounced


# -- exporting now --------------------------------------------------------------------------------


def world_id_of(world: World | int) -> int:
    return world if isinstance(world, int) else world.pk


def export_world_now(world: World | int, *, wait_seconds: float = 60) -> ExportResult:
    """Export `world` in this thread, now, even if its file is up to date ("Save now").

    The same guarantees as any save (the world lock, one read snapshot, validation, fsync and
    atomic rename); waits up to `wait_seconds` for an export of the world already in flight.
    Requests this process had queued for the world ride along (their statistics are recorded).
    """
    from persistence import exporter

    world_id = world_id_of(world)
    scheduler = peek_scheduler()
    counts = scheduler.take_counts([world_id]).get(world_id) if scheduler is not None else None
    return exporter.export_world(world_id, counts=counts, force=True, wait_seconds=wait_seconds, trigger="now")


@dataclass
class FlushReport:
    results: list[ExportResult] = field(default_factory=list)
    temp_files_removed: int = 0

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def failed(self) -> list[ExportResult]:
        return [result for result in self.results if not result.ok]


def flush_all_saves(
    *,
    world: World | int | None = None,
    all_worlds: bool = False,
    force: bool = False,
    local_only: bool = False,
    wait_seconds: float = 60,
) -> FlushReport:
    """Export now every world with unsaved changes, whichever process queued them (or none).

    Which worlds: the dirty ones, or only `world`, or with `all_worlds` every world (a clean one is
    reported "clean" unless its file is missing). `force` rewrites a world's file even when it is
    up to date. `local_only` exports only what this process has pending (shutdown hooks: the
    other processes' work is in the database and their own hooks, sweeps or `flush_saves` do it).
    """
    from persistence import exporter
    from world.models import World as WorldModel

    report = FlushReport()
    scheduler = peek_scheduler()
    if local_only:
        # Worlds an export is running for are taken too: the world lock makes us wait for it.
        pending = scheduler.take_counts(None, include_running=True) if scheduler is not None else {}
        for world_id, counts in sorted(pending.items()):
            report.results.append(
                exporter.export_world(world_id, counts=counts, wait_seconds=wait_seconds, trigger="flush")
            )
        return report
    if world is not None:
        world_ids = [world_id_of(world)]
    elif all_worlds:
        world_ids = list(WorldModel.objects.order_by("slug").values_list("pk", flat=True))
    else:
        world_ids = exporter.dirty_world_ids()
    counts_by_world = scheduler.take_counts(world_ids) if scheduler is not None else {}
    for world_id in world_ids:
        report.results.append(
            exporter.export_world(
                world_id, counts=counts_by_world.get(world_id), force=force, wait_seconds=wait_seconds, trigger="flush"
            )
        )
    report.temp_files_removed = exporter.cleanup_stale_temp_files()
    return report


def flush_local_saves() -> FlushReport:
    """Shutdown hook (atexit, gunicorn worker_exit, ASGI lifespan): export this process's pending saves.

    First the scheduler thread stops and the export it has in flight may finish (bounded by
    MUDSITE_SHUTDOWN_WAIT_MS): the thread is a daemon, so exiting under it would lose that save
    until the next start and leave its temp file behind."""
    try:
        scheduler = peek_scheduler()
        if scheduler is not None and not scheduler.stop(wait_seconds=conf.shutdown_wait_seconds()):
            logger.warning("an export was still running after the shutdown wait; its world stays dirty")
        return flush_all_saves(local_only=True)
    except Exception:
        logger.exception("flushing pending world saves at shutdown failed")
        return FlushReport()


# -- statistics -----------------------------------------------------------------------------------


@dataclass
class WorldSaveStats:
    world_id: int
    slug: str
    dirty: bool
    dirty_version: int
    saved_version: int
    pending_since: datetime | None
    requests_debounced: int
    requests_immediate: int
    coalesced: int
    exports: int
    errors: int
    consecutive_failures: int
    last_error: str
    last_error_at: datetime | None
    last_saved_at: datetime | None
    last_duration_ms: float | None
    last_bytes: int | None
    last_path: str


@dataclass
class SaveStats:
    worlds: list[WorldSaveStats]
    requests_debounced: int = 0
    requests_immediate: int = 0
    coalesced: int = 0
    exports: int = 0
    errors: int = 0
    dirty_worlds: int = 0
    last_error: str = ""
    last_saved_at: datetime | None = None
    oldest_pending_since: datetime | None = None


def get_save_stats() -> SaveStats:
    """Per world and in total, read from the database (so every worker reports the same)."""
    from persistence.models import SaveState
    from world.models import World as WorldModel

    states = {state.world_id: state for state in SaveState.objects.all()}
    worlds = []
    for world_id, slug in WorldModel.objects.order_by("slug").values_list("pk", "slug"):
        s = states.get(world_id) or SaveState(world_id=world_id)
        worlds.append(
            WorldSaveStats(
                world_id=world_id,
                slug=slug,
                dirty=s.is_dirty,
                dirty_version=s.dirty_version,
                saved_version=s.saved_version,
                pending_since=s.first_dirty_at if s.is_dirty else None,
                requests_debounced=s.requests_debounced,
                requests_immediate=s.requests_immediate,
                coalesced=s.coalesced,
                exports=s.export_count,
                errors=s.error_count,
                consecutive_failures=s.consecutive_failures,
                last_error=s.last_error,
                last_error_at=s.last_error_at,
                last_saved_at=s.last_saved_at,
                last_duration_ms=s.last_duration_ms,
                last_bytes=s.last_bytes,
                last_path=s.last_path,
            )
        )
    stats = SaveStats(worlds=worlds)
    for ws in worlds:
        stats.requests_debounced += ws.requests_debounced
        stats.requests_immediate += ws.requests_immediate
        stats.coalesced += ws.coalesced
        stats.exports += ws.exports
        stats.errors += ws.errors
        stats.dirty_worlds += ws.dirty
        if ws.last_saved_at and (stats.last_saved_at is None or ws.last_saved_at > stats.last_saved_at):
            stats.last_saved_at = ws.last_saved_at
        if ws.pending_since and (stats.oldest_pending_since is None or ws.pending_since < stats.oldest_pending_since):
            stats.oldest_pending_since = ws.pending_since
    errors = [ws for ws in worlds if ws.last_error and ws.last_error_at]
    if errors:
        latest = max(errors, key=lambda ws: ws.last_error_at or timezone.now())
        stats.last_error = f"{latest.slug}: {latest.last_error}"
    return stats


# -- copies ---------------------------------------------------------------------------------------


def write_world_copy(world: World | int, path=None):
    """The current state of a world as a document (bytes), or written atomically to `path`
    (returns its size). Not the world's state file and not a save: its version stays as it is."""
    from pathlib import Path

    from persistence import exporter, files
    from persistence.formats import mudsite
    from persistence.models import SaveState

    world_id = world_id_of(world)
    with exporter.read_snapshot():
        version = SaveState.objects.filter(pk=world_id).values_list("dirty_version", flat=True).first() or 0
        if path is None:
            return mudsite.render_world(world_id, version)
        target = Path(path)
        return files.atomic_write(
            target, lambda out: mudsite.write_world(out, world_id, version), compression=files.compression_of(target)
        )
