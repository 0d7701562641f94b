"""The mudsite world format: one JSON document per world (docs/world-format.md).

Writing streams every table of one world with `values().iterator()` + orjson, one row per line,
rows in natural-key order and keys sorted, references by natural keys or uuids (never database
ids). The same state therefore gives the same bytes, on any database that holds it. Every row
is checked against the JSON Schema (mudsite-world.schema.json) before it is written.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import jsonschema_rs
import orjson
from django.db import connection
from django.db.models import Expression, F, Model, QuerySet
from django.db.models.functions import Collate, Lower

from persistence.formats.schema import FORMAT_NAME, FORMAT_VERSION, SECTIONS
from world import models as w
from world.sheet import sheet_errors
from world.simulation.models import CLOCK_SETTINGS

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).with_name("mudsite-world.schema.json")
CHUNK_ROWS = 2000
HEADER_RE = re.compile(rb'^\{"format":"([a-z-]+)","version":(\d+),"world_version":(\d+),')
ORJSON_OPTIONS = orjson.OPT_SORT_KEYS


class InvalidWorldFile(ValueError):
    """A world document that does not match the schema (export refused, or import rejected)."""


@functools.cache
def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


@functools.cache
def row_validator(definition: str) -> Any:
    # jsonschema-rs: the same JSON Schema, ~1 µs a row (the pure-Python validator takes ~500 µs,
    # which would make validation 15x the cost of the export itself).
    schema = load_schema()
    return jsonschema_rs.validator_for({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})


def raise_first_error(validator: Any, instance: Any, where: str) -> None:
    if validator.is_valid(instance):
        return
    error = next(iter(validator.iter_errors(instance)))
    path = "/".join(str(p) for p in error.instance_path)
    raise InvalidWorldFile(f"{where}{'/' + path if path else ''}: {error.message}")


def check_row(definition: str, row: dict[str, Any], where: str) -> None:
    raise_first_error(row_validator(definition), row, where)


@functools.cache
def rows_validator(definition: str) -> Any:
    """The same row definition, for a list of rows: one call validates a whole batch."""
    schema = load_schema()
    return jsonschema_rs.validator_for(
        {"type": "array", "items": {"$ref": f"#/$defs/{definition}"}, "$defs": schema["$defs"]}
    )


def check_rows(definition: str, rows: list[dict[str, Any]], section: str, first_index: int) -> None:
    """Every row of a batch against its definition; the error names the row as check_row would."""
    validator = rows_validator(definition)
    if validator.is_valid(rows):
        return
    error = next(iter(validator.iter_errors(rows)))
    at, *path = error.instance_path
    where = f"{section}/{first_index + int(at)}"
    raise InvalidWorldFile(f"{where}{'/' + '/'.join(str(p) for p in path) if path else ''}: {error.message}")


def binary(expression: Expression | str) -> Expression:
    """Order by bytes, not by the database's locale, so every engine sorts alike."""
    expr: Expression = F(expression) if isinstance(expression, str) else expression  # type: ignore[assignment]
    return Collate(expr, "C") if connection.vendor == "postgresql" else expr


def ci(field_name: str) -> list[Expression]:
    return [binary(Lower(field_name)), binary(field_name)]


CHARACTER_SCALARS = (
    "is_npc",
    "description",
    "hunger",
    "thirst",
    "socialization",
    "sleep",
    "safety",
    "currency",
    "responsibility",
    "aggression",
    "confidence",
    "curiosity",
    "strength",
    "dexterity",
    "intelligence",
    "health",
    "hp",
    "max_hp",
    "morale",
    "is_dead",
    "sheet",
    "uuid",
    "created_at",
)


class ImportContext(Protocol):
    """What a section's `parse` hook may ask the importer: the id of a row already imported, by its key."""

    def find_id(self, section: str, key: Any, where: str) -> int: ...


@dataclass(frozen=True)
class Section:
    """One array of the document: which rows, in which order, which fields under which names.

    The exporter and the importer both read it (persistence/README.md, "Adding a section"):

    - `fields` maps each output key to a `values()` lookup. A plain column ("name") is copied
      both ways; a lookup through a foreign key ("room__key") is written as the related row's
      natural key and, on import, resolved to the row of that key (the section exporting the
      related model must be imported first, or the foreign key must be nullable: it is then
      filled in a second pass).
    - `scoped` names references whose key is only unique inside another reference of the same
      row: {"rank": ("faction",)} resolves "rank" by (row["faction"], row["rank"]) against the
      rank section's ("faction", "name").
    - `transform` (export) and `parse` (import) are inverse hooks for what a lookup cannot say
      (ids inside JSON, a symmetric pair); `after` lists the sections `parse` needs imported.
    """

    name: str
    model: type[Model]
    world_path: str  # lookup from the model to its world id
    order: Callable[[], list[Any]]
    fields: dict[str, str]  # output key → values() lookup
    transform: Callable[[dict[str, Any], ExportContext], dict[str, Any]] | None = None
    sort_in_python: Callable[[dict[str, Any]], Any] | None = None
    parse: Callable[[dict[str, Any], ImportContext, str], dict[str, Any]] | None = None
    after: tuple[str, ...] = ()
    scoped: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def definition(self) -> str:
        return SECTIONS[self.name]

    def queryset(self, world_id: int) -> QuerySet:
        return (
            self.model._default_manager.filter(**{self.world_path: world_id})
            .order_by(*self.order())
            .values_list(*self.fields.values())
        )


@dataclass
class ExportContext:
    world_id: int
    _names: dict[int, str] | None = field(default=None)

    def character_name(self, character_id: Any) -> str | None:
        if self._names is None:
            self._names = dict(w.Character.objects.filter(world_id=self.world_id).values_list("id", "name"))
        try:
            return self._names.get(int(character_id))
        except (TypeError, ValueError):
            return None


def exit_locks(row: dict[str, Any], ctx: ExportContext) -> dict[str, Any]:
    ids = row.pop("lock_allow_ids") or []
    if not ids and not row["lock_allow_relationships"]:
        row["lock_allow"], row["lock_allow_relationships"] = [], []
        return row
    row["lock_allow"] = [name for name in (ctx.character_name(i) for i in ids) if name is not None]
    rules = []
    for rule in row["lock_allow_relationships"] or []:
        if isinstance(rule, dict) and "to" in rule:
            name = ctx.character_name(rule["to"])
            if name is None:
                continue  # a rule about a character that no longer exists cannot be kept
            rule = {**rule, "to": name}
        rules.append(rule)
    row["lock_allow_relationships"] = rules
    return row


def exit_locks_parse(row: dict[str, Any], ctx: ImportContext, where: str) -> dict[str, Any]:
    row["lock_allow_ids"] = [ctx.find_id("characters", name, where) for name in row.pop("lock_allow")]
    row["lock_allow_relationships"] = [
        {**rule, "to": ctx.find_id("characters", rule["to"], where)}
        if isinstance(rule, dict) and "to" in rule
        else rule
        for rule in row["lock_allow_relationships"]
    ]
    return row


def link_pair(row: dict[str, Any], ctx: ExportContext) -> dict[str, Any]:
    return {"factions": sorted([row.pop("a"), row.pop("b")], key=lambda n: (n.lower(), n)), **row}


def link_pair_parse(row: dict[str, Any], ctx: ImportContext, where: str) -> dict[str, Any]:
    # Stored once, the lower faction id first (the table's check constraint).
    low, high = sorted(row.pop("factions"), key=lambda name: ctx.find_id("factions", name, where))
    return {**row, "a": low, "b": high}


def character_sheet_checked(row: dict[str, Any], ctx: ImportContext, where: str) -> dict[str, Any]:
    errors = sheet_errors(row["sheet"])
    if errors:
        raise InvalidWorldFile(f"{where}/sheet: {'; '.join(errors)}")
    return row


def same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


SECTION_SPECS: tuple[Section, ...] = (
    Section(
        "rooms",
        w.Room,
        "world_id",
        lambda: ci("key"),
        {**same("key", "name", "description", "tags", "uuid"), "faction": "faction__name", "owner": "owner__name"},
    ),
    Section(
        "exits",
        w.Exit,
        "world_id",
        lambda: [*ci("source__key"), *ci("name")],
        {
            **same("uuid", "name", "kind", "is_locked", "lock_allow_ids", "lock_allow_relationships"),
            "source": "source__key",
            "destination": "destination__key",
        },
        transform=exit_locks,
        parse=exit_locks_parse,
        after=("characters",),
    ),
    Section(
        "characters",
        w.Character,
        "world_id",
        lambda: ci("name"),
        {
            **same("name", *CHARACTER_SCALARS),
            "account": "account__username",
            "room": "room__key",
            "home_bed": "home_bed__uuid",
            "equipped_weapon": "equipped_weapon__uuid",
        },
        parse=character_sheet_checked,
    ),
    Section("item_templates", w.ItemTemplate, "world_id", lambda: ci("key"), same("key", *w.ITEM_FIELDS)),
    Section(
        "items",
        w.Item,
        "world_id",
        lambda: [F("uuid")],  # uuid order is byte order on every engine (no collation applies)
        {
            **same("uuid", *w.ITEM_FIELDS, "container_opened", "container_searched", "slot", "container_slot"),
            "template": "template__key",
            "owner": "owner__name",
            "faction": "faction__name",
            "room": "room__key",
            "character": "character__name",
            "container": "container__uuid",
        },
    ),
    Section(
        "factions",
        w.Faction,
        "world_id",
        lambda: ci("name"),
        {**same("name", "description", "leadership_threshold", "uuid", "created_at"), "leader": "leader__name"},
    ),
    Section(
        "faction_ranks",
        w.FactionRank,
        "faction__world_id",
        lambda: [*ci("faction__name"), *ci("name")],
        {**same("name", "level"), "faction": "faction__name"},
    ),
    Section(
        "faction_roles",
        w.FactionRole,
        "faction__world_id",
        lambda: [*ci("faction__name"), *ci("key")],
        {**same("key", "name", "description", "contract_type", "contract_config"), "faction": "faction__name"},
    ),
    Section(
        "faction_memberships",
        w.FactionMembership,
        "faction__world_id",
        lambda: [*ci("faction__name"), *ci("character__name")],
        {
            **same("joined_at"),
            "faction": "faction__name",
            "character": "character__name",
            "rank": "rank__name",
            "role": "role__key",
        },
        scoped={"rank": ("faction",), "role": ("faction",)},
    ),
    Section(
        "faction_links",
        w.FactionLink,
        "faction_a__world_id",
        lambda: [],
        {**same("stance"), "a": "faction_a__name", "b": "faction_b__name"},
        transform=link_pair,
        sort_in_python=lambda r: [(n.lower(), n) for n in r["factions"]],
        parse=link_pair_parse,
    ),
    Section(
        "relationships",
        w.Relationship,
        "world_id",
        lambda: [*ci("source__name"), *ci("target__name")],
        {**same("label"), "source": "source__name", "target": "target__name"},
    ),
    # -- world clock (issue 14): settings and daily duties; plans, memories and ambitions live in the
    # character's `sheet`, the game clock in the world's `game_time_ticks`.
    Section(
        "world_clock",
        w.WorldClock,
        "world_id",
        lambda: [],
        same(*CLOCK_SETTINGS),
    ),
    Section(
        "daily_duties",
        w.DailyDuty,
        "world_id",
        lambda: ["issued_tick", *ci("character__name"), *ci("role_name"), "deadline_tick", "status"],
        {
            **same("role_name", "kind", "resource_tag", "amount", "issued_tick", "deadline_tick", "status"),
            "character": "character__name",
            "faction": "faction__name",
            "room": "room__key",
        },
    ),
    Section(
        "missions",
        w.Mission,
        "world_id",
        lambda: [F("uuid")],
        {
            **same("uuid", "title", "description", "status", "reward_currency", "reward_xp", "reward_items"),
            **same("deadline", "rewarded", "created_at"),
            "issuer": "issuer__name",
            "assignee": "assignee__name",
        },
    ),
    Section(
        "mission_objectives",
        w.MissionObjective,
        "mission__world_id",
        lambda: [F("mission__uuid"), F("position")],
        {
            **same("position", "kind", "description", "target_count", "current_count", "completed"),
            "mission": "mission__uuid",
            "target_character": "target_character__name",
            "target_template": "target_template__key",
            "target_room": "target_room__key",
        },
    ),
)

WORLD_FIELDS = {
    **same("slug", *w.WORLD_STATE_FIELDS, "created_at", "updated_at"),
    "start_room": "start_room__key",
}


def world_row(world_id: int) -> dict[str, Any]:
    values = w.World.objects.filter(pk=world_id).values_list(*WORLD_FIELDS.values()).get()
    row = as_json_types(tuple(WORLD_FIELDS))(values)
    row["builders"] = sorted(
        w.World.builders.through.objects.filter(world_id=world_id).values_list("user__username", flat=True)
    )
    return row


# Columns whose Python values are not JSON types: uuids and date-times become their text form
# here, so the schema checks exactly what is written.
UUID_KEYS = frozenset({"uuid", "home_bed", "equipped_weapon", "container", "mission"})
DATETIME_KEYS = frozenset({"created_at", "updated_at", "joined_at", "deadline"})


def as_json_types(names: tuple[str, ...]) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    uuid_at = [i for i, name in enumerate(names) if name in UUID_KEYS]
    datetime_at = [i for i, name in enumerate(names) if name in DATETIME_KEYS]

    def convert(values: tuple[Any, ...]) -> dict[str, Any]:
        if uuid_at or datetime_at:
            values_list = list(values)
            for i in uuid_at:
                if values_list[i] is not None:
                    values_list[i] = str(values_list[i])
            for i in datetime_at:
                if values_list[i] is not None:
                    values_list[i] = values_list[i].isoformat()
            values = tuple(values_list)
        return dict(zip(names, values, strict=True))

    return convert


def section_rows_orm(section: Section, world_id: int, ctx: ExportContext) -> Iterator[dict[str, Any]]:
    """The reference reader: Django's own conversions (used by tests to check the fast reader)."""
    convert = as_json_types(tuple(section.fields))
    rows: Iterable[dict[str, Any]] = map(convert, section.queryset(world_id).iterator(chunk_size=CHUNK_ROWS))
    return finish_rows(section, rows, ctx)


def finish_rows(section: Section, rows: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[dict[str, Any]]:
    if section.transform is not None:
        transform = section.transform
        rows = (transform(row, ctx) for row in rows)
    if section.sort_in_python is not None:
        rows = sorted(rows, key=section.sort_in_python)
    return iter(rows)


def resolve_field(model: type[Model], lookup: str) -> tuple[Any, bool]:
    """The field a values() lookup ends on, and whether the value may be NULL (a nullable field,
    or a nullable foreign key on the way)."""
    *path, last = lookup.split("__")
    nullable = False
    for part in path:
        relation = model._meta.get_field(part)
        nullable = nullable or bool(relation.null)
        model = relation.related_model  # type: ignore[assignment]
    field = model._meta.get_field(last)
    return field, nullable or bool(field.null)


def uuid_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 32:  # SQLite stores uuids as 32 hex digits
            return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
        return value
    return str(value)


def datetime_text(value: Any) -> Any:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        return value.isoformat() + "+00:00"
    return value.isoformat()


def json_column(value: str | bytes) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        # orjson refuses a lone surrogate escape that Django's json.dumps stored; the stdlib reads it,
        # and dumps() below replaces it, so the world still exports.
        return json.loads(value)


def json_value(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return json_column(value)
    return value


def converter_for(field: Any, nullable: bool) -> Callable[[Any], Any] | None:
    """How a raw cursor value becomes its JSON value (None: it already is one). Both backends hand
    back booleans, floats and ints as such, JSON columns as text, uuids as hex text (SQLite) or
    UUID objects (PostgreSQL), date-times naive (SQLite) or aware (PostgreSQL)."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return json_value if nullable else json_column
    if kind == "UUIDField":
        return uuid_text if nullable or connection.vendor == "sqlite" else str
    if kind == "DateTimeField":
        return datetime_text
    return None


def section_rows(section: Section, world_id: int, ctx: ExportContext) -> Iterator[dict[str, Any]]:
    """Stream one section through a raw (server-side on PostgreSQL) cursor.

    Django's per-value converters were two thirds of the export time; these few do the same
    job (a test checks the output equals the ORM reader's byte for byte). Values are converted a
    column of a batch at a time, and rows built with map/zip, so the per-row work stays in C.
    """
    names = tuple(section.fields)
    converters = [
        (i, convert)
        for i, lookup in enumerate(section.fields.values())
        if (convert := converter_for(*resolve_field(section.model, lookup))) is not None
    ]
    queryset = section.queryset(world_id)
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()

    def rows() -> Iterator[dict[str, Any]]:
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(CHUNK_ROWS):
                if converters:
                    columns: list[Any] = list(zip(*chunk, strict=True))
                    for i, convert in converters:
                        columns[i] = convert_column(convert, columns[i])
                    chunk = zip(*columns, strict=True)
                yield from map(dict, map(zip, itertools.repeat(names), chunk))

    return finish_rows(section, rows(), ctx)


def convert_column(convert: Callable[[Any], Any], values: tuple[Any, ...]) -> list[Any]:
    if convert is json_column:  # orjson's own loop when every value parses (the usual case)
        try:
            return list(map(orjson.loads, values))
        except orjson.JSONDecodeError:
            pass
    return list(map(convert, values))


dumps_sorted = functools.partial(orjson.dumps, option=ORJSON_OPTIONS)


def dumps_rows(rows: Iterable[dict[str, Any]]) -> bytes:
    """A batch of rows, one a line (",\n" between them), as dumps() would write each."""
    try:
        return b",\n".join(map(dumps_sorted, rows))
    except orjson.JSONEncodeError:
        return b",\n".join(map(dumps, rows))


def dumps(row: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(row, option=ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        # A value the edge should have refused (a lone surrogate from before world.validation, or a raw
        # SQL write) must not freeze the world's file for good: write it with U+FFFD and say so.
        scrubbed = _unencodable_text_replaced(row)
        REPLACED_TEXT.count += 1
        logger.warning("export: replaced unencodable text in a row (uuid %s) with U+FFFD", row.get("uuid"))
        return orjson.dumps(scrubbed, option=ORJSON_OPTIONS)


@dataclass
class ReplacedTextCounter:
    """How many exported rows had unencodable text replaced in this process (a warning each)."""

    count: int = 0


REPLACED_TEXT = ReplacedTextCounter()


def _unencodable_text_replaced(value: Any) -> Any:
    if isinstance(value, str):
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)
    if isinstance(value, dict):
        return {_unencodable_text_replaced(k): _unencodable_text_replaced(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_unencodable_text_replaced(v) for v in value]
    return value


def write_world(
    out: IO[bytes],
    world_id: int,
    world_version: int,
    *,
    validate: bool = True,
    after_chunk: Callable[[], None] | None = None,
    reader: Callable[[Section, int, ExportContext], Iterator[dict[str, Any]]] | None = None,
) -> None:
    """Stream the document of one world into `out` (called inside one read snapshot)."""
    read = reader or section_rows
    ctx = ExportContext(world_id)
    world = world_row(world_id)
    if validate:
        check_row("world", world, "world")
    out.write(
        b'{"format":"%s","version":%d,"world_version":%d,\n"world":%s'
        % (FORMAT_NAME.encode(), FORMAT_VERSION, world_version, dumps(world))
    )
    # Batches: one validation call and one write per batch (per-row calls were a third of the export).
    batch_rows = CHUNK_ROWS if after_chunk is None else 50
    for section in SECTION_SPECS:
        out.write(b',\n"%s":[' % section.name.encode())
        index = 0
        for batch in itertools.batched(read(section, world_id, ctx), batch_rows):
            rows = list(batch)
            if validate:
                check_rows(section.definition, rows, section.name, index)
            out.write(b"\n" if index == 0 else b",\n")
            out.write(dumps_rows(rows))
            index += len(rows)
            if after_chunk is not None and len(rows) == batch_rows:
                after_chunk()
        out.write(b"]")
    out.write(b"}\n")


def render_world(world_id: int, world_version: int, *, validate: bool = True, reader=None) -> bytes:
    """The whole document in memory (tests, downloads of small worlds)."""
    import io

    buffer = io.BytesIO()
    write_world(buffer, world_id, world_version, validate=validate, reader=reader)
    return buffer.getvalue()


def read_header(prefix: bytes) -> tuple[str, int, int] | None:
    """(format, version, world_version) from the first bytes of a file, or None."""
    match = HEADER_RE.match(prefix)
    if match is None:
        return None
    return match.group(1).decode(), int(match.group(2)), int(match.group(3))


def parse_document(data: bytes) -> dict[str, Any]:
    """Parse and fully validate a mudsite world document; raises InvalidWorldFile with the cause."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidWorldFile(f"not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise InvalidWorldFile("the document must be a JSON object")
    if document.get("format") != FORMAT_NAME:
        raise InvalidWorldFile(f"format must be {FORMAT_NAME!r}, got {document.get('format')!r}")
    if document.get("version") != FORMAT_VERSION:
        raise InvalidWorldFile(f"unsupported format version {document.get('version')!r} (this server reads 1)")
    validate_document(document)
    return document


@functools.cache
def document_validator() -> Any:
    return jsonschema_rs.validator_for(load_schema())


def validate_document(document: dict[str, Any]) -> None:
    raise_first_error(document_validator(), document, "document")
