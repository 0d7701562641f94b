"""One test per assumption `persistence.db_internals` makes about Django's private internals.

If a Django upgrade changes one of them, the test named after it fails (rather than saves being
miscounted, requested twice or lost).
"""

from __future__ import annotations

import contextlib
import sqlite3

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, transaction

from persistence import db_internals


def noop() -> None:
    pass


@pytest.mark.django_db(transaction=True)
def test_in_atomic_block_is_false_in_autocommit_and_true_in_atomic_and_savepoints():
    assert not db_internals.in_transaction(DEFAULT_DB_ALIAS)
    with transaction.atomic():
        assert db_internals.in_transaction(DEFAULT_DB_ALIAS)
        with transaction.atomic():
            assert db_internals.in_transaction(DEFAULT_DB_ALIAS)
    assert not db_internals.in_transaction(DEFAULT_DB_ALIAS)


@pytest.mark.django_db
def test_on_commit_entries_are_tuples_with_the_callback_second():
    with transaction.atomic():
        transaction.on_commit(noop, robust=True)
        entry = connection.run_on_commit[-1]
        assert len(entry) == 3 and entry[1] is noop and entry[2] is True
        assert db_internals.is_queued_on_commit(DEFAULT_DB_ALIAS, noop)


@pytest.mark.django_db
def test_rolling_back_a_savepoint_removes_its_on_commit_callbacks():
    def inner() -> None:
        pass

    with transaction.atomic():
        transaction.on_commit(noop)
        with contextlib.suppress(RuntimeError), transaction.atomic():
            transaction.on_commit(inner)
            assert db_internals.is_queued_on_commit(DEFAULT_DB_ALIAS, inner)
            raise RuntimeError("roll the savepoint back")
        assert not db_internals.is_queued_on_commit(DEFAULT_DB_ALIAS, inner)
        assert db_internals.is_queued_on_commit(DEFAULT_DB_ALIAS, noop)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_the_on_commit_list_is_emptied_when_the_transaction_ends(ending):
    with contextlib.suppress(RuntimeError), transaction.atomic():
        db_internals.transaction_memo(DEFAULT_DB_ALIAS)["key"] = "value"
        transaction.on_commit(noop)
        assert db_internals.transaction_memo(DEFAULT_DB_ALIAS) == {"key": "value"}
        if ending == "rollback":
            raise RuntimeError("roll back")
    assert connection.run_on_commit == []
    with transaction.atomic():
        assert db_internals.transaction_memo(DEFAULT_DB_ALIAS) == {}  # a new transaction, a new memo


def other_writer_can_begin(path: str) -> bool:
    """Can a second connection take SQLite's write lock right now (no waiting)?"""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_sqlite_reads_its_transaction_mode_attribute_at_every_begin():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's transaction_mode")
    path = str(connection.settings_dict["NAME"])
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]  # settings.py
    with transaction.atomic():
        assert not other_writer_can_begin(path)  # the configured mode holds the write lock
    with db_internals.deferred_sqlite_transaction(DEFAULT_DB_ALIAS):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM persistence_savestate")
        assert other_writer_can_begin(path)  # the export's read snapshot blocks no writer
        with transaction.atomic():  # nested: a savepoint, still the deferred transaction
            assert other_writer_can_begin(path)
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]  # restored
    with transaction.atomic():
        assert not other_writer_can_begin(path)
