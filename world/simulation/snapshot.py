"""A tick's view of one world, loaded with a fixed number of queries whatever the head count.

Everything the planner and the autonomy rules read is here as plain data (no model instances),
sorted by a key that is the same in every database loaded from the same world file (names,
uuids), never by id or by set order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from mudsite.db.rawsql import compiled_once, json_list_reader, json_value, uuid_text
from world.models import (
    SUPPLIES_INDEX,
    Character,
    Event,
    EventKind,
    Exit,
    FactionLink,
    FactionMembership,
    FactionStance,
    Item,
    Room,
)

NUTRITION_TAG = re.compile(r"^(Edible|Drinkable):\s*(\d+)\s*$")
NEED_COLUMNS = ("hunger", "thirst", "socialization", "sleep", "safety")
VIOLENT_KINDS = frozenset({EventKind.VIOLENCE.value, EventKind.DEATH.value})  # a blow, a killing blow
CRIME_KINDS = (EventKind.THEFT, EventKind.VIOLENCE, EventKind.DEATH)  # TinyMUD's theft, assault, murder
BED_TAG = "bed"


@dataclass
class Being:
    """One character as the clock sees it; needs and the sheet are changed in place during a tick."""

    id: int
    uuid: str
    name: str
    is_npc: bool
    is_dead: bool
    room_id: int | None
    hunger: float
    thirst: float
    socialization: float
    sleep: float
    safety: float
    currency: int
    responsibility: int
    aggression: int
    confidence: int
    curiosity: int
    hp: int
    max_hp: int
    sheet: dict[str, Any]
    needs_before: tuple[float, ...] = ()
    sheet_changed: bool = False

    def needs(self) -> tuple[float, ...]:
        """In `NEED_COLUMNS` order; spelled out, as a tick asks every being thrice."""
        return (self.hunger, self.thirst, self.socialization, self.sleep, self.safety)

    def sheet_int(self, key: str, default: int) -> int:
        value = self.sheet.get(key, default)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def change_social_status(self, by: int) -> None:
        """Social status moved by `by`, kept within 0-100 (the sheet's bounds)."""
        self.sheet["social_status"] = min(100, max(0, self.sheet_int("social_status", 50) + by))
        self.sheet_changed = True

    def tell(self, events: Any, *, kind: str, text: str, data: dict[str, Any]) -> None:
        """A line in this being's feed; NPCs have none."""
        if not self.is_npc:
            events.add(recipients=[self.id], kind=kind, actor="", text=text, data=data)


class Thing(NamedTuple):  # a tuple, like `Way`: a tick at 10,000 NPCs builds ~22,000 (a frozen dataclass: ~80 ms)
    id: int
    name: str
    tags: tuple[str, ...]
    carry: str
    value: int | None
    owner_id: int | None
    room_id: int | None
    character_id: int | None

    def nutrition(self, kind: str) -> int | None:
        return tags_nutrition(self.tags, kind)

    def has_tag(self, tag: str) -> bool:
        return tag in folded_tags(self.tags)


# Per distinct tag tuple, not per item: the planner asks every item of the world's supply rooms
# each tick, and a world has a few dozen distinct tag lists (the loader shares their tuples).
@lru_cache(maxsize=4096)
def tags_nutrition(tags: tuple[str, ...], kind: str) -> int | None:
    for tag in tags:
        match = NUTRITION_TAG.match(tag)
        if match and match.group(1) == kind and int(match.group(2)) > 0:
            return int(match.group(2))
    return None


@lru_cache(maxsize=4096)
def folded_tags(tags: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t.strip().casefold() for t in tags)


class Way(NamedTuple):  # a tuple: 20,000 of them are built per tick, ~4x cheaper than a frozen dataclass
    id: int
    name: str
    source_id: int
    destination_id: int
    is_locked: bool
    allow_ids: frozenset[int]


class ExitGraph:
    """The world's exits as routes walk them: built once from `ways` and kept across ticks while
    the exits stay the same (`exit_graph`), so nothing in it may be changed in place."""

    def __init__(self, ways: list[Way]) -> None:
        self.ways = ways
        self.ways_from: dict[int, list[Way]] = defaultdict(list)
        for way in ways:
            self.ways_from[way.source_id].append(way)
        self._incoming: dict[int, list[Way]] | None = None

    def incoming(self) -> dict[int, list[Way]]:
        """Destination room → the unlocked exits into it, by name (routing's tie-break); built on
        the first route, not per tick."""
        if self._incoming is None:
            incoming: dict[int, list[Way]] = {}
            for way in sorted(self.ways, key=lambda w: (w.name.casefold(), w.name, w.id)):
                if not way.is_locked and way.source_id != way.destination_id:
                    incoming.setdefault(way.destination_id, []).append(way)
            self._incoming = incoming
        return self._incoming


@dataclass(frozen=True)
class Crime:
    kind: str
    actor: str
    room_id: int | None


@dataclass
class Snapshot:
    world_id: int
    tick: int
    rooms: dict[int, tuple[str, tuple[str, ...]]]  # id → (key, tags)
    beings: list[Being]  # sorted by name
    things: list[Thing]  # sorted by name, uuid
    ways: list[Way]  # sorted by source, name
    factions_of: dict[int, set[int]]  # character id → faction ids
    rivals: set[frozenset[int]]
    crimes: list[Crime]
    last_event_id: int
    roles_of: dict[int, set[str]] = field(default_factory=dict)  # character id → role and rank names, casefolded
    by_room: dict[int, list[Being]] = field(default_factory=dict)
    things_in_room: dict[int, list[Thing]] = field(default_factory=dict)
    things_carried: dict[int, list[Thing]] = field(default_factory=dict)
    ways_from: dict[int, list[Way]] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # per-tick indexes the planner builds once
    graph: ExitGraph | None = None  # built from `ways` when not given
    _rival_factions: dict[int, set[int]] | None = None  # faction → its rivals, built on the first `rival`

    def __post_init__(self) -> None:
        self.index()

    def index(self) -> None:
        self.by_room = defaultdict(list)
        for being in self.beings:
            if being.room_id is not None and not being.is_dead:
                self.by_room[being.room_id].append(being)
        self.things_in_room = defaultdict(list)
        self.things_carried = defaultdict(list)
        for thing in self.things:
            if thing.room_id is not None:
                self.things_in_room[thing.room_id].append(thing)
            elif thing.character_id is not None:
                self.things_carried[thing.character_id].append(thing)
        if self.graph is None:
            self.graph = ExitGraph(self.ways)
        self.ways_from = self.graph.ways_from

    def players_in(self, room_id: int | None) -> list[int]:
        return [b.id for b in self.by_room.get(room_id or 0, []) if not b.is_npc]

    def rival(self, a: Being, b: Being) -> bool:
        """Asked for every pair of NPCs sharing a room: one set test per faction of `a`."""
        if not self.rivals:
            return False
        if self._rival_factions is None:
            rival_factions: dict[int, set[int]] = defaultdict(set)
            for pair in self.rivals:
                for faction in pair:
                    rival_factions[faction].update(pair - {faction} or pair)  # a faction may rival itself
            self._rival_factions = dict(rival_factions)
        theirs = self.factions_of.get(b.id)
        if not theirs:
            return False
        return any(not theirs.isdisjoint(self._rival_factions.get(fa, ())) for fa in self.factions_of.get(a.id, ()))


def _float(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 100.0


def load_ways(world_id: int) -> list[Way]:
    """Every exit: the whole graph is what routes walk."""
    read = json_list_reader()
    return [
        Way(pk, name, source, destination, bool(locked), frozenset(i for i in read(ids) if isinstance(i, int)))
        for pk, name, source, destination, locked, ids in _way_rows(world_id)
    ]


@compiled_once
def _way_rows(world_id: int) -> QuerySet:
    return (
        Exit.objects.filter(world_id=world_id)
        .order_by("source__key", "name")
        .values_list("id", "name", "source_id", "destination_id", "is_locked", "lock_allow_ids")
    )


# (database alias, world id) → (the world's created_at, as ids are reused after a rollback; its
# exits version when the graph was read; the graph). Per process: the ticking one.
_exit_graphs: dict[tuple[str, int], tuple[str, int, ExitGraph]] = {}


def exit_graph(*, world_id: int, world_born: str, exits_version: int | None) -> ExitGraph:
    """The world's exit graph, reused from this process's last tick of it while its exits are the
    same (20,000 exits cost ~0.2 s a tick to read and index, ~0.45 s with the routing index).

    `exits_version` is the world's `ExitsVersion.version`, read before the exits: database
    triggers move it with every exit (or room key) change by any writer, inside the writer's
    transaction, so a tick sees its own transaction's changes and nothing else's uncommitted
    ones. A graph read later than its version can only be newer, which costs one extra read,
    never a stale graph. The entry is stored on commit: a rolled-back tick may have seen a
    version that is then reused for other exits, and the entry it found stays until a commit
    replaces it (a rolled-back exit edit leaves it right). No version (no row) means never reuse."""
    key = (connection.alias, world_id)
    cached = _exit_graphs.get(key)
    if exits_version is not None and cached is not None and cached[:2] == (world_born, exits_version):
        return cached[2]
    graph = ExitGraph(load_ways(world_id))
    if exits_version is not None:
        entry = (world_born, exits_version, graph)
        transaction.on_commit(lambda: _exit_graphs.__setitem__(key, entry))
    return graph


def supplies_condition() -> RawSQL:
    """`supply_tags()` as the supplies index spells it, values inlined: a partial index serves a
    query only when its condition appears there as is (SQLite never matches a bound parameter to
    the index's literal), so the condition is rendered by the index itself."""
    sql = _supplies_sql.get(connection.vendor)
    if sql is None:
        index = next(i for i in Item._meta.indexes if i.name == SUPPLIES_INDEX)
        condition = index._get_condition_sql(Item, connection.schema_editor())
        sql = _supplies_sql[connection.vendor] = condition.replace("%", "%%")  # not a parameter marker
    return RawSQL(sql, [], output_field=BooleanField())


_supplies_sql: dict[str, str] = {}  # vendor → the supplies index's condition


def relevant_items(world_id: int, columns: tuple[str, ...]) -> QuerySet[Any, Any]:
    """The loose items a tick can act on: what NPCs carry, what lies where NPCs are, and supplies
    (food, drink, beds) anywhere. The rest of a big world's floor is never read. One query, each
    part through its own index (one `OR` of the three scanned every item of the world): carried
    and floor items by character and room (ids of this world: the scope triggers keep an item in
    its character's and room's world, and such an item is in no container), supplies through
    their partial index. An item can come twice (a loaf where an NPC stands): `UNION ALL` and the
    caller skips repeats (`UNION` sorted every part to drop them: ~50 ms at 10,000 NPCs)."""
    npcs = Character.objects.filter(world_id=world_id, is_npc=True, is_dead=False)
    carried = Item.objects.filter(character__in=npcs.values("id"))
    lying = Item.objects.filter(room__in=npcs.exclude(room=None).values("room_id"))
    supplies = Item.objects.filter(supplies_condition(), world_id=world_id, container=None)
    parts = [part.order_by().values_list(*columns) for part in (carried, lying, supplies)]
    return parts[0].union(*parts[1:], all=True)


# A tick's reads, each compiled once a process (mudsite.db.rawsql.compiled_once): building and compiling
# them was most of a small world's tick.
@compiled_once
def _room_rows(world_id: int) -> QuerySet:
    npc_rooms = Character.objects.filter(world_id=world_id, is_npc=True).exclude(room=None).values("room_id")
    return Room.objects.filter(world_id=world_id, id__in=npc_rooms).values_list("id", "key", "tags")


@compiled_once
def _being_rows(world_id: int) -> QuerySet:
    return (
        Character.objects.filter(world_id=world_id)
        .order_by("name", "uuid")
        .values_list(
            "id",
            "uuid",
            "name",
            "is_npc",
            "is_dead",
            "room_id",
            *NEED_COLUMNS,
            "currency",
            "responsibility",
            "aggression",
            "confidence",
            "curiosity",
            "hp",
            "max_hp",
            "sheet",
        )
    )


@compiled_once
def _thing_rows(world_id: int) -> QuerySet:
    item_columns = ("id", "name", "tags", "carry", "value", "owner_id", "room_id", "character_id", "uuid")
    return relevant_items(world_id, item_columns).order_by("name", "uuid")


@compiled_once
def _membership_rows(world_id: int) -> QuerySet:
    return FactionMembership.objects.filter(faction__world_id=world_id).values_list(
        "character_id", "faction_id", "role__name", "rank__name"
    )


@compiled_once
def _rival_rows(world_id: int) -> QuerySet:
    return FactionLink.objects.filter(faction_a__world_id=world_id, stance=FactionStance.RIVAL).values_list(
        "faction_a_id", "faction_b_id"
    )


@compiled_once
def _crime_rows(world_id: int, event_cursor: int) -> QuerySet:
    return (
        Event.objects.filter(recipient__world_id=world_id, kind__in=CRIME_KINDS, id__gt=event_cursor)
        .order_by("id")
        .values_list("id", "kind", "actor", "recipient__room_id", "data")
    )


def load_snapshot(*, world_id: int, tick: int, event_cursor: int, graph: ExitGraph | None = None) -> Snapshot:
    """Six queries: rooms, characters, items, exits (none when `graph` is given), faction
    memberships + rivalries, crime events."""
    read_room_tags = json_list_reader()
    rooms = {pk: (key, tuple(str(t) for t in read_room_tags(tags))) for pk, key, tags in _room_rows(world_id)}
    beings = [
        Being(
            id=row[0],
            uuid=uuid_text(row[1]),
            name=row[2],
            is_npc=bool(row[3]),
            is_dead=bool(row[4]),
            room_id=row[5],
            hunger=_float(row[6]),
            thirst=_float(row[7]),
            socialization=_float(row[8]),
            sleep=_float(row[9]),
            safety=_float(row[10]),
            currency=row[11],
            responsibility=row[12],
            aggression=row[13],
            confidence=row[14],
            curiosity=row[15],
            hp=row[16],
            max_hp=row[17],
            sheet=sheet if isinstance(sheet := json_value(row[18]), dict) else {},
        )  # fmt: skip
        for row in _being_rows(world_id)
    ]
    for being in beings:
        being.needs_before = being.needs()
    read_tags = json_list_reader()
    tag_tuples: dict[int, tuple[str, ...]] = {}  # id(list) → its tuple: the same few tag lists repeat
    things = []
    read_ids: set[int] = set()
    for pk, name, tags_text, carry, value, owner, room, who, _ in _thing_rows(world_id):
        if pk in read_ids:
            continue
        read_ids.add(pk)
        tags = read_tags(tags_text)
        if (tag_tuple := tag_tuples.get(id(tags))) is None:
            tag_tuple = tag_tuples[id(tags)] = tuple(str(t) for t in tags)
        things.append(Thing(pk, name, tag_tuple, carry, value, owner, room, who))
    if graph is None:
        graph = ExitGraph(load_ways(world_id))
    factions_of: dict[int, set[int]] = defaultdict(set)
    roles_of: dict[int, set[str]] = defaultdict(set)
    for character_id, faction_id, role, rank in _membership_rows(world_id):
        factions_of[character_id].add(faction_id)
        roles_of[character_id].update(name.casefold() for name in (role, rank) if name)
    rivals = {frozenset(pair) for pair in _rival_rows(world_id)}
    crimes, last_event_id = [], event_cursor
    seen: set[tuple[str, str, int | None]] = set()
    # Where a crime happened is the room its event names (the recipients may have walked on since;
    # a thief alone with NPCs is its only recipient); rows without one: the recipient's room.
    room_by_key = {key.casefold(): pk for pk, (key, _) in rooms.items()}
    # NPCs act only inside ticks, and the tick that ran an NPC's crime had its witnesses see it
    # then (even with no player there to get an event): its events are not a second crime.
    npc_names = {b.name.casefold() for b in beings if b.is_npc}
    for event_id, kind, actor, recipient_room_id, data_text in _crime_rows(world_id, event_cursor):
        data = json_value(data_text)
        last_event_id = max(last_event_id, event_id)
        if actor.casefold() in npc_names:
            continue
        where = data.get("room") if isinstance(data, dict) else None
        room_id = room_by_key.get(where.casefold()) if isinstance(where, str) else recipient_room_id
        if (kind, actor, room_id) not in seen:  # one row per witness: the same crime seen by many
            seen.add((kind, actor, room_id))
            crimes.append(Crime(kind, actor, room_id))
    return Snapshot(
        world_id,
        tick,
        rooms,
        beings,
        things,
        graph.ways,
        dict(factions_of),
        rivals,
        crimes,
        last_event_id,
        dict(roles_of),
        graph=graph,
    )
