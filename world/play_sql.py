"""The play path's hottest reads as hand-written SQL (mudsite/db/rawsql.py says why).

Each statement here answers what one ORM query in world/selectors.py used to; the selectors keep the
shape of what they return, and tests/world/test_play_sql.py holds the ORM queries they replace and checks
that both give identical results on the database under test.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection

from accounts.models import ApiToken
from accounts.services.tokens import TOKEN, TOKEN_USER, live_token_filter, token_built, token_digest
from mudsite.db.rawsql import RowReader, aware, fetch_all, json_value, table
from world.games.models import Mission, MissionObjective, MissionStatus, Offer, OfferStatus
from world.games.selectors import OPEN_OBJECTIVES_FLAG, PENDING_OFFERS_FLAG
from world.models import Character, Exit, Item, Room, World, WorldKick

CHARACTER = RowReader(Character, "c")
# Who a room shows (dead NPCs are gone, as in TinyMUD), players first: params room id, viewer id, True, True.
PEOPLE_HERE = "c.room_id = %s AND c.id <> %s AND NOT (c.is_npc = %s AND c.is_dead = %s)"
PEOPLE_IN_ROOM = f"WHERE {PEOPLE_HERE} ORDER BY c.is_npc, c.name"
WORLD = RowReader(World, "w")
ROOM = RowReader(Room, "r")


def _kicked_at() -> str:
    """When a builder last kicked the character `c`'s account from `c`'s world (NULL: never)."""
    return f"(SELECT k.kicked_at FROM {table(WorldKick)} k WHERE k.user_id = c.account_id AND k.world_id = c.world_id)"


@cache
def _caller_sql(vendor: str) -> str:
    return f"""
        SELECT {CHARACTER.columns()},
            EXISTS(SELECT 1 FROM {table(Offer)} o
                   WHERE (o.proposer_id = c.id OR o.recipient_id = c.id) AND o.status = %s),
            EXISTS(SELECT 1 FROM {table(MissionObjective)} mo JOIN {table(Mission)} m ON mo.mission_id = m.id
                   WHERE m.assignee_id = c.id AND m.status = %s AND mo.completed = %s),
            {_kicked_at()},
            {WORLD.columns()}, {ROOM.columns()}
        FROM {table(Character)} c
        JOIN {table(World)} w ON w.id = c.world_id
        LEFT JOIN {table(Room)} r ON r.id = c.room_id
        WHERE c.account_id = %s AND w.slug = %s
        ORDER BY c.id
        LIMIT 1"""


def caller_character(*, user_id: Any, world_slug: str) -> Character | None:
    """An account's character in a world, with its world and room loaded, the two game flags and
    `kicked_at` annotated (what `play_character_get` needs), in one statement."""
    rows = fetch_all(
        _caller_sql(connection.vendor),
        [OfferStatus.PENDING, MissionStatus.ACTIVE, False, user_id, world_slug],
    )
    if not rows:
        return None
    row = rows[0]
    character = CHARACTER.build(row)
    at = CHARACTER.width
    setattr(character, PENDING_OFFERS_FLAG, bool(row[at]))
    setattr(character, OPEN_OBJECTIVES_FLAG, bool(row[at + 1]))
    character.kicked_at = aware(row[at + 2])
    at += 3
    Character.world.field.set_cached_value(character, WORLD.build(row, at))
    at += WORLD.width
    Character.room.field.set_cached_value(character, ROOM.build(row, at) if row[at] is not None else None)
    return character


# What a look reads of the caller, its world and its room (the rest loads on first access, as `.only()`).
LOOKER = RowReader(Character, "c", fields=["id", "world_id", "account_id", "room_id", "name", "is_npc"])
LOOKER_WORLD = RowReader(World, "w", fields=["id", "slug", "game_time_ticks", "time_descriptions"])


@cache
def _looker_sql(vendor: str, live_token: str) -> str:
    return f"""
        SELECT {TOKEN.columns()}, {TOKEN_USER.columns()},
            {_kicked_at()},
            {LOOKER.columns()}, {LOOKER_WORLD.columns()}, {ROOM.columns()}
        FROM {table(ApiToken)} t
        JOIN {table(get_user_model())} u ON u.id = t.user_id
        JOIN {table(Character)} c ON c.account_id = t.user_id
        JOIN {table(World)} w ON w.id = c.world_id
        LEFT JOIN {table(Room)} r ON r.id = c.room_id
        WHERE t.key_hash = %s AND w.slug = %s AND {live_token}
        ORDER BY c.id
        LIMIT 1"""


def looker_by_token(*, raw: str, world_slug: str) -> tuple[ApiToken, Character] | None:
    """A live token and its user's character in a world, with the world and room a look reads, and
    `kicked_at` annotated, in one statement (what `bearer` and then `play_character_get` read in two);
    None when the token is not live or its user has no character there. Records the token's use."""
    live_token, params = live_token_filter()
    rows = fetch_all(_looker_sql(connection.vendor, live_token), [token_digest(raw), world_slug, *params])
    if not rows:
        return None
    row = rows[0]
    token = token_built(row)
    at = TOKEN.width + TOKEN_USER.width
    character = LOOKER.build(row, at + 1)
    character.kicked_at = aware(row[at])
    at += 1 + LOOKER.width
    Character.world.field.set_cached_value(character, LOOKER_WORLD.build(row, at))
    at += LOOKER_WORLD.width
    Character.room.field.set_cached_value(character, ROOM.build(row, at) if row[at] is not None else None)
    return token, character


@cache
def _look_sql(vendor: str) -> str:
    """The three collections of a look in one statement: a part number (0 exits, 1 people, 2 items),
    then the columns of each part where the other parts have NULL, then the part's own sort keys.
    PostgreSQL types a column of two NULLs as text, so the first NULL of the tags has the tags' type."""
    tags_type = Item._meta.get_field("tags").db_type(connection)
    # MAX, not ORDER BY ... LIMIT 1: SQLite sorted each player's tokens in a temporary b-tree (a fifth of the
    # people's part). On SQLite MAX's value comes back as text (it has no declared type), which `aware` reads.
    last_seen = f"""(SELECT MAX(t.last_used_at) FROM {table(ApiToken)} t
        WHERE t.user_id = c.account_id AND t.revoked_at IS NULL)"""
    return f"""
        SELECT 0, e.name, e.kind, d.name, d.key, e.is_locked, NULL, NULL, CAST(NULL AS {tags_type}), 0, e.id
        FROM {table(Exit)} e JOIN {table(Room)} d ON d.id = e.destination_id
        WHERE e.source_id = %s
        UNION ALL
        SELECT 1, c.name, NULL, NULL, NULL, c.is_npc, c.is_dead, {last_seen}, NULL,
            CASE WHEN c.is_npc THEN 1 ELSE 0 END, 0
        FROM {table(Character)} c WHERE {PEOPLE_HERE}
        UNION ALL
        SELECT 2, i.name, i.carry, o.name, NULL, NULL, NULL, NULL, i.tags, 0, i.id
        FROM {table(Item)} i LEFT JOIN {table(Character)} o ON o.id = i.owner_id
        WHERE i.room_id = %s
        ORDER BY 1, 10, 2, 11"""


def look_rows(*, room_id: int, viewer_id: int) -> tuple[list[dict], list[dict], list[dict]]:
    """A room's exits, the others in it (dead NPCs are gone) with their last activity, and its floor:
    exits by name, players then NPCs by name, items by name (one statement)."""
    exits: list[dict] = []
    characters: list[dict] = []
    items: list[dict] = []
    rows = fetch_all(_look_sql(connection.vendor), [room_id, room_id, viewer_id, True, True, room_id])
    for part, name, text, other, key, flag, dead, last_seen, tags, _, _ in rows:
        if part == 0:
            exits.append({"name": name, "kind": text, "locked": bool(flag), "destination": other or key})
        elif part == 1:
            characters.append(
                {"name": name, "is_npc": bool(flag), "is_dead": bool(dead), "last_seen": aware(last_seen)}
            )
        else:
            items.append({"name": name, "carry": text, "tags": json_value(tags), "owner": other})
    return exits, characters, items


EXIT = RowReader(Exit, "e")
DESTINATION = RowReader(Room, "d")
# What speech and presence read of the people in a room (the rest loads on first access, as `.only()`).
PRESENT = RowReader(Character, "c", fields=["id", "name", "is_npc", "is_dead", "description", "room_id", "world_id"])


def exits_from(*, room_id: int) -> list[Exit]:
    """A room's exits by name, each with its destination loaded."""
    sql = f"""SELECT {EXIT.columns()}, {DESTINATION.columns()}
        FROM {table(Exit)} e JOIN {table(Room)} d ON d.id = e.destination_id
        WHERE e.source_id = %s ORDER BY e.name, e.id"""
    exits = []
    for row in fetch_all(sql, [room_id]):
        exit_ = EXIT.build(row)
        Exit.destination.field.set_cached_value(exit_, DESTINATION.build(row, EXIT.width))
        exits.append(exit_)
    return exits


def people_in(*, room_id: int, excluding: int | None = None) -> list[Character]:
    """Everyone in a room but dead NPCs (they are gone, as in TinyMUD), players first, by name."""
    sql = f"SELECT {PRESENT.columns()} FROM {table(Character)} c {PEOPLE_IN_ROOM}"
    return [PRESENT.build(row) for row in fetch_all(sql, [room_id, -1 if excluding is None else excluding, True, True])]


class Present(NamedTuple):
    """Someone in a room as speech reads them: a plain row, not a model instance. A say reads everyone
    in the room, and `Model.from_db` for each (with its init signals) was the largest piece of a say's
    own work after the COMMIT (docs/decisions.md, "say without model instances"). `pk` as a model has
    it, so code written for characters reads a row alike."""

    pk: int
    name: str
    is_npc: bool
    description: str


def present_in(*, room_id: int) -> list[Present]:
    """Everyone in a room but dead NPCs, players first, by name: `people_in`'s rows as plain rows."""
    sql = f"SELECT c.id, c.name, c.is_npc, c.description FROM {table(Character)} c {PEOPLE_IN_ROOM}"
    return [
        Present(pk, name, bool(is_npc), description)
        for pk, name, is_npc, description in fetch_all(sql, [room_id, -1, True, True])
    ]


def players_by_room(*, room_ids: list[int]) -> dict[int, list[int]]:
    """Room id → ids of the player characters in it."""
    if not room_ids:
        return {}
    marks = ", ".join(["%s"] * len(room_ids))
    sql = f"SELECT c.id, c.room_id FROM {table(Character)} c WHERE c.room_id IN ({marks}) AND c.is_npc = %s"
    by_room: dict[int, list[int]] = {}
    for character_id, room_id in fetch_all(sql, [*room_ids, False]):
        by_room.setdefault(room_id, []).append(character_id)
    return by_room
