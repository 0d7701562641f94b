import pytest
from django.db import connection


def run_pending_on_commit() -> None:
    """Act as if the test's setup had committed: run (and forget) the queued on_commit callbacks.

    In a TestCase-style test nothing commits, so the setup's save request would otherwise stay
    queued and absorb every later request of the same world (they share one transaction)."""
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _sids, callback, _robust in pending:
        callback()


@pytest.fixture
def world(tiny_world):
    """tiny_world, committed and exported once."""
    run_pending_on_commit()
    return tiny_world
