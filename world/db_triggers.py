"""Cross-table invariants as database triggers, for SQLite and PostgreSQL.

A CHECK constraint cannot look at another table, so "both ends of a link are in the same
world" (and "a membership's rank belongs to its faction") are triggers. They are derived
from the models: every foreign key from a world-scoped model to another world-scoped model
gets one, plus the few rules listed in EXTRA_RULES. They are (re)installed after every
`migrate` (post_migrate): SQLite drops a table's triggers when a migration rebuilds it.

Besides the invariants, one counter: `ExitsVersion.version` moves whenever a world's exit graph
may have changed (see `exits_version_statements`), so the world clock can keep its graph across
ticks whoever else writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class ScopeRule:
    """NEW.<column> must point at a row of <ref_table> whose <ref_scope> equals <expected>.

    <expected> is an SQL expression over NEW (a column, or a sub-select through another column).
    """

    table: str
    column: str
    ref_table: str
    ref_scope: str
    expected: str
    watched: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"mudsite_{self.table}_{self.column}_scope"[:63]

    @property
    def message(self) -> str:
        return f"{self.table}.{self.column} must refer to a {self.ref_table} row of the same {self.ref_scope}"


def _sub_select(table: str, column: str, new_column: str) -> str:
    return f"(SELECT {column} FROM {table} WHERE id = NEW.{new_column})"


def scope_rules() -> list[ScopeRule]:
    rules: list[ScopeRule] = []
    for model in apps.get_app_config("world").get_models():
        fields = {f.name: f for f in model._meta.concrete_fields}
        if "world" not in fields:
            continue
        for field in model._meta.concrete_fields:
            related = field.related_model
            if not field.is_relation or field.name == "world" or related is None:
                continue
            if "world" not in {f.name for f in related._meta.concrete_fields}:
                continue
            column = str(field.column)
            rules.append(
                ScopeRule(
                    model._meta.db_table,
                    column,
                    related._meta.db_table,
                    "world_id",
                    "NEW.world_id",
                    (column, "world_id"),
                )
            )
    return rules + extra_rules()


def extra_rules() -> list[ScopeRule]:
    table = {
        name: apps.get_model("world", name)._meta.db_table
        for name in (
            "World",
            "Room",
            "Character",
            "Faction",
            "FactionRank",
            "FactionRole",
            "FactionMembership",
            "FactionLink",
        )
    }
    membership, link = table["FactionMembership"], table["FactionLink"]
    return [
        ScopeRule(table["World"], "start_room_id", table["Room"], "world_id", "NEW.id", ("start_room_id",)),
        ScopeRule(
            membership,
            "character_id",
            table["Character"],
            "world_id",
            _sub_select(table["Faction"], "world_id", "faction_id"),
            ("character_id", "faction_id"),
        ),
        ScopeRule(
            membership, "rank_id", table["FactionRank"], "faction_id", "NEW.faction_id", ("rank_id", "faction_id")
        ),
        ScopeRule(
            membership, "role_id", table["FactionRole"], "faction_id", "NEW.faction_id", ("role_id", "faction_id")
        ),
        ScopeRule(
            link,
            "faction_b_id",
            table["Faction"],
            "world_id",
            _sub_select(table["Faction"], "world_id", "faction_a_id"),
            ("faction_a_id", "faction_b_id"),
        ),
    ]


def _violation(rule: ScopeRule) -> str:
    return (
        f"NEW.{rule.column} IS NOT NULL AND "
        f"{_sub_select(rule.ref_table, rule.ref_scope, rule.column)} IS DISTINCT FROM {rule.expected}"
    )


def sqlite_statements(rule: ScopeRule) -> list[str]:
    condition = _violation(rule).replace("IS DISTINCT FROM", "IS NOT")
    body = f"FOR EACH ROW WHEN {condition} BEGIN SELECT RAISE(ABORT, '{rule.message}'); END"
    return [
        f"DROP TRIGGER IF EXISTS {rule.name}_ins",
        f"DROP TRIGGER IF EXISTS {rule.name}_upd",
        f"CREATE TRIGGER {rule.name}_ins BEFORE INSERT ON {rule.table} {body}",
        f"CREATE TRIGGER {rule.name}_upd BEFORE UPDATE OF {', '.join(rule.watched)} ON {rule.table} {body}",
    ]


def postgresql_statements(rule: ScopeRule) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {rule.name}() RETURNS trigger AS $$
        BEGIN
            IF {_violation(rule)} THEN
                RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{rule.message}';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"CREATE OR REPLACE TRIGGER {rule.name} BEFORE INSERT OR UPDATE OF {', '.join(rule.watched)} "
        f"ON {rule.table} FOR EACH ROW EXECUTE FUNCTION {rule.name}()",
    ]


@dataclass(frozen=True)
class GraphTable:
    """A table whose rows the clock's exit graph is built from, and the columns it reads."""

    table: str
    watched: tuple[str, ...]


def exits_version_tables() -> tuple[str, str, list[GraphTable]]:
    """(the world table, the counter table, what moves the counter). Exits: any insert or delete,
    and updates of what a route reads (ends, name, locks, world). Rooms: only an id, key or world
    change (the graph is ordered by source key; a room with exits cannot be deleted without them)."""
    table = {name: apps.get_model("world", name)._meta.db_table for name in ("World", "Room", "Exit", "ExitsVersion")}
    exit_columns = ("id", "world_id", "source_id", "destination_id", "name", "is_locked", "lock_allow_ids")
    return (
        table["World"],
        table["ExitsVersion"],
        [GraphTable(table["Exit"], exit_columns), GraphTable(table["Room"], ("id", "world_id", "key"))],
    )


def _bump(counter: str, worlds: str) -> str:
    return f"UPDATE {counter} SET version = version + 1 WHERE world_id IN ({worlds})"


def exits_version_sqlite_statements() -> list[str]:
    """Row triggers (SQLite has no other kind): a bump per changed row is a few µs, in place."""
    world, counter, graph_tables = exits_version_tables()
    exit_table = graph_tables[0].table
    statements = [
        "DROP TRIGGER IF EXISTS mudsite_exits_version_new_world",
        f"CREATE TRIGGER mudsite_exits_version_new_world AFTER INSERT ON {world} FOR EACH ROW BEGIN "
        f"INSERT OR IGNORE INTO {counter} (world_id, version) VALUES (NEW.id, 0); END",
    ]
    for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
        name = f"mudsite_exits_version_{event.lower()}"
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {event} ON {exit_table} FOR EACH ROW BEGIN "
            f"{_bump(counter, f'{row}.world_id')}; END",
        ]
    for graph_table in graph_tables:
        name = f"mudsite_exits_version_{graph_table.table}_update"[:63]
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in graph_table.watched)
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER UPDATE OF {', '.join(graph_table.watched)} ON {graph_table.table} "
            f"FOR EACH ROW WHEN {changed} BEGIN {_bump(counter, 'OLD.world_id, NEW.world_id')}; END",
        ]
    return statements


def _postgresql_trigger(name: str, event: str, table: str, referencing: str, body: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            {body};
            RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        f"CREATE OR REPLACE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def exits_version_postgresql_statements() -> list[str]:
    """Statement triggers over transition tables: one bump per statement, not per row (a
    20,000-exit import updating one counter row 20,000 times in one transaction would grow its
    version chain quadratically)."""
    world, counter, graph_tables = exits_version_tables()
    exit_table = graph_tables[0].table
    statements = _postgresql_trigger(
        "mudsite_exits_version_new_world",
        "INSERT",
        world,
        "NEW TABLE AS new_rows",
        f"INSERT INTO {counter} (world_id, version) SELECT id, 0 FROM new_rows ON CONFLICT DO NOTHING",
    )
    for event, rows in (("INSERT", "NEW"), ("DELETE", "OLD")):
        statements += _postgresql_trigger(
            f"mudsite_exits_version_{event.lower()}",
            event,
            exit_table,
            f"{rows} TABLE AS changed_rows",
            _bump(counter, "SELECT world_id FROM changed_rows"),
        )
    for graph_table in graph_tables:
        columns = ", ".join(graph_table.watched)
        # Rows that are not the same on both sides, by every watched column (an id change too).
        changed = (
            f"SELECT world_id FROM (SELECT {columns} FROM old_rows EXCEPT SELECT {columns} FROM new_rows) AS gone "
            f"UNION SELECT world_id FROM (SELECT {columns} FROM new_rows EXCEPT SELECT {columns} FROM old_rows) AS came"
        )
        statements += _postgresql_trigger(
            f"mudsite_exits_version_{graph_table.table}_update"[:63],
            "UPDATE",
            graph_table.table,
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            _bump(counter, changed),
        )
    return statements


def drop_exits_version_triggers(connection: BaseDatabaseWrapper) -> None:
    """Before the counter table goes (migration 0012 backwards): triggers naming a missing table would
    fail every later write to worlds, exits and rooms."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'mudsite_exits_version%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'mudsite_exits_version%%'"
            )
            for name, table_name in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table_name}"')


def install_triggers(connection: BaseDatabaseWrapper) -> int:
    render = {"sqlite": sqlite_statements, "postgresql": postgresql_statements}.get(connection.vendor)
    if render is None:
        return 0
    counter = {"sqlite": exits_version_sqlite_statements, "postgresql": exits_version_postgresql_statements}
    rules = scope_rules()
    with connection.cursor() as cursor:
        for rule in rules:
            for statement in render(rule):
                cursor.execute(statement)
        for statement in counter[connection.vendor]():
            cursor.execute(statement)
    return len(rules)


def install_triggers_after_migrate(sender, using: str = "default", **kwargs) -> None:
    install_triggers(connections[using])
