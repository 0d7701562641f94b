"""Every reliance of `persistence` on Django's private database internals, in one place.

Each function below leans on one undocumented detail of Django's connection wrappers; each has
its own test in tests/persistence/test_db_internals.py, so a Django upgrade that changes one of
them fails a test named after it instead of silently miscounting or losing saves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connections, transaction

MEMO_ATTRIBUTE = "_mudsite_save_memo"


def in_transaction(using: str) -> bool:
    """Inside `atomic()` on `using` (`connection.in_atomic_block`), savepoints included."""
    return connections[using].in_atomic_block


def transaction_memo(using: str) -> dict[Any, Any]:
    """A dict that lives as long as the current transaction's on_commit list.

    Assumes `connection.run_on_commit` is emptied when the outermost transaction commits or
    rolls back (so an empty list means "a new transaction"); the memo is stored on the
    connection wrapper, which Django keeps per thread.
    """
    conn = connections[using]
    memo = conn.__dict__.setdefault(MEMO_ATTRIBUTE, {})
    if not conn.run_on_commit and memo:
        memo.clear()
    return memo


def is_queued_on_commit(using: str, callback: Callable[[], Any]) -> bool:
    """Is `callback` still in the transaction's on_commit list?

    Assumes `run_on_commit` holds `(savepoint_ids, func, robust)` tuples and that rolling back
    a savepoint removes the callbacks registered inside it.
    """
    return any(entry[1] is callback for entry in reversed(connections[using].run_on_commit))


@contextlib.contextmanager
def deferred_sqlite_transaction(using: str) -> Iterator[None]:
    """`atomic()` that begins DEFERRED on SQLite whatever the configured `transaction_mode`.

    Assumes the SQLite wrapper reads its `transaction_mode` attribute each time it BEGINs.
    A deferred read transaction is a WAL snapshot from its first read and blocks no writer,
    where the configured IMMEDIATE would hold the write lock for the whole export.
    """
    conn = connections[using]
    conn.ensure_connection()
    configured = conn.transaction_mode  # type: ignore[attr-defined]
    conn.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
    try:
        with transaction.atomic(using=using):
            conn.transaction_mode = configured  # type: ignore[attr-defined]
            yield
    finally:
        conn.transaction_mode = configured  # type: ignore[attr-defined]
