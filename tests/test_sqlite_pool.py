"""The SQLite backend's connection pool (mudsite/db/sqlite3/base.py): a connection Django closes in one
thread is what the next thread's connect() gets, clean; nothing unsafe is ever pooled."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from contextlib import closing

import pytest
from django.db import connection, connections

from mudsite.db.sqlite3 import base as pool

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the pool is SQLite's"),
]


def wrapper(pool_size: int = 8, max_age: int = 600):
    """A second wrapper on the test database, outside the test's transaction."""
    db = connections.create_connection("default")
    db.settings_dict = {
        **db.settings_dict,
        "OPTIONS": {**db.settings_dict["OPTIONS"], "pool_size": pool_size},
        "CONN_MAX_AGE": max_age,
    }
    return db


def in_thread(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def open_and_close(db):
    db.inc_thread_sharing()
    db.ensure_connection()
    raw = db.connection
    db.close()
    return raw


@pytest.fixture(autouse=True)
def empty_pool():
    pool._idle.clear()
    yield
    for idle in pool._idle.values():
        for raw in idle:
            raw.close()
    pool._idle.clear()


def test_a_closed_connection_is_reused_by_the_next_thread():
    first = in_thread(lambda: open_and_close(wrapper()))
    second = in_thread(lambda: open_and_close(wrapper()))
    assert second is first
    assert pool.idle_connections(connection.settings_dict["NAME"]) == 1


def test_a_connection_left_in_a_transaction_comes_back_rolled_back():
    db = wrapper()
    db.ensure_connection()
    db.connection.execute("BEGIN")
    db.connection.execute("CREATE TEMP TABLE scratch (x)")
    raw = db.connection
    db.close()
    again = wrapper()
    again.ensure_connection()
    assert again.connection is raw
    assert not raw.in_transaction
    assert raw.execute("SELECT count(*) FROM sqlite_temp_master WHERE name = 'scratch'").fetchone() == (0,)
    again.close()


def test_a_connection_closed_inside_an_atomic_block_is_not_pooled():
    db = wrapper()
    db.ensure_connection()
    raw = db.connection
    db.in_atomic_block = True  # what close() sees when an error ends a request inside atomic()
    db.close()
    db.in_atomic_block = False
    assert pool.idle_connections(connection.settings_dict["NAME"]) == 0
    fresh = wrapper()
    fresh.ensure_connection()
    assert fresh.connection is not raw
    fresh.close()


def test_the_pool_is_bounded_and_size_zero_turns_it_off():
    opened = [wrapper(pool_size=2) for _ in range(3)]
    for db in opened:
        db.ensure_connection()
    for db in opened:
        db.close()
    assert pool.idle_connections(connection.settings_dict["NAME"]) == 2
    pool._idle.clear()
    off = wrapper(pool_size=0)
    raw = open_and_close(off)
    assert pool.idle_connections(connection.settings_dict["NAME"]) == 0
    with pytest.raises(Exception, match="closed"):
        raw.execute("SELECT 1")


def test_a_database_file_deleted_and_created_again_gets_no_old_connection(tmp_path, monkeypatch):
    """Linux can hand a freed inode number straight to the next file (it did to the suite's test database):
    here every file gets the same inode number, and the pool must still tell the two files apart."""
    real_stat = os.stat

    def stat_with_reused_inode(path, *args, **kwargs):
        result = real_stat(path, *args, **kwargs)
        fields = list(result)
        fields[stat.ST_INO] = 4242
        return os.stat_result(fields, {"st_ctime_ns": result.st_ctime_ns})

    monkeypatch.setattr(pool.os, "stat", stat_with_reused_inode)
    with closing(sqlite3.connect(tmp_path / "again.sqlite3")) as first:
        first.execute("PRAGMA journal_mode=WAL")
        first.execute("CREATE TABLE old_file (x)")
    db = wrapper()
    db.settings_dict = {**db.settings_dict, "NAME": str(tmp_path / "again.sqlite3")}
    db.ensure_connection()
    db.close()
    assert pool.idle_connections(tmp_path / "again.sqlite3") == 1
    (tmp_path / "again.sqlite3").unlink()
    (tmp_path / "again.sqlite3-wal").unlink(missing_ok=True)
    with closing(sqlite3.connect(tmp_path / "again.sqlite3")) as other:
        other.execute("CREATE TABLE new_file (x)")
    db.ensure_connection()
    tables = db.connection.execute("SELECT name FROM sqlite_master").fetchall()
    db.close()
    assert tables == [("new_file",)]


def request_end(db, *, request_thread: bool):
    """What `close_old_connections` does to `db` at a request's end, in a thread of the ASGI server's
    request pool or in any other: the raw connection left open afterwards, or None."""

    def run():
        if request_thread:
            pool.keep_connections_across_requests()
        db.inc_thread_sharing()
        db.ensure_connection()
        db.close_if_unusable_or_obsolete()
        return db.connection

    return in_thread(run)


def test_a_request_thread_keeps_its_connection_between_requests():
    db = wrapper()
    kept = request_end(db, request_thread=True)
    assert kept is not None and kept.execute("SELECT 1").fetchone() == (1,)
    assert pool.idle_connections(connection.settings_dict["NAME"]) == 0
    db.close()


def test_any_other_thread_gives_its_connection_back_to_the_pool_whatever_conn_max_age():
    """Django's ASGI handler runs a request in a thread of its own: a connection kept there would end with it."""
    assert request_end(wrapper(max_age=600), request_thread=False) is None
    assert pool.idle_connections(connection.settings_dict["NAME"]) == 1


def test_a_request_thread_with_conn_max_age_zero_gives_it_back():
    assert request_end(wrapper(max_age=0), request_thread=True) is None
    assert pool.idle_connections(connection.settings_dict["NAME"]) == 1


def test_a_transaction_left_open_is_not_kept_into_the_next_request():
    db = wrapper()

    def run():
        pool.keep_connections_across_requests()
        db.inc_thread_sharing()
        db.ensure_connection()
        db.connection.execute("BEGIN")  # a read snapshot, held past the request's end
        db.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        raw = db.connection
        db.close_if_unusable_or_obsolete()
        return raw, db.connection

    raw, left = in_thread(run)
    assert left is None and not raw.in_transaction
    assert pool.idle_connections(connection.settings_dict["NAME"]) == 1


def test_a_kept_connection_to_a_file_created_again_is_closed(tmp_path):
    path = tmp_path / "kept.sqlite3"
    with closing(sqlite3.connect(path)) as first:
        first.execute("PRAGMA journal_mode=WAL")  # as the backend opens it: its PRAGMAs leave the file alone
        first.execute("CREATE TABLE old_file (x)")
    db = wrapper()
    db.settings_dict = {**db.settings_dict, "NAME": str(path)}
    assert request_end(db, request_thread=True) is not None
    path.unlink()
    (tmp_path / "kept.sqlite3-wal").unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as other:
        other.execute("CREATE TABLE new_file (x)")

    def next_request():
        db.close_if_unusable_or_obsolete()
        db.ensure_connection()
        return db.connection.execute("SELECT name FROM sqlite_master").fetchall()

    assert in_thread(next_request) == [("new_file",)]
    db.close()


def test_the_asgi_request_pool_threads_keep_their_connections():
    from mudsite.asgi import threaded_django

    assert threaded_django.executor.submit(lambda: pool._request_thread.keeps_connection).result() is True
