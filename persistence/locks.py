"""One exporter per world at a time, with a lock that dies with its holder.

PostgreSQL: a session advisory lock on a dedicated connection (released by the server when the
session ends, crash included). SQLite (one host): `flock` on a lock file in the state directory
(released by the kernel when the process dies).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from typing import Protocol

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from persistence import conf

ADVISORY_NAMESPACE = 0x6D7564  # "mud": keeps our keys apart from other advisory lock users


class WorldBusy(Exception):
    """Another exporter holds this world's lock."""


class Lock(Protocol):
    def try_acquire(self) -> bool: ...
    def release(self) -> None: ...


class FileLock:
    def __init__(self, world_id: int) -> None:
        self.path = conf.state_dir() / ".locks" / f"world-{world_id}.lock"
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


_lock_connections = threading.local()


def lock_connection() -> BaseDatabaseWrapper:
    """This thread's dedicated connection for advisory locks (never inside a transaction)."""
    conn: BaseDatabaseWrapper | None = getattr(_lock_connections, "conn", None)
    if conn is not None and conn.connection is not None and not conn.is_usable():
        with contextlib.suppress(Exception):
            conn.close()
        conn = None
    if conn is None:
        conn = connections.create_connection(DEFAULT_DB_ALIAS)
        _lock_connections.conn = conn
    return conn


class AdvisoryLock:
    def __init__(self, world_id: int) -> None:
        self.world_id = world_id
        self.held = False

    def try_acquire(self) -> bool:
        with lock_connection().cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, self.world_id])
            self.held = bool(cursor.fetchone()[0])
        return self.held

    def release(self) -> None:
        if self.held:
            with lock_connection().cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, self.world_id])
            self.held = False


def make_lock(world_id: int) -> Lock:
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return AdvisoryLock(world_id)
    return FileLock(world_id)


@contextlib.contextmanager
def world_lock(world_id: int, *, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the export lock of one world; raises WorldBusy if it stays taken for `wait_seconds`."""
    lock = make_lock(world_id)
    deadline = time.monotonic() + wait_seconds
    delay = 0.01
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            raise WorldBusy(f"world {world_id} is being exported by another process")
        time.sleep(delay)
        delay = min(delay * 2, 0.2)
    try:
        yield
    finally:
        lock.release()


def close_lock_connection() -> None:
    """Close this thread's lock connection (tests: a session must not outlive its test)."""
    conn = getattr(_lock_connections, "conn", None)
    if conn is not None:
        del _lock_connections.conn
        with contextlib.suppress(Exception):
            conn.close()


def reset_after_fork() -> None:
    # A forked child must not talk over its parent's lock session.
    if hasattr(_lock_connections, "conn"):
        _orphans.append(_lock_connections.conn)  # keep it referenced: closing would end the parent's session
        del _lock_connections.conn


_orphans: list[BaseDatabaseWrapper] = []
os.register_at_fork(after_in_child=reset_after_fork)
