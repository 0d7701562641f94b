"""Hand-written SQL for the hottest reads, and the few tools to read its rows as the ORM would.

Why: Django compiling a query costs ~0.3-1 ms, executing the same statement on SQLite ~0.03 ms; the
play path's reads (a look: the caller, the exits, who is here, what lies here) and the clock's reads are
cheap once written out. The statements use `%s` placeholders through Django's cursor (both backends);
values come back as the driver gives them, and the helpers here convert only what needs converting.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

HEX_DIGITS = re.compile(r"[0-9a-fA-F]{32}")
# The attributes Django puts on a model class for its concrete fields that do nothing on assignment
# but store the value (a foreign key's also forgets a cached object, which a new instance has none of).
PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute, type(None))


def raw_rows(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query as the database driver returns them: the ORM's per-value
    converters cost ~15 µs a row (a third of a second on 20,000 exits, ~0.1 s on a tick's
    characters and items), so the caller converts the few columns that need it."""
    return fetch_all(*query.query.sql_with_params())


# Two sets of stand-ins for the values a compiled statement is called with, in every integer field's range
# (Django drops a condition whose value lies outside it: `hp >= 2**40` on a small integer is no row).
STAND_INS = (tuple(30_001 + i for i in range(8)), tuple(31_001 + i for i in range(8)))


def compiled_once(build: Callable[..., QuerySet[Any, Any]]) -> Callable[..., list[tuple[Any, ...]]]:
    """`build(*values)`'s rows as `raw_rows` returns them, its SQL compiled once a process and database
    vendor instead of on every call: Django building and compiling a query costs ~0.3-1 ms, and a small
    world's tick was mostly that (its statements run in ~0.05 ms each).

    `build` takes integers (a world's id, an event cursor, a tick), each used as a parameter of the query.
    It is compiled twice, with two sets of stand-ins: the parameters that differ are where the values
    go, those that do not are the query's constants (so a constant equal to a stand-in is no matter)."""
    statements: dict[str, tuple[str, tuple[Any, ...], dict[int, int]]] = {}

    def compile_statement(count: int) -> tuple[str, tuple[Any, ...], dict[int, int]]:
        first, second = (stand_ins[:count] for stand_ins in STAND_INS)
        sql, params = build(*first).query.sql_with_params()
        other_sql, other_params = build(*second).query.sql_with_params()
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError(f"{build.__qualname__}: its SQL changes with its arguments' values")
        slots: dict[int, int] = {}  # position in the parameters -> the argument that goes there
        for at, (one, other) in enumerate(zip(params, other_params, strict=True)):
            if one != other:
                if one not in first or second[first.index(one)] != other:
                    raise ValueError(f"{build.__qualname__}: parameter {at} is not one of its arguments as given")
                slots[at] = first.index(one)
        if unused := sorted(set(range(count)) - set(slots.values())):
            raise ValueError(f"{build.__qualname__}: argument(s) {unused} are not parameters of its SQL")
        return sql, tuple(params), slots

    @functools.wraps(build)
    def rows(*values: int) -> list[tuple[Any, ...]]:
        statement = statements.get(connection.vendor)
        if statement is None:
            statement = statements[connection.vendor] = compile_statement(len(values))
        sql, template, slots = statement
        params = list(template)
        for at, argument in slots.items():
            # An int subclass stays itself (psycopg's Int8, which Django wraps an integer field's value in).
            params[at] = type(template[at])(values[argument])
        return fetch_all(sql, params)

    return rows


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def json_value(value: Any) -> Any:
    """A JSON column read through a raw cursor: text on SQLite (and on PostgreSQL, where Django reads
    jsonb as text), parsed as the JSONField would; orjson first (a tick parses every sheet), the
    standard parser for what orjson refuses (NaN, integers beyond 64 bits)."""
    if not isinstance(value, str | bytes):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return json.loads(value)


def json_list_reader() -> Any:
    """Decode a JSON list column read through a raw cursor (text on SQLite, decoded on PostgreSQL);
    the same few texts repeat across thousands of rows, so each is parsed once."""
    seen: dict[str, Any] = {}

    def read(value: Any) -> list[Any]:
        if isinstance(value, str):
            if value not in seen:
                seen[value] = json.loads(value)
            value = seen[value]
        return value if isinstance(value, list) else []

    return read


def uuid_text(value: Any) -> str:
    """A uuid column read through a raw cursor (32 hex digits on SQLite, a UUID on PostgreSQL) as
    `str(UUID)` writes it; Django's 32 digits are cut by hand (building a UUID per character
    cost ~10 µs, 0.1 s at 10,000 characters)."""
    if isinstance(value, str) and len(value) == 32 and HEX_DIGITS.fullmatch(value):
        h = value.lower()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def aware(value: Any) -> datetime | None:
    """A datetime column read through a raw cursor (naive UTC on SQLite, aware on PostgreSQL)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def datetime_param(value: datetime) -> Any:
    """A datetime as the ORM passes it to this database (text on SQLite), for comparisons in raw SQL."""
    return connection.ops.adapt_datetimefield_value(value)


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class RowReader:
    """One model's columns in a hand-written SELECT, turned back into an instance as the ORM does it
    (the field's own database converters, then the instance `Model.from_db` would build), without
    compiling a query.

    `fields` limits the columns read; the others are deferred (loaded on first access, as `.only()`).

    Why not `Model.from_db` itself: `Model.__init__` walks every concrete field of the model and sends
    `pre_init`/`post_init`, ~30 µs an instance, more than the statement that read it (a look builds five).
    When nothing listens to those signals and every field's attribute is Django's plain one (no file
    field or custom descriptor that acts on assignment), the instance is its `__dict__` and `_state`,
    which is what `__init__` leaves behind; otherwise `from_db` builds it (tests/test_rawsql.py checks
    both give equal instances).
    """

    def __init__(self, model: type[Model], alias: str, fields: Sequence[str] | None = None) -> None:
        self.model = model
        concrete = model._meta.concrete_fields
        self.fields = [f for f in concrete if fields is None or f.attname in fields or f.name in fields]
        self.names = [f.attname for f in self.fields]
        self.alias = alias
        self.width = len(self.fields)
        self._converters: dict[str, list[tuple[int, Any, list[Any]]]] = {}
        self._plain_attributes = all(
            type(inspect.getattr_static(model, f.attname, None)) in PLAIN_ATTRIBUTES for f in concrete
        )

    def columns(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(str(f.column))}" for f in self.fields)

    def converters(self, db: Any = None) -> list[tuple[int, Any, list[Any]]]:
        """(index, column, its converters) of each field that has any, as the compiler finds them; once
        per database vendor."""
        db = db or connections[DEFAULT_DB_ALIAS]
        vendor = db.vendor
        if vendor not in self._converters:
            table_name = self.model._meta.db_table
            per_field = []
            for index, field in enumerate(self.fields):
                column = field.get_col(table_name)
                found = db.ops.get_db_converters(column) + column.get_db_converters(db)
                if found:
                    per_field.append((index, column, found))
            self._converters[vendor] = per_field
        return self._converters[vendor]

    def build(self, row: Sequence[Any], start: int = 0) -> Any:
        db = connections[DEFAULT_DB_ALIAS]  # one thread-local lookup, not one per value
        values = list(row[start : start + self.width])
        for index, column, converters in self.converters(db):
            for convert in converters:
                values[index] = convert(values[index], column, db)
        model = self.model
        # Any receiver at all (for any sender) is rare; `has_listeners` per sender would cost more than it saves.
        if not self._plain_attributes or pre_init.receivers or post_init.receivers:
            return model.from_db(db.alias, self.names, values)
        instance = model.__new__(model)
        instance.__dict__.update(zip(self.names, values, strict=True))
        state = instance._state = ModelState()
        state.adding = False
        state.db = db.alias
        return instance
