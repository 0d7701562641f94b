"""Django's SQLite backend with a small per-process pool of open connections.

Why: under ASGI every request's sync code runs in a thread of its own (asgiref gives each request its own
`ThreadSensitiveContext`), and Django keeps one connection per thread, so `CONN_MAX_AGE` cannot keep a
connection across requests there: each request opened one, ran the PRAGMAs, and SQLite parsed the whole
schema (every trigger) again on the first statement. Here a connection Django closes goes back to the
pool instead (rolled back, outside any atomic block), and the next `connect()` in any thread takes it.
sqlite3 connections may move between threads (Django opens them with `check_same_thread=False`); the pool
hands each one to a single wrapper at a time.

`OPTIONS["pool_size"]` (0 turns the pool off) bounds how many idle connections a process keeps. A pool is
tied to the database file's identity (path, device, inode and status-change time), so a database file
deleted and created again (a test database) never gets a connection to the old one; a connection whose
file changed identity meanwhile (a checkpoint rewrote it) is closed rather than kept.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

# (path, device, inode, status-change time in ns): a file deleted and created again under the same path
# can get the same inode number back at once, but never the same ctime.
PoolKey = tuple[str, int, int, int]

_idle: dict[PoolKey, list[sqlite3.Connection]] = {}
_idle_lock = threading.Lock()


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


class DatabaseWrapper(SQLiteDatabaseWrapper):
    pool_size = 0

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        self.pool_size = int(params.pop("pool_size", 0) or 0)
        return params

    pooled_as: PoolKey | None = None

    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        key = self.pooled_as = pool_key(conn_params["database"]) if self.pool_size else None
        if key is not None:
            with _idle_lock:
                idle = _idle.get(key)
                if idle:
                    return idle.pop()
        return super().get_new_connection(conn_params)

    def _close(self) -> None:
        if self.connection is not None and self.pool_size and not self.in_atomic_block:
            key = self.pooled_as
            if key is not None:
                with self.wrap_database_errors:
                    if self.connection.in_transaction:
                        self.connection.rollback()
                if _give_back(key, self.connection, self.pool_size):
                    return
        super()._close()  # type: ignore[misc]
