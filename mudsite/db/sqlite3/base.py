"""Django's SQLite backend with a small per-process pool of open connections.

Why: under ASGI every request's sync code runs in a thread of its own (asgiref gives each request its own
`ThreadSensitiveContext`), and Django keeps one connection per thread, so `CONN_MAX_AGE` cannot keep a
connection across requests there: each request opened one, ran the PRAGMAs, and SQLite parsed the whole
schema (every trigger) again on the first statement. Here a connection Django closes goes back to the
pool instead (rolled back, outside any atomic block), and the next `connect()` in any thread takes it.
sqlite3 connections may move between threads (Django opens them with `check_same_thread=False`); the pool
hands each one to a single wrapper at a time.

`CONN_MAX_AGE` (0 by default) is honoured only by threads that serve request after request (the ASGI
server's request pool, marked by `keep_connections_across_requests`): they keep their connection between
requests that long, as Django keeps one under a sync server. Everywhere else (Django's ASGI handler runs
each request in a thread of its own, which would take the connection with it when it ends) a request's
connection goes back to the pool at the end of the request, whatever `CONN_MAX_AGE` says. A kept
connection is closed instead when a transaction was left open or its file changed identity. Keeping
saved ~0.14 ms a request with one client and cost more than that under 8 (bench/README.md), hence the
default.

`OPTIONS["pool_size"]` (0 turns the pool off) bounds how many idle connections a process keeps. A pool is
tied to the database file's identity (path, device, inode and status-change time), so a database file
deleted and created again (a test database) never gets a connection to the old one; a connection whose
file changed identity meanwhile (a checkpoint rewrote it) is closed rather than kept.

Write transactions queue at a gate (`OPTIONS["write_gate"]`, on by default): before `BEGIN IMMEDIATE` (or
EXCLUSIVE; a deferred read transaction blocks no writer and does not queue) a
connection takes an exclusive `flock` on `<database>-write-gate` (its own open file, so threads of one
process and other processes queue alike, in the kernel), and gives it back once the transaction is
over. Why: SQLite has no queue for its write lock. A writer that finds it taken sleeps in the busy
handler, 1, 2, 5, 10 ... 100 ms at a time, and whoever asks next while it sleeps gets the lock first,
so under concurrent writes the lock sat idle between short transactions and a few writers waited
seconds (move and say under 8 clients: p99 ~1-1.7 s against a p50 of 40-50 ms, bench/README.md).
At the gate the next writer wakes the moment the previous one commits. `flock` locks are independent
of the POSIX locks SQLite takes on the database and its -wal / -shm files (Linux), and the gate file is
never SQLite's own. What the gate does not change: SQLite's write lock and busy timeout still guard
the database against writers that do not use the gate (the sqlite3 shell), and a transaction left
open keeps writers waiting at the gate as it kept them waiting for SQLite's lock (which then failed
them after the busy timeout).
"""

from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
import threading
from typing import Any

from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX, SQLiteCursorWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

# (path, device, inode, status-change time in ns): a file deleted and created again under the same path
# can get the same inode number back at once, but never the same ctime.
PoolKey = tuple[str, int, int, int]

_idle: dict[PoolKey, list[sqlite3.Connection]] = {}
_idle_lock = threading.Lock()
_request_thread = threading.local()


def keep_connections_across_requests() -> None:
    """Mark the calling thread as one that serves request after request (a thread pool's initializer):
    Django's end-of-request handling leaves its connection open for `CONN_MAX_AGE` seconds."""
    _request_thread.keeps_connection = True


def pool_key(name: Any) -> PoolKey | None:
    """The identity of an on-disk database file, or None (in memory, or not created yet)."""
    path = str(name)
    if path == ":memory:" or path.startswith("file:") or "mode=memory" in path:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (path, stat.st_dev, stat.st_ino, stat.st_ctime_ns)


def idle_connections(name: Any) -> int:
    key = pool_key(name)
    with _idle_lock:
        return len(_idle.get(key, ())) if key else 0


def _give_back(key: PoolKey, raw: sqlite3.Connection, size: int) -> bool:
    """Keep `raw` for the next connect() if its file is still the one it was opened on; connections of
    an older identity of the same path are closed."""
    if pool_key(key[0]) != key:
        return False
    with _idle_lock:
        stale = [k for k in _idle if k[0] == key[0] and k != key]
        for old in stale:
            for connection in _idle.pop(old):
                connection.close()
        idle = _idle.setdefault(key, [])
        if len(idle) < size:
            idle.append(raw)
            return True
    return False


# The BEGINs that take SQLite's write lock at once.
WRITING_MODES = frozenset({"IMMEDIATE", "EXCLUSIVE"})


def write_gate_path(name: Any) -> str | None:
    """The gate file of an on-disk database; None for in-memory databases (one connection anyway)."""
    path = str(name)
    if not path or path == ":memory:" or path.startswith("file:") or "mode=memory" in path:
        return None
    return path + "-write-gate"


# Statements longer than this (a bulk insert's thousands of placeholders) are rewritten every time, not kept.
REMEMBERED_STATEMENT_LENGTH = 4096


@functools.lru_cache(maxsize=512)
def _qmark_style(query: str) -> str:
    return FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(SQLiteCursorWrapper):
    """Django's cursor, with the rewrite of each statement's `%s` placeholders into sqlite3's `?`
    remembered: a regular expression over the whole text on every execute, ~10 µs, for the same few
    hundred statements a process runs again and again."""

    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is None and len(query) <= REMEMBERED_STATEMENT_LENGTH:
            return _qmark_style(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(SQLiteDatabaseWrapper):
    pool_size = 0
    write_gate = True
    _gate_fd: int | None = None
    _gate_path: str | None = None
    _gate_held = False
    _gate_pid = 0

    def create_cursor(self, name: Any = None) -> Any:
        return self.connection.cursor(factory=CursorWrapper)

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        self.pool_size = int(params.pop("pool_size", 0) or 0)
        self.write_gate = bool(params.pop("write_gate", True))
        return params

    def _enter_write_gate(self) -> None:
        if self._gate_pid != os.getpid():
            self._forget_inherited_gate()
        if not self.write_gate or self._gate_held:
            return
        path = write_gate_path(self.settings_dict["NAME"])
        if path is None:
            return
        if self._gate_fd is None or self._gate_path != path:
            self._close_write_gate()
            self._gate_fd, self._gate_path = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600), path
            self._gate_pid = os.getpid()
        fcntl.flock(self._gate_fd, fcntl.LOCK_EX)  # blocks without the GIL until the previous writer is done
        self._gate_held = True

    def _forget_inherited_gate(self) -> None:
        """In a forked child: the parent's gate file is the parent's (a flock belongs to the open file, so
        the two would share it, and unlocking here would unlock the parent): close it, open our own."""
        if self._gate_fd is not None:
            os.close(self._gate_fd)
        self._gate_fd = self._gate_path = None
        self._gate_held = False
        self._gate_pid = os.getpid()

    def _leave_write_gate(self) -> None:
        if self._gate_held and self._gate_fd is not None and self._gate_pid == os.getpid():
            self._gate_held = False
            fcntl.flock(self._gate_fd, fcntl.LOCK_UN)

    def _close_write_gate(self) -> None:
        self._leave_write_gate()
        if self._gate_fd is not None and self._gate_pid == os.getpid():
            os.close(self._gate_fd)
            self._gate_fd = self._gate_path = None

    def _transaction_over(self) -> bool:
        return self.connection is None or not self.connection.in_transaction

    def _start_transaction_under_autocommit(self) -> None:
        if self.transaction_mode in WRITING_MODES:  # type: ignore[attr-defined]
            # Only a BEGIN that takes SQLite's write lock queues: a deferred one (the export's read
            # snapshot, persistence/db_internals.py) blocks no writer and must not queue.
            self._enter_write_gate()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            if self._transaction_over():
                self._leave_write_gate()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            if self._transaction_over():  # a failed COMMIT leaves the transaction open, for a rollback
                self._leave_write_gate()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            if self._transaction_over():
                self._leave_write_gate()

    pooled_as: PoolKey | None = None

    def close_if_unusable_or_obsolete(self) -> None:
        """Django's end-of-request rule (`close_old_connections`), in a thread marked by
        `keep_connections_across_requests`, while the file is the one the connection was opened on and no
        transaction was left open (a raw BEGIN would hold its snapshot, or the write lock, into the next
        request); otherwise the connection goes back to the pool (rolled back)."""
        if self.connection is not None and not self._may_keep_connection():
            self.close()
            return
        super().close_if_unusable_or_obsolete()

    def _may_keep_connection(self) -> bool:
        # In this order: the file's identity costs an os.stat, and with CONN_MAX_AGE=0 (the default) nothing
        # is kept anyway, so a request pays no more than the pool's own check.
        return (
            getattr(_request_thread, "keeps_connection", False)
            and self.settings_dict["CONN_MAX_AGE"] != 0
            and not self.connection.in_transaction
            and (self.pooled_as is None or pool_key(self.pooled_as[0]) == self.pooled_as)
        )

    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        key = self.pooled_as = pool_key(conn_params["database"]) if self.pool_size else None
        if key is not None:
            with _idle_lock:
                idle = _idle.get(key)
                if idle:
                    return idle.pop()
        return super().get_new_connection(conn_params)

    def _close(self) -> None:
        try:
            if self.connection is not None and self.pool_size and not self.in_atomic_block:
                key = self.pooled_as
                if key is not None:
                    with self.wrap_database_errors:
                        if self.connection.in_transaction:
                            self.connection.rollback()
                    if _give_back(key, self.connection, self.pool_size):
                        return
            super()._close()  # type: ignore[misc]
        finally:
            self._leave_write_gate()  # a closed connection's transaction is over either way
