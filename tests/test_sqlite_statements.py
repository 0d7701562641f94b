"""The SQLite backend remembers each statement's placeholder rewrite (mudsite/db/sqlite3/base.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from mudsite.db.sqlite3.base import REMEMBERED_STATEMENT_LENGTH, _qmark_style

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backend"),
]


def run(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_a_statement_run_again_is_not_rewritten_again():
    sql = "SELECT %s || '%%', %s -- remembered"
    run(sql, ["a", 1])
    before = _qmark_style.cache_info()
    assert run(sql, ["b", 2]) == [("b%", 2)]
    after = _qmark_style.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


def test_a_long_statement_and_named_parameters_are_rewritten_each_time():
    count = REMEMBERED_STATEMENT_LENGTH // 3
    long_sql = "SELECT COUNT(*) FROM (VALUES " + ", ".join(["(%s)"] * count) + ")"
    assert len(long_sql) > REMEMBERED_STATEMENT_LENGTH
    before = _qmark_style.cache_info()
    assert run(long_sql, [1] * count) == [(count,)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(x)s, '%%'", {"x": 3})
        assert cursor.fetchall() == [(3, "%")]
    assert _qmark_style.cache_info().currsize == before.currsize
