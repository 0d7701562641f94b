"""Import a world document into the database, in one transaction.

A bad file (not JSON, wrong format, schema violation, a reference to something the file does not
contain, a database constraint) raises ImportRejected with a clear message and changes nothing.
Exporting the imported world gives back the same bytes: every row, timestamp and version is kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.db.models import BigIntegerField, Max, Model, Value
from django.db.models.functions import Greatest
from django.utils.dateparse import parse_datetime

from persistence.facade import save_world
from persistence.formats.mudsite import (
    CHARACTER_SCALARS,
    InvalidWorldFile,
    parse_document,
    validate_document,
)
from persistence.models import SaveState
from world import models as w
from world.sheet import sheet_errors
from world.validation import tree_text_problem

M = TypeVar("M", bound=Model)
BATCH = 1000


class ImportRejected(ValueError):
    """The file cannot be imported; nothing was changed."""


def ref[M: Model](table: dict[str, M], name: str | None, what: str, where: str) -> M | None:
    if name is None:
        return None
    try:
        return table[name]
    except KeyError:
        raise ImportRejected(f"{where}: {what} {name!r} is not in the file") from None


def when(value: str, where: str):
    parsed = parse_datetime(value)
    if parsed is None:
        raise ImportRejected(f"{where}: {value!r} is not a date-time")
    return parsed


def import_world_bytes(data: bytes, *, slug: str | None = None, replace: bool = False) -> w.World:
    """Parse, validate and import a world file's bytes (mudsite format, or TinyMUD world_state)."""
    from persistence.formats import tinymud

    if tinymud.looks_like_tinymud(data):
        try:
            document = tinymud.convert(data, slug=slug)
            validate_document(document)
        except (tinymud.TinyMudError, InvalidWorldFile) as exc:
            raise ImportRejected(f"not a TinyMUD world this server can read: {exc}") from None
    else:
        try:
            document = parse_document(data)
        except InvalidWorldFile as exc:
            raise ImportRejected(f"not a valid world file: {exc}") from None
    return import_world_document(document, slug=slug, replace=replace)


def refuse_unstorable(document: dict[str, Any], *, slug: str | None) -> None:
    """What the database or a later export could not hold is refused here, on every database alike."""
    problem = tree_text_problem(document)
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


def import_world_document(document: dict[str, Any], *, slug: str | None = None, replace: bool = False) -> w.World:
    refuse_unstorable(document, slug=slug)
    try:
        with transaction.atomic():
            return _import(document, slug=slug, replace=replace)
    except IntegrityError as exc:
        raise ImportRejected(f"the database refused the world: {exc}") from None
    except DatabaseError as exc:
        raise ImportRejected(f"the database refused the world: {exc}") from None


def clear_world(world: w.World) -> None:
    """Delete everything a world holds, keeping the world row (and so its save statistics)."""
    w.World.objects.filter(pk=world.pk).update(start_room=None)
    for model in (w.Relationship, w.Character, w.Item, w.Exit, w.Room, w.ItemTemplate, w.Faction):
        model.objects.filter(world=world).delete()


PREPARED_KINDS = {"JSONField", "UUIDField", "DateTimeField"}


def insert_with_uuids[M: Model](model: type[M], objects: list[M], *, world: w.World) -> list[M]:
    """bulk_create for the big tables (rooms, exits, items): one executemany of prepared rows,
    then the new ids read back by uuid. Django's bulk_create compiles every value of every row and
    took most of an import's time."""
    if not objects:
        return objects
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    prepared = [(i, f) for i, f in enumerate(fields) if f.get_internal_type() in PREPARED_KINDS]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = []
    for obj in objects:
        values = [getattr(obj, f.attname) for f in fields]
        for i, f in prepared:
            values[i] = f.get_db_prep_save(values[i], connection)
        rows.append(values)
    manager = model._default_manager.filter(world=world)  # type: ignore[misc]
    last_pk = manager.aggregate(last=Max("pk"))["last"] or 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    ids = {str(key): pk for key, pk in manager.filter(pk__gt=last_pk).values_list("uuid", "pk")}
    for obj in objects:
        obj.pk = ids[str(obj.uuid)]  # type: ignore[attr-defined]
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


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


def _import(document: dict[str, Any], *, slug: str | None, replace: bool) -> w.World:
    data = document["world"]
    slug = slug or data["slug"]
    # A copy under another slug gets new uuids (they are unique across worlds); references inside
    # the file still resolve through the file's uuids.
    fresh = slug != data["slug"]

    def new_uuid(row: dict[str, Any]) -> Any:
        return uuid.uuid4() if fresh else row["uuid"]

    world = w.World.objects.filter(slug=slug).first()
    prior_version = 0
    if world is not None:
        if not replace:
            raise ImportRejected(f"a world with slug {slug!r} already exists (use --replace to overwrite it)")
        prior_version = SaveState.objects.filter(pk=world.pk).values_list("dirty_version", flat=True).first() or 0
        clear_world(world)
    else:
        world = w.World(slug=slug)
    for key in ("name", "description", "conflict", "safety_level", "setup_complete", "advanced_goap"):
        setattr(world, key, data[key])
    world.game_time_ticks = data["game_time_ticks"]
    world.time_descriptions = data["time_descriptions"]
    world.start_room = None
    world.save()

    users = _users([c["account"] for c in document["characters"] if c["account"] is not None] + list(data["builders"]))

    factions = {
        f.name: f
        for f in w.Faction.objects.bulk_create(
            [
                w.Faction(
                    world=world,
                    name=row["name"],
                    description=row["description"],
                    leadership_threshold=row["leadership_threshold"],
                    uuid=new_uuid(row),
                )
                for row in document["factions"]
            ],
            batch_size=BATCH,
        )
    }
    rooms = {
        r.key: r
        for r in insert_with_uuids(
            w.Room,
            [
                w.Room(
                    world=world,
                    key=row["key"],
                    name=row["name"],
                    description=row["description"],
                    tags=row["tags"],
                    faction=ref(factions, row["faction"], "faction", f"rooms/{i}"),
                    uuid=new_uuid(row),
                )
                for i, row in enumerate(document["rooms"])
            ],
            world=world,
        )
    }
    character_objects = []
    for i, row in enumerate(document["characters"]):
        errors = sheet_errors(row["sheet"])
        if errors:
            raise ImportRejected(f"characters/{i}/sheet: {'; '.join(errors)}")
        character_objects.append(
            w.Character(
                world=world,
                name=row["name"],
                account=ref(users, row["account"], "account", f"characters/{i}"),
                room=ref(rooms, row["room"], "room", f"characters/{i}"),
                **{k: row[k] for k in CHARACTER_SCALARS if k not in {"created_at", "uuid"}},
                uuid=new_uuid(row),
            )
        )
    characters = {c.name: c for c in w.Character.objects.bulk_create(character_objects, batch_size=BATCH)}
    for character, row in zip(character_objects, document["characters"], strict=True):
        character.created_at = when(row["created_at"], f"characters/{row['name']}")
    w.Character.objects.bulk_update(character_objects, ["created_at"], batch_size=BATCH)

    owned = []
    for i, row in enumerate(document["rooms"]):
        if row["owner"] is not None:
            room = rooms[row["key"]]
            room.owner = ref(characters, row["owner"], "owner", f"rooms/{i}")
            owned.append(room)
    w.Room.objects.bulk_update(owned, ["owner"], batch_size=BATCH)
    led = []
    for i, row in enumerate(document["factions"]):
        faction = factions[row["name"]]
        faction.leader = ref(characters, row["leader"], "leader", f"factions/{i}")
        faction.created_at = when(row["created_at"], f"factions/{i}")
        led.append(faction)
    w.Faction.objects.bulk_update(led, ["leader", "created_at"], batch_size=BATCH)

    templates = {
        t.key: t
        for t in w.ItemTemplate.objects.bulk_create(
            [
                w.ItemTemplate(world=world, key=row["key"], **{k: row[k] for k in w.ITEM_FIELDS})
                for row in document["item_templates"]
            ],
            batch_size=BATCH,
        )
    }
    items = _import_items(
        world,
        document["items"],
        templates=templates,
        characters=characters,
        factions=factions,
        rooms=rooms,
        new_uuid=new_uuid,
    )

    equipped = []
    for i, row in enumerate(document["characters"]):
        if row["home_bed"] or row["equipped_weapon"]:
            character = characters[row["name"]]
            character.home_bed = ref(items, row["home_bed"], "home bed", f"characters/{i}")
            character.equipped_weapon = ref(items, row["equipped_weapon"], "weapon", f"characters/{i}")
            equipped.append(character)
    w.Character.objects.bulk_update(equipped, ["home_bed", "equipped_weapon"], batch_size=BATCH)

    insert_with_uuids(
        w.Exit,
        [
            _exit(world, row, f"exits/{i}", rooms=rooms, characters=characters, new_uuid=new_uuid)
            for i, row in enumerate(document["exits"])
        ],
        world=world,
    )
    ranks = {
        (r.faction.name, r.name): r
        for r in w.FactionRank.objects.bulk_create(
            [
                w.FactionRank(
                    faction=ref(factions, row["faction"], "faction", f"faction_ranks/{i}"),
                    name=row["name"],
                    level=row["level"],
                )
                for i, row in enumerate(document["faction_ranks"])
            ],
            batch_size=BATCH,
        )
    }
    roles = {
        (r.faction.name, r.key): r
        for r in w.FactionRole.objects.bulk_create(
            [
                w.FactionRole(
                    faction=ref(factions, row["faction"], "faction", f"faction_roles/{i}"),
                    key=row["key"],
                    name=row["name"],
                    description=row["description"],
                    contract_type=row["contract_type"],
                    contract_config=row["contract_config"],
                )
                for i, row in enumerate(document["faction_roles"])
            ],
            batch_size=BATCH,
        )
    }
    memberships = []
    for i, row in enumerate(document["faction_memberships"]):
        where = f"faction_memberships/{i}"
        member_of = ref(factions, row["faction"], "faction", where)
        rank = None if row["rank"] is None else ref(ranks, (row["faction"], row["rank"]), "rank", where)  # type: ignore[arg-type]
        role = None if row["role"] is None else ref(roles, (row["faction"], row["role"]), "role", where)  # type: ignore[arg-type]
        memberships.append(
            w.FactionMembership(
                faction=member_of,
                character=ref(characters, row["character"], "character", where),
                rank=rank,
                role=role,
            )
        )
    w.FactionMembership.objects.bulk_create(memberships, batch_size=BATCH)
    for membership, row in zip(memberships, document["faction_memberships"], strict=True):
        membership.joined_at = when(row["joined_at"], "faction_memberships")
    w.FactionMembership.objects.bulk_update(memberships, ["joined_at"], batch_size=BATCH)

    links = []
    for i, row in enumerate(document["faction_links"]):
        a, b = (ref(factions, name, "faction", f"faction_links/{i}") for name in row["factions"])
        assert a is not None
        assert b is not None
        low, high = sorted((a, b), key=lambda f: f.pk)
        links.append(w.FactionLink(faction_a=low, faction_b=high, stance=row["stance"]))
    w.FactionLink.objects.bulk_create(links, batch_size=BATCH)
    w.Relationship.objects.bulk_create(
        [
            w.Relationship(
                world=world,
                source=ref(characters, row["source"], "character", f"relationships/{i}"),
                target=ref(characters, row["target"], "character", f"relationships/{i}"),
                label=row["label"],
            )
            for i, row in enumerate(document["relationships"])
        ],
        batch_size=BATCH,
    )

    world.builders.set([users[name] for name in data["builders"]])
    world.start_room = ref(rooms, data["start_room"], "start room", "world")
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


def _exit(world: w.World, row: dict[str, Any], where: str, *, rooms, characters, new_uuid) -> w.Exit:
    def character_id(name: Any) -> int:
        character = ref(characters, name, "character", where)
        assert character is not None
        return character.pk

    rules = [
        {**rule, "to": character_id(rule["to"])} if isinstance(rule, dict) and "to" in rule else rule
        for rule in row["lock_allow_relationships"]
    ]
    return w.Exit(
        world=world,
        uuid=new_uuid(row),
        source=ref(rooms, row["source"], "room", where),
        destination=ref(rooms, row["destination"], "room", where),
        name=row["name"],
        kind=row["kind"],
        is_locked=row["is_locked"],
        lock_allow_ids=[character_id(name) for name in row["lock_allow"]],
        lock_allow_relationships=rules,
    )


def _import_items(world, rows, *, templates, characters, factions, rooms, new_uuid) -> dict[str, w.Item]:
    """Items by uuid, created container-first (an item's container must exist before it)."""
    items: dict[str, w.Item] = {}
    remaining = list(enumerate(rows))
    while remaining:
        ready = [(i, row) for i, row in remaining if row["container"] is None or row["container"] in items]
        if not ready:
            i, row = remaining[0]
            raise ImportRejected(f"items/{i}: container {row['container']!r} is not in the file (or a cycle)")
        objects = []
        for i, row in ready:
            where = f"items/{i}"
            objects.append(
                w.Item(
                    world=world,
                    uuid=new_uuid(row),
                    template=ref(templates, row["template"], "template", where),
                    owner=ref(characters, row["owner"], "owner", where),
                    faction=ref(factions, row["faction"], "faction", where),
                    container_opened=row["container_opened"],
                    container_searched=row["container_searched"],
                    room=ref(rooms, row["room"], "room", where),
                    character=ref(characters, row["character"], "character", where),
                    slot=row["slot"],
                    container=ref(items, row["container"], "container", where),
                    container_slot=row["container_slot"],
                    **{k: row[k] for k in w.ITEM_FIELDS},
                )
            )
        insert_with_uuids(w.Item, objects, world=world)
        for item, (_, row) in zip(objects, ready, strict=True):
            items[row["uuid"]] = item
        done = {i for i, _ in ready}
        remaining = [(i, row) for i, row in remaining if i not in done]
    return items
