"""Writing the event feed: every player in a room (or just the parties of a whisper) gets its own row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from world.live import hub
from world.models import Character, Event, EventKind, Room
from world.play_sql import players_by_room

# Advisory-lock class id for "event rows of world N" (the two-int key space of pg_advisory_xact_lock).
EVENT_LOCK_CLASS = 0x6D756465


class EventRow(NamedTuple):
    """An event row to write: a plain tuple, not a model instance (a crowded room's say makes 1,000)."""

    recipient_id: int
    kind: str
    actor: str
    text: str
    data: dict[str, Any]


@dataclass
class EventBatch:
    """Event rows collected during one service call and written with a single bulk insert.

    On PostgreSQL the write first takes a per-world transaction lock, so the transactions that
    write one world's events commit in id order: a reader paging with `after=<id>` can never see
    a later id before an earlier one commits (and skip it). SQLite has one writer anyway.
    """

    world_id: int
    rows: list[EventRow] = field(default_factory=list)

    def add(
        self,
        *,
        recipients: Iterable[int],
        kind: EventKind,
        actor: str,
        text: str,
        data: dict[str, Any] | None = None,
        actor_id: int | None = None,
        actor_text: str | None = None,
    ) -> None:
        """One row per recipient; the actor, when among them, reads `actor_text` ("You say…") instead."""
        data = data or {}  # one dict for all the rows (they are written, never mutated)
        for recipient_id in recipients:
            own = actor_id is not None and recipient_id == actor_id and actor_text is not None
            self.rows.append(
                EventRow(recipient_id, kind, actor, actor_text if own and actor_text is not None else text, data)
            )

    def write(self) -> None:
        if not self.rows:
            return
        recipients = sorted({row.recipient_id for row in self.rows})
        with transaction.atomic(savepoint=False):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # The NOTIFY is delivered at COMMIT only, to every process's LISTEN connection
                    # (world/live/hub.py); one statement with the lock keeps the query count.
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s, %s), pg_notify(%s, %s)",
                        [EVENT_LOCK_CLASS, self.world_id, hub.NOTIFY_CHANNEL, hub.notify_payload(recipients)],
                    )
            insert_events(self.rows)
            transaction.on_commit(lambda: hub.feed_changed(recipients))
        self.rows = []


EVENT_COLUMNS = ("recipient", "kind", "actor", "text", "data", "created_at")


def insert_events(rows: list[EventRow]) -> None:
    """The rows in one `executemany`, values prepared by the model's own fields. A say to a crowded
    room writes a row per listener, and `bulk_create` compiles SQL per row: ~100 ms for 1,000 rows
    here against a few ms (bench/README.md, live feed). The rows' ids are not read back (no caller
    needs them; readers page by id from the table)."""
    now = timezone.now()
    fields: list[Field[Any, Any]] = [Event._meta.get_field(name) for name in EVENT_COLUMNS]  # type: ignore[misc]
    created_at = fields[5].get_db_prep_save(now, connection)
    prepared_data: dict[int, Any] = {}  # the rows of one `add` share their data dict: prepare it once
    params = []
    for row in rows:
        data = prepared_data.get(id(row.data))
        if data is None:
            data = prepared_data[id(row.data)] = fields[4].get_db_prep_save(row.data, connection)
        params.append(
            (
                row.recipient_id,
                fields[1].get_db_prep_save(row.kind, connection),
                row.actor,
                row.text,
                data,
                created_at,
            )
        )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(Event._meta.db_table)} ({columns}) VALUES ({placeholders})", params)


def players_in_rooms(*, room_ids: Iterable[int]) -> dict[int, list[int]]:
    """Room id → ids of the player characters in it (one query, whatever the head count)."""
    return players_by_room(room_ids=list(room_ids))


def events_prune(*, older_than: timedelta) -> int:
    """Delete feed rows older than `older_than` (the feed is transient; clients keep what they need)."""
    deleted, _ = Event.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


def relocation_announce(
    *, characters: list[Character], origin: Room | None, destination: Room, own_text: str, reason: str
) -> None:
    """Staff moved `characters` from `origin` to `destination` (teleport, bring, a forced room deletion):
    TinyMUD's flash messages to the witnesses in both rooms, and to each moved player what happened."""
    if not characters:
        return
    moved = {c.pk for c in characters}
    rooms = [destination.pk] + ([origin.pk] if origin is not None else [])
    watchers = players_in_rooms(room_ids=rooms)
    events = EventBatch(world_id=destination.world_id)
    data = {"reason": reason, "from": origin.key if origin else None, "to": destination.key}
    for character in characters:
        named = {**data, "character": character.name}
        if origin is not None:
            events.add(
                recipients=[i for i in watchers.get(origin.pk, []) if i not in moved],
                kind=EventKind.TELEPORT,
                actor=character.name,
                text=f"{character.name} vanishes in a flash of light.",
                data=named,
            )
        events.add(
            recipients=[i for i in watchers.get(destination.pk, []) if i not in moved],
            kind=EventKind.TELEPORT,
            actor=character.name,
            text=f"{character.name} appears out of thin air.",
            data=named,
        )
        if not character.is_npc:
            events.add(recipients=[character.pk], kind=EventKind.TELEPORT, actor="", text=own_text, data=named)
    events.write()
