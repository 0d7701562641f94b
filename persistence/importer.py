"""Import a world document into the database, in one transaction.

A bad file (not JSON, wrong format, schema violation, a reference to something the file does not
contain, a database constraint) raises ImportRejected with a clear message and changes nothing.
Exporting the imported world gives back the same bytes: every row, timestamp and version is kept.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import orjson
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.db.models import BigIntegerField, Model, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from persistence.facade import save_world
from persistence.formats import mudsite
from persistence.formats.mudsite import InvalidWorldFile, parse_document, validate_document
from persistence.models import SaveState
from world import models as w
from world.services.worlds import world_empty
from world.validation import json_tree_text_problem, tree_text_problem

BATCH = 1000
ROWS_PER_INSERT = 500

# Told the name of each step before it runs (the admin shows it while a long import runs).
Progress = Callable[[str], None]


class ImportRejected(ValueError):
    """The file cannot be imported; nothing was changed."""


def when(value: str, where: str):
    parsed = parse_datetime(value)
    if parsed is None:
        raise ImportRejected(f"{where}: {value!r} is not a date-time")
    return parsed


def import_world_bytes(
    data: bytes,
    *,
    slug: str | None = None,
    replace: bool = False,
    progress: Progress | None = None,
    notes: list[str] | None = None,
) -> w.World:
    """Parse, validate and import a world file's bytes (mudsite format, or TinyMUD world_state).
    A TinyMUD conversion appends what it changed or dropped to `notes`."""
    from persistence.formats import tinymud

    if tinymud.looks_like_tinymud(data):
        try:
            document = tinymud.convert(data, slug=slug, notes=notes)
            validate_document(document)
        except (tinymud.TinyMudError, InvalidWorldFile) as exc:
            raise ImportRejected(f"not a TinyMUD world this server can read: {exc}") from None
    else:
        try:
            document = parse_document(data)
        except InvalidWorldFile as exc:
            raise ImportRejected(f"not a valid world file: {exc}") from None
        return import_world_document(document, slug=slug, replace=replace, progress=progress, source=data)
    return import_world_document(document, slug=slug, replace=replace, progress=progress)


def refuse_unstorable(document: dict[str, Any], *, slug: str | None, source: bytes | None = None) -> None:
    """What the database or a later export could not hold is refused here, on every database alike.
    `source`: the JSON text `document` was parsed from (a scan of it spares walking the tree)."""
    problem = tree_text_problem(document) if source is None else json_tree_text_problem(source, document)
    if problem:
        raise ImportRejected(f"the file holds text that cannot be stored: it {problem}")
    version = document.get("world_version") or 0
    if not isinstance(version, int) or not 0 <= version < 2**63:
        raise ImportRejected(f"world_version {version!r} is not a whole number below 2^63")
    slug_field = w.World._meta.get_field("slug")
    target = slug or (document.get("world") or {}).get("slug") or ""
    try:
        slug_field.run_validators(target)
        if len(target) > (slug_field.max_length or 0):
            raise ValidationError(f"at most {slug_field.max_length} characters")
    except ValidationError as exc:
        raise ImportRejected(f"slug {target[:80]!r} is not valid: {' '.join(exc.messages)}") from None


def import_world_document(
    document: dict[str, Any],
    *,
    slug: str | None = None,
    replace: bool = False,
    progress: Progress | None = None,
    source: bytes | None = None,
) -> w.World:
    refuse_unstorable(document, slug=slug, source=source)
    try:
        with transaction.atomic():
            return _import(document, slug=slug, replace=replace, progress=progress)
    except IntegrityError as exc:
        raise ImportRejected(f"the database refused the world: {exc}") from None
    except DatabaseError as exc:
        raise ImportRejected(f"the database refused the world: {exc}") from None


def uses_row_tuples(section: mudsite.Section) -> bool:
    """The world-scoped tables with uuids (rooms, exits, characters, items, ...) go in as plain
    tuples through one executemany; their ids come back by uuid."""
    return section.world_path == "world_id" and any(f.name == "uuid" for f in section.model._meta.concrete_fields)


def json_text_for_sqlite(field: Any, connection: Any) -> Callable[[Any], Any]:
    def prepare(value: Any) -> Any:
        if value is None:
            return None
        try:
            return orjson.dumps(value).decode()
        except orjson.JSONEncodeError:  # what orjson refuses, Django's encoder still says
            return field.get_db_prep_save(value, connection)

    return prepare


def column_preparer(field: Any, connection: Any) -> Callable[[Any], Any] | None:
    """How a value parsed from the file becomes the database's parameter (None: as it is).
    Django's get_db_prep_save does the same for every value of every row, at ~2 µs a value."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        if connection.vendor == "sqlite":
            return json_text_for_sqlite(field, connection)
        return lambda value: field.get_db_prep_save(value, connection)
    if kind == "UUIDField":
        native = connection.features.has_native_uuid_field

        def prepare_uuid(value: Any) -> Any:
            if value is None:
                return None
            value = value if isinstance(value, uuid.UUID) else uuid.UUID(value)
            return value if native else value.hex

        return prepare_uuid
    if kind == "DateTimeField":
        if _is_stamp(field):  # a section that does not carry it: stamped now, as a save would
            return lambda value: field.get_db_prep_save(value or timezone.now(), connection)
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert_tuples(section: mudsite.Section, rows: list[dict[str, Any]], *, world: w.World) -> list[int]:
    """Multi-row INSERTs of prepared values (no model instance per row), then the new ids read back
    by uuid, in the order of `rows`. `rows` map field names to values (foreign keys: ids)."""
    if not rows:
        return []
    model = section.model
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plan: list[tuple[str, Callable[[Any], Any] | None]] = []
    constants: dict[str, Any] = {"world": world.pk}
    for f in fields:
        if f.name not in rows[0] and f.name not in constants and not callable(f.default):
            constants[f.name] = f.get_db_prep_save(f.get_default(), connection)
        plan.append((f.name, None if f.name in constants else column_preparer(f, connection)))
    callable_defaults = {f.name: f.get_default for f in fields if f.name not in rows[0] and f.name not in constants}
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    # Many rows a statement: SQLite's cost is per statement (its statement journal, AUTOINCREMENT
    # bookkeeping, the triggers' set-up), so an executemany of one-row INSERTs took ~3x as long.
    rows_per_statement = max(1, min(ROWS_PER_INSERT, (connection.features.max_query_params or 999) // len(fields)))
    head = f"INSERT INTO {table} ({', '.join(quote(str(f.column)) for f in fields)}) VALUES "
    # The rows go to the driver's own cursor, in its placeholder style: Django's debug cursor (DEBUG, a
    # development checkout's default) renders every parameter of every statement into connection.queries,
    # and its SQLite cursor rewrites a statement's thousands of `%s` into `?` with a regular expression;
    # together ~a quarter of an import's own time. Errors are still Django's (the triggers' IntegrityError).
    mark = "?" if connection.vendor == "sqlite" else "%s"
    one_row = f"({', '.join([mark] * len(fields))})"
    full_statement = head + ", ".join([one_row] * rows_per_statement)
    uuid_at = [name for name, _ in plan].index("uuid")
    column_of = {f.name: quote(str(f.column)) for f in fields}
    world_column, uuid_column = column_of["world"], column_of["uuid"]
    pk_column = quote(str(model._meta.pk.column))  # type: ignore[union-attr]
    uuids: list[Any] = []  # as stored, in the order of `rows`
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({pk_column}), 0) FROM {table} WHERE {world_column} = %s", [world.pk])
        last_pk = cursor.fetchone()[0]
        with closing(connection.connection.cursor()) as driver_cursor:
            for start in range(0, len(rows), rows_per_statement):  # memory stays one statement's rows
                params = []
                for row in rows[start : start + rows_per_statement]:
                    if callable_defaults:
                        row = {**{name: make() for name, make in callable_defaults.items()}, **row}
                    row.update(constants)  # the caller's own dicts, built for this insert
                    params.append([row[name] if prepare is None else prepare(row[name]) for name, prepare in plan])
                statement = (
                    full_statement if len(params) == rows_per_statement else head + ", ".join([one_row] * len(params))
                )
                with connection.wrap_database_errors:
                    driver_cursor.execute(statement, list(itertools.chain.from_iterable(params)))
                uuids.extend(values[uuid_at] for values in params)
        cursor.execute(
            f"SELECT {uuid_column}, {pk_column} FROM {table} WHERE {world_column} = %s AND {pk_column} > %s",
            [world.pk, last_pk],
        )
        ids = dict(cursor.fetchall())
    return [ids[key] for key in uuids]


def _users(usernames: Iterable[str]) -> dict[str, Any]:
    """Accounts by username; missing ones are created without a usable password (reset needed)."""
    User = get_user_model()
    wanted = set(usernames)
    found = {u.username: u for u in User.objects.filter(username__in=wanted)}
    missing = []
    for username in sorted(wanted - set(found)):
        user = User(username=username)
        user.set_unusable_password()
        missing.append(user)
    for user in User.objects.bulk_create(missing, batch_size=BATCH):
        found[user.username] = user
    if missing and any(u.pk is None for u in missing):  # backends that do not return ids
        found.update({u.username: u for u in User.objects.filter(username__in=wanted)})
    return found


@dataclass
class Reference:
    """A field of a section that names a row of another section (or of the same one)."""

    key: str  # output key in the file
    field: str  # the foreign key's name on the model
    target: type[Model]
    section: mudsite.Section | None  # the section exporting the target (None: accounts)
    keys: tuple[str, ...]  # the target section's output keys the value is looked up by
    scope: tuple[str, ...]  # the row's keys that come first in the lookup (Section.scoped)
    nullable: bool


def _references(section: mudsite.Section) -> list[Reference]:
    references = []
    for key, lookup in section.fields.items():
        if "__" not in lookup:
            continue
        name, attr = lookup.split("__", 1)
        relation = section.model._meta.get_field(name)
        target = relation.related_model
        assert isinstance(target, type)
        scope = section.scoped.get(key, ())
        target_section = _section_of(target)
        keys = (*scope, *_output_keys(target_section, (attr,))) if target_section else ()
        references.append(Reference(key, name, target, target_section, keys, scope, bool(relation.null)))
    return references


def _section_of(model: type[Model]) -> mudsite.Section | None:
    return next((s for s in mudsite.SECTION_SPECS if s.model is model), None)


def _output_keys(section: mudsite.Section, lookups: tuple[str, ...]) -> tuple[str, ...]:
    by_lookup = {lookup: key for key, lookup in section.fields.items()}
    return tuple(by_lookup.get(lookup, lookup) for lookup in lookups)


def import_order() -> list[mudsite.Section]:
    """Sections in an order where each one's required references are already imported.

    Greedy, in file order: first a section all of whose references are ready; failing that, one
    whose non-null references are (its nullable ones to later sections are filled afterwards).
    """
    remaining = list(mudsite.SECTION_SPECS)
    done: set[type[Model]] = set()
    order: list[mudsite.Section] = []

    def ready(section: mudsite.Section, *, nullable_too: bool) -> bool:
        names_done = {s.name for s in order}
        if not set(section.after) <= names_done:
            return False
        for reference in _references(section):
            if reference.target is section.model or reference.section is None:
                continue
            if reference.target not in done and (nullable_too or not reference.nullable):
                return False
        return True

    while remaining:
        section = next((s for s in remaining if ready(s, nullable_too=True)), None)
        section = section or next((s for s in remaining if ready(s, nullable_too=False)), None)
        if section is None:
            raise ImproperlyConfigured(f"world sections with required references in a cycle: {remaining}")
        order.append(section)
        done.add(section.model)
        remaining.remove(section)
    return order


class Importer(mudsite.ImportContext):
    """One import: the world row, then every section (mudsite.SECTION_SPECS), then what was deferred."""

    def __init__(self, world: w.World, *, fresh: bool, users: dict[str, Any], progress: Progress | None = None) -> None:
        self.world = world
        self.fresh = fresh  # a copy under another slug gets new uuids (they are unique across worlds)
        self.users = users
        self.progress = progress or (lambda _step: None)
        self.imported: dict[str, list[tuple[dict[str, Any], int]]] = {}  # the file's row, its new id
        self.indexes: dict[tuple[str, tuple[str, ...]], dict[Any, int]] = {}
        self.deferred: list[tuple[mudsite.Section, Reference]] = []

    def index(self, section_name: str, keys: tuple[str, ...]) -> dict[Any, int]:
        """The rows of a section by the file's values of `keys` (the file's uuids, too, when the
        import gives new ones: references inside the file still resolve through them)."""
        found = self.indexes.get((section_name, keys))
        if found is None:
            found = {}
            for row, pk in self.imported.get(section_name, []):
                found[row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)] = pk
            self.indexes[(section_name, keys)] = found
        return found

    def find_id(self, section: str, key: Any, where: str) -> int:
        target = next(s for s in mudsite.SECTION_SPECS if s.name == section)
        return self.resolve(target, _output_keys(target, self.natural_key(target)), key, where, what=section)

    def natural_key(self, section: mudsite.Section) -> tuple[str, ...]:
        for candidate in ("name", "key", "uuid"):
            if candidate in section.fields.values():
                return (candidate,)
        raise ImproperlyConfigured(f"section {section.name} has no natural key")

    def resolve(self, target: mudsite.Section, keys: tuple[str, ...], value: Any, where: str, *, what: str) -> int:
        found = self.index(target.name, keys).get(value)
        if found is None:
            raise ImportRejected(f"{where}: {what} {value!r} is not in the file")
        return found

    def reference_id(self, reference: Reference, row: dict[str, Any], where: str) -> int | None:
        value = row[reference.key]
        if value is None:
            return None
        if reference.section is None:
            assert reference.target is get_user_model(), f"{reference.key}: no section exports {reference.target}"
            return self.users[value].pk
        if reference.scope:
            value = (*(row[k] for k in reference.scope), value)
        return self.resolve(reference.section, reference.keys, value, where, what=reference.key)

    def reference_index(self, reference: Reference) -> dict[Any, int]:
        """What reference_id looks values up in: (scope values +) natural key → id."""
        if reference.section is None:
            assert reference.target is get_user_model(), f"{reference.key}: no section exports {reference.target}"
            return {username: user.pk for username, user in self.users.items()}
        return self.index(reference.section.name, reference.keys)

    def run(self, document: dict[str, Any]) -> None:
        imported_models: set[type[Model]] = set()
        for section in import_order():
            self.progress(f"{section.name} ({len(document[section.name])})")
            self.import_section(section, document[section.name], imported_models)
            imported_models.add(section.model)
        self.progress("references")
        for section, reference in self.deferred:
            changed = []
            for i, (row, pk) in enumerate(self.imported[section.name]):
                related = self.reference_id(reference, row, f"{section.name}/{i}")
                if related is not None:
                    changed.append((related, pk))
            update_references(section, reference, changed)

    def import_section(self, section: mudsite.Section, rows: list[dict[str, Any]], ready: set[type[Model]]) -> None:
        references = _references(section)
        now_refs, self_refs, deferred = [], [], []
        for reference in references:
            if reference.target is section.model:
                self_refs.append(reference)
            elif reference.target in ready or reference.section is None:
                now_refs.append(reference)
            else:
                deferred.append(reference)
                self.deferred.append((section, reference))
        plain = {key: lookup for key, lookup in section.fields.items() if "__" not in lookup}
        datetimes = {
            key
            for key, lookup in plain.items()
            if section.model._meta.get_field(lookup).get_internal_type() == "DateTimeField"
        }
        parsed = []
        for i, row in enumerate(rows):
            where = f"{section.name}/{i}"
            if section.parse is not None:
                try:
                    row = section.parse(dict(row), self, where)
                except InvalidWorldFile as exc:
                    raise ImportRejected(str(exc)) from None
            parsed.append((i, row))
        self.imported[section.name] = []
        # Rows whose container (a reference to their own section) is not in yet wait for a later wave.
        remaining = parsed
        while remaining:
            wave = [(i, row) for i, row in remaining if all(self.self_ready(section, ref, row) for ref in self_refs)]
            if not wave:
                i, row = remaining[0]
                ref = self_refs[0]
                raise ImportRejected(f"{section.name}/{i}: {ref.key} {row[ref.key]!r} is not in the file (or a cycle)")
            # Each reference's index looked up once a wave, not through three calls a row and reference.
            lookups = [(reference, self.reference_index(reference)) for reference in (*now_refs, *self_refs)]
            resolved = []
            for i, row in wave:
                values: dict[str, Any] = {reference.field: None for reference in deferred}
                for key, lookup in plain.items():
                    value = row[key]
                    if key in datetimes and value is not None:
                        value = when(value, f"{section.name}/{i}")
                    values[lookup] = value
                if "uuid" in values and self.fresh:
                    values["uuid"] = uuid.uuid4()
                for reference, index in lookups:
                    value = row[reference.key]
                    if value is not None:
                        if reference.scope:
                            value = (*(row[k] for k in reference.scope), value)
                        found = index.get(value)
                        if found is None:
                            raise ImportRejected(f"{section.name}/{i}: {reference.key} {value!r} is not in the file")
                        value = found
                    values[reference.field] = value
                resolved.append(values)
            pks = insert_rows(section, resolved, world=self.world)
            for (i, _row), pk in zip(wave, pks, strict=True):
                self.imported[section.name].append((rows[i], pk))
            self.indexes = {k: v for k, v in self.indexes.items() if k[0] != section.name}
            done = {i for i, _ in wave}
            remaining = [(i, row) for i, row in remaining if i not in done]

    def self_ready(self, section: mudsite.Section, reference: Reference, row: dict[str, Any]) -> bool:
        value = row[reference.key]
        return value is None or value in self.index(section.name, reference.keys)


def _is_stamp(field: Any) -> bool:
    return bool(getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False))


def insert_rows(section: mudsite.Section, rows: list[dict[str, Any]], *, world: w.World) -> list[int]:
    """Insert one wave of a section's rows (field name → value, foreign keys as ids); their new ids."""
    if uses_row_tuples(section):
        return insert_tuples(section, rows, world=world)
    # The small tables (templates, ranks, memberships, ...): bulk_create, then their timestamps
    # again (auto_now_add overwrites them on insert).
    model = section.model
    attnames = {f.name: f.attname for f in model._meta.concrete_fields}
    world_at = {"world_id": world.pk} if section.world_path == "world_id" else {}
    objects = [model(**{attnames[name]: value for name, value in row.items()}, **world_at) for row in rows]
    stamped = [f for f in model._meta.concrete_fields if _is_stamp(f) and f.name in section.fields.values()]
    kept = [[getattr(obj, f.attname) for f in stamped] for obj in objects]
    model._default_manager.bulk_create(objects, batch_size=BATCH)
    connection = connections[router.db_for_write(model)]
    for at, f in enumerate(stamped):
        update_column(
            model,
            f.name,
            [(f.get_db_prep_save(values[at], connection), obj.pk) for obj, values in zip(objects, kept, strict=True)],
        )
    return [obj.pk for obj in objects]


def update_references(section: mudsite.Section, reference: Reference, changed: list[tuple[int, int]]) -> None:
    """A reference to a section imported later: (related id, row id) pairs."""
    update_column(section.model, reference.field, changed)


def update_column(model: type[Model], field_name: str, changed: list[tuple[Any, int]]) -> None:
    """One column of many rows: one executemany of (database value, row id)."""
    if not changed:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    column = quote(str(model._meta.get_field(field_name).column))  # type: ignore[union-attr]
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {column} = %s "
        f"WHERE {quote(str(model._meta.pk.column))} = %s"  # type: ignore[union-attr]
    )
    with connection.cursor() as cursor:
        for start in range(0, len(changed), BATCH):
            cursor.executemany(sql, changed[start : start + BATCH])


def _import(document: dict[str, Any], *, slug: str | None, replace: bool, progress: Progress | None) -> w.World:
    data = document["world"]
    slug = slug or data["slug"]
    world = w.World.objects.filter(slug=slug).first()
    prior_version = 0
    if world is not None:
        if not replace:
            raise ImportRejected(f"a world with slug {slug!r} already exists (use --replace to overwrite it)")
        prior_version = SaveState.objects.filter(pk=world.pk).values_list("dirty_version", flat=True).first() or 0
        world_empty(world=world)
    else:
        world = w.World(slug=slug)
    for key in w.WORLD_STATE_FIELDS:
        setattr(world, key, data[key])
    world.start_room = None
    world.save()

    users = _users([c["account"] for c in document["characters"] if c["account"] is not None] + list(data["builders"]))
    importer = Importer(world, fresh=slug != data["slug"], users=users, progress=progress)
    importer.run(document)

    world.builders.set([users[name] for name in data["builders"]])
    rooms = next(s for s in mudsite.SECTION_SPECS if s.model is w.Room)
    if data["start_room"] is not None:
        world.start_room_id = importer.resolve(rooms, ("key",), data["start_room"], "world", what="start room")
    world.save(update_fields=["start_room"])
    w.World.objects.filter(pk=world.pk).update(
        created_at=when(data["created_at"], "world"), updated_at=when(data["updated_at"], "world")
    )
    save_world(world, debounced=False)  # bulk writes bypass the signals
    # The imported state is the file's version (never lower than what this world had before),
    # so exporting it again gives the same bytes.
    SaveState.objects.filter(pk=world.pk).update(
        dirty_version=Greatest(
            Value(prior_version + 1), Value(document.get("world_version") or 0), output_field=BigIntegerField()
        )
    )
    world.refresh_from_db()
    return world
