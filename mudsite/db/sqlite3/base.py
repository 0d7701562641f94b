"""Django's SQLite backend with a small per-process pool of open connections.

Why: under ASGI every request's sync code runs in a thread of its own (asgiref gives each request its own
`ThreadSensitiveContext`), and Django keeps one connection per thread, so `CONN_MAX_AGE` cannot keep a
connection across requests there: each request opened one, ran the PRAGMAs, and SQLite parsed the whole
schema (every trigger) again on the first statement. Here a connection Django closes goes back to the
pool instead (rolled back, outside any atomic block), and the next `connect()` in any thread takes it.
sqlite3 connections may move between threads (Django opens them with `check_same_thread=False`); the pool
hands each one to a single wrapper at a time.

`OPTIONS["pool_size"]` (0 turns the pool off) bounds how many idle connections a process keeps. A pool is
tied to the database file's identity (path, device, inode), so a test database deleted and created again
rarely gets a connection to the old one; as with persistent connections, a server whose database file is
replaced under it needs a restart.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

PoolKey = tuple[str, int, int]

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
    return (path, stat.st_dev, stat.st_ino)


def idle_connections(name: Any) -> int:
    key = pool_key(name)
    with _idle_lock:
        return len(_idle.get(key, ())) if key else 0


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
                with _idle_lock:
                    idle = _idle.setdefault(key, [])
                    if len(idle) < self.pool_size:
                        idle.append(self.connection)
                        return
        super()._close()  # type: ignore[misc]
