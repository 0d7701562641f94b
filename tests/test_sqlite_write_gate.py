"""SQLite's write transactions queue at the backend's gate (mudsite/db/sqlite3/base.py): a writer waits
for the one before it at a flock, not in SQLite's busy handler (which sleeps and gives up after the
busy timeout); reads outside a transaction never take it."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from mudsite.db.sqlite3.base import write_gate_path
from persistence.db_internals import deferred_sqlite_transaction
from tests.persistence.procs import fork_child

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the gate is SQLite's"),
]


def gate() -> Path:
    path = write_gate_path(connection.settings_dict["NAME"])
    assert path is not None
    return Path(path)


@contextmanager
def gate_probe() -> Iterator[int]:
    fd = os.open(gate(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        yield fd
    finally:
        os.close(fd)


def gate_is_free() -> bool:
    with gate_probe() as fd:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True


def add_session(key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, '', %s)",
            [key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


def sessions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key FROM django_session")
        return {row[0] for row in cursor.fetchall()}


def test_a_write_transaction_holds_the_gate_until_it_commits_or_rolls_back():
    connection.ensure_connection()
    sessions()  # a read in autocommit
    assert gate_is_free()
    with transaction.atomic():
        add_session("committed")
        assert not gate_is_free()
        with transaction.atomic():  # a savepoint: the same transaction, the same hold
            assert not gate_is_free()
    assert gate_is_free()
    held_while_rolling_back = []

    def fail_half_way() -> None:
        with transaction.atomic():
            add_session("rolled-back")
            held_while_rolling_back.append(not gate_is_free())
            raise LookupError("changed my mind")

    with pytest.raises(LookupError):
        fail_half_way()
    assert held_while_rolling_back == [True]
    assert gate_is_free()
    assert sessions() == {"committed"}


def test_a_deferred_read_transaction_leaves_the_gate_to_the_writers():
    """The export reads one snapshot in a deferred transaction, which blocks no writer (persistence/
    db_internals.py); at the gate it would hold every game write for the whole export."""
    connection.ensure_connection()
    with deferred_sqlite_transaction(connection.alias):
        sessions()
        assert gate_is_free()
    with transaction.atomic():  # the configured IMMEDIATE again
        assert not gate_is_free()


def blocked_at(path: Path) -> bool:
    """Whether /proc/locks lists a process waiting for a flock on `path` (a `->` line)."""
    inode = f":{path.stat().st_ino} "
    return any(
        "->" in line and "FLOCK" in line and inode in line for line in Path("/proc/locks").read_text().splitlines()
    )


def hold_the_write_lock(ready_fd: int, release_fd: int) -> None:
    with transaction.atomic():
        add_session("holder")
        os.write(ready_fd, b"held")
        os.read(release_fd, 1)


def write_with_a_short_busy_timeout() -> None:
    connection.settings_dict["OPTIONS"] = {**connection.settings_dict["OPTIONS"], "timeout": 0.2}
    with transaction.atomic():
        add_session("writer")


def test_a_writer_waits_at_the_gate_for_another_process_longer_than_the_busy_timeout():
    connection.ensure_connection()
    ready_read, ready_write = os.pipe()
    release_read, release_write = os.pipe()
    holder = fork_child(hold_the_write_lock, ready_write, release_read)
    writer = None
    try:
        assert os.read(ready_read, 4) == b"held"
        writer = fork_child(write_with_a_short_busy_timeout)
        deadline = time.monotonic() + 60
        while not blocked_at(gate()):  # readiness: the writer is queued at the gate
            assert time.monotonic() < deadline, "the writer never queued at the gate"
            time.sleep(0.01)
        time.sleep(0.5)  # past the writer's busy timeout: in SQLite's busy handler it would have failed
        os.write(release_write, b"x")
        assert os.waitpid(holder, 0)[1] == 0
        assert os.waitpid(writer, 0)[1] == 0
    finally:
        for fd in (ready_read, ready_write, release_read, release_write):
            os.close(fd)
    assert sessions() == {"holder", "writer"}
