"""Moving through doors, stairs and portals, with TinyMUD's door locks (its NPC-rule defect fixed)."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connections, router, transaction
from django.db.models.signals import post_save, pre_save

from mudsite.db.rawsql import json_value
from world.exceptions import Forbidden, Invalid, NotFound
from world.fuzzy import fuzzy_matches, fuzzy_resolve
from world.models import Character, EventKind, Exit, ExitKind, Relationship, Room
from world.selectors import character_room, room_exits
from world.services.events import EventBatch, players_in_rooms
from world.sheet import sheet_with_stat_sql

UP_WORDS = {"up", "upstairs", "up stairs", "stairs up", "upward", "upwards"}
DOWN_WORDS = {"down", "downstairs", "down stairs", "stairs down", "downward", "downwards"}
ARTICLES = ("the ", "a ", "an ")
# Doors first, then portals (TinyMUD's travel points), then stairs by name.
KIND_ORDER = (ExitKind.DOOR, ExitKind.PORTAL, ExitKind.STAIRS_UP, ExitKind.STAIRS_DOWN)


def exit_resolve(*, exits: list[Exit], query: str) -> Exit:
    """The exit `query` names: up/down words pick the stairs; else fuzzy over doors, then portals, then stairs."""
    wanted = " ".join(query.split())
    lowered = wanted.casefold()
    for article in ARTICLES:
        if lowered.startswith(article) and len(lowered) > len(article):
            wanted, lowered = wanted[len(article) :], lowered[len(article) :]
            break
    if not wanted:
        if len(exits) == 1:
            return exits[0]
        raise Invalid("Say which way: a door, up, down, or a travel point.", details={"exits": [e.name for e in exits]})
    for words, kind, where in ((UP_WORDS, ExitKind.STAIRS_UP, "up"), (DOWN_WORDS, ExitKind.STAIRS_DOWN, "down")):
        if lowered in words:
            stairs = next((e for e in exits if e.kind == kind), None)
            if stairs is not None:
                return stairs
            if not fuzzy_matches(wanted, exits, lambda e: e.name):
                raise NotFound(f"There are no stairs leading {where} here.", code="no_stairs")
    for kind in KIND_ORDER:
        group = [e for e in exits if e.kind == kind]
        if fuzzy_matches(wanted, group, lambda e: e.name):
            return fuzzy_resolve(wanted, group, lambda e: e.name, what="exit")
    return fuzzy_resolve(wanted, exits, lambda e: e.name, what="exit")  # raises NotFound with suggestions


def _rule_pairs(rules: Any) -> list[tuple[str, int]]:
    """Well-formed `{"type": label, "to": character id}` rules; anything malformed is ignored (denies)."""
    pairs: list[tuple[str, int]] = []
    if not isinstance(rules, list):
        return pairs
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        label, to = rule.get("type"), rule.get("to")
        if isinstance(label, str) and label.strip() and isinstance(to, int) and not isinstance(to, bool):
            pairs.append((label.strip().casefold(), to))
    return pairs


def exit_allows(*, exit_: Exit, character: Character) -> bool:
    """TinyMUD's lock policy as it was meant to work.

    An unlocked exit lets everyone through. A locked one lets through the characters listed in
    `lock_allow_ids`, and whoever has a relationship labelled `type` towards character `to` —
    players *and NPCs* (TinyMUD only matched rules naming players, so NPC rules never passed).
    An empty or malformed policy denies. Staff have no bypass (they have the build API).
    """
    if not exit_.is_locked:
        return True
    allow_ids = exit_.lock_allow_ids if isinstance(exit_.lock_allow_ids, list) else []
    if character.pk in {i for i in allow_ids if isinstance(i, int) and not isinstance(i, bool)}:
        return True
    pairs = _rule_pairs(exit_.lock_allow_relationships)
    if not pairs:
        return False
    held = Relationship.objects.filter(source=character, target_id__in={to for _, to in pairs}).values_list(
        "target_id", "label"
    )
    have = {(label.strip().casefold(), target_id) for target_id, label in held}
    return any(pair in have for pair in pairs)


def _write_move(*, character: Character, destination: Room) -> None:
    """The character's new room and, for a player, one more room visited, in one hand-written UPDATE of
    just those: the sheet is raised by the database from the row's own value, never written back from
    the copy the request loaded before its transaction (a sheet change committed in between would be
    lost), and the ORM's compiling of `save(update_fields=...)` is gone from every move. It sends the
    ORM's own pre_save / post_save with `update_fields`, so the save request (persistence/tracking.py,
    before the write) and the game hooks (world/games/signals.py) see it as they see any ORM save."""
    using = router.db_for_write(Character)
    conn = connections[using]
    character.room = destination
    counts_visit = not character.is_npc  # NPCs' moves are counted by the clock's executor, on the tick's snapshot
    fields = frozenset({"room", "sheet"} if counts_visit else {"room"})
    pre_save.send(sender=Character, instance=character, raw=False, using=using, update_fields=fields)
    sheet = f", sheet = {sheet_with_stat_sql(conn.vendor, 'rooms_visited')}" if counts_visit else ""
    returning = " RETURNING sheet" if counts_visit else ""
    table = conn.ops.quote_name(Character._meta.db_table)
    with conn.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET room_id = %s{sheet} WHERE id = %s{returning}", [destination.pk, character.pk]
        )
        if counts_visit:
            row = cursor.fetchone()
            written = row is not None
        else:
            written = cursor.rowcount == 1
    if not written:  # the row is gone: what the ORM's save(update_fields=...) says then
        raise DatabaseError("Save with update_fields did not affect any rows.")
    if counts_visit:
        character.sheet = json_value(row[0])  # the copy the caller holds is what was written
    post_save.send(sender=Character, instance=character, created=False, update_fields=fields, raw=False, using=using)


def _departure_texts(name: str, exit_: Exit) -> tuple[str, str, str]:
    """(what the old room sees, what the new room sees, what the mover reads)."""
    if exit_.kind == ExitKind.STAIRS_UP:
        return f"{name} ascends the stairs.", f"{name} arrives from below.", "You climb the stairs."
    if exit_.kind == ExitKind.STAIRS_DOWN:
        return f"{name} descends the stairs.", f"{name} arrives from above.", "You go down the stairs."
    return f"{name} leaves through the {exit_.name}.", f"{name} enters.", f"You go through the {exit_.name}."


def move_message(exit_: Exit) -> str:
    return _departure_texts("", exit_)[2]


@transaction.atomic
def character_move(*, character: Character, exit_name: str) -> Exit:
    """Move through the named exit. Both rooms see it; the world is saved (TinyMUD never saved moves)."""
    origin = character_room(character=character)
    exit_ = exit_resolve(exits=room_exits(room=origin), query=exit_name)
    character_pass(character=character, exit_=exit_)
    return exit_


@transaction.atomic(savepoint=False)
def character_pass(*, character: Character, exit_: Exit) -> None:
    """Move through an exit of the character's room (already chosen), with the lock check and the events."""
    origin = character_room(character=character)
    if exit_.source_id != origin.pk:
        raise Invalid(f"The {exit_.name} is not in this room.", code="not_here")
    if not exit_allows(exit_=exit_, character=character):
        raise Forbidden(f"The {exit_.name} is locked. You are not permitted to pass.", code="locked")
    destination = exit_.destination
    _write_move(character=character, destination=destination)
    leave_text, enter_text, own_text = _departure_texts(character.name, exit_)
    watchers = players_in_rooms(room_ids=[origin.pk, destination.pk])
    data = {"exit": exit_.name, "from": origin.key, "to": destination.key}
    events = EventBatch(world_id=character.world_id)
    others_before = [i for i in watchers.get(origin.pk, []) if i != character.pk]
    others_after = [i for i in watchers.get(destination.pk, []) if i != character.pk]
    events.add(recipients=others_before, kind=EventKind.DEPART, actor=character.name, text=leave_text, data=data)
    events.add(recipients=others_after, kind=EventKind.ARRIVE, actor=character.name, text=enter_text, data=data)
    events.add(recipients=[character.pk], kind=EventKind.MOVE, actor=character.name, text=own_text, data=data)
    events.write()
