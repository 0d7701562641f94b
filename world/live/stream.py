"""The caller's feed as Server-Sent Events, and the async long-poll: both park on the hub.

Wire format (WHATWG HTML §9.2): every feed row is one `message` event with `id: <event id>` and the
row as JSON (the shape of `/play/events`); a comment line every LIVE_KEEPALIVE_SECONDS keeps proxies
from dropping an idle stream, and at that moment the caller's token or session is checked again, so a
logout or a revoked token ends the stream with an `end` event.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpRequest, StreamingHttpResponse

from world import selectors
from world.live.hub import Read, db, hub
from world.models import Character, Event
from world.schemas.play import EventOut

RETRY_MS = 2000


def keepalive_seconds() -> float:
    return float(settings.MUDSITE_LIVE_KEEPALIVE_SECONDS)


def event_payload(row: Event | dict[str, Any]) -> dict[str, Any]:
    """The row as `/play/events` renders it: ninja encodes the schema's output with Django's JSON
    encoder (times to the millisecond, `Z`), not with pydantic's JSON mode (microseconds)."""
    payload = EventOut.model_validate(row).model_dump()
    payload["created_at"] = _api_json.default(payload["created_at"])
    return payload


_api_json = DjangoJSONEncoder()


def sse_event(row: Event) -> str:
    return f"id: {row.id}\ndata: {orjson.dumps(event_payload(row)).decode()}\n\n"


@dataclass(frozen=True, slots=True)
class FeedLine:
    """One feed row as its ready-to-send SSE event."""

    id: int
    sse: str


FEED_FIELDS = ("id", "recipient_id", "kind", "actor", "text", "data", "created_at")


def payload_rest(row: Event | dict[str, Any]) -> str:
    """The row's JSON without its id: `{"id":N,` + this is the payload (id comes first in EventOut)."""
    payload = event_payload(row)
    del payload["id"]
    return orjson.dumps(payload).decode()[1:]


def feed_line(row_id: int, rest: str) -> FeedLine:
    return FeedLine(row_id, f'id: {row_id}\ndata: {{"id":{row_id},{rest}\n\n')


def lines_after(character_id: int, after: int | None) -> list[FeedLine]:
    return [feed_line(row.id, payload_rest(row)) for row in rows_after(character_id, after)]


def rows_after(character_id: int, after: int | None, limit: int = selectors.EVENT_PAGE) -> list[Event]:
    return list(Event.objects.filter(recipient_id=character_id, id__gt=after or 0).order_by("id")[:limit])


def lines_after_many(afters: dict[int, int], limit: int = selectors.EVENT_PAGE) -> dict[int, list[FeedLine]]:
    """Many woken waiters' new rows as ready lines, in few queries.

    One `recipient IN (...) AND id > min(after)` scan per 500 waiters (woken together, they are all
    near the newest row), each row kept for its waiter if it is new, at most `limit` each (a prefix in
    id order: the rest comes with the next read, nothing lost). The scan reads raw column values, no
    model instance or converter per row: a say to a room of 1,000 is 1,000 rows that differ only in id
    and recipient, so each distinct content is read through the ORM once (one more query, by id) and
    rendered once, and only the id is spliced in per row."""
    meta = Event._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(meta.get_field(name).column)) for name in FEED_FIELDS)  # type: ignore[union-attr]
    picked: dict[int, list[tuple[int, tuple[Any, ...]]]] = {}
    representative: dict[tuple[Any, ...], int] = {}
    items = list(afters.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 500):  # SQLite's bound-parameter limit stays far away
            chunk = dict(items[start : start + 500])
            cursor.execute(
                f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote('recipient_id')} IN "
                f"({', '.join(['%s'] * len(chunk))}) AND {quote('id')} > %s ORDER BY {quote('id')}",
                [*chunk, min(chunk.values())],
            )
            for row_id, recipient_id, *content in cursor.fetchall():
                if row_id <= chunk[recipient_id]:
                    continue
                rows = picked.setdefault(recipient_id, [])
                if len(rows) < limit:
                    key = tuple(value if isinstance(value, Hashable) else repr(value) for value in content)
                    representative.setdefault(key, row_id)
                    rows.append((row_id, key))
    if not representative:
        return {}
    by_id = {row["id"]: row for row in Event.objects.filter(id__in=representative.values()).values(*FEED_FIELDS)}
    rest = {key: payload_rest(by_id[row_id]) for key, row_id in representative.items()}
    return {recipient: [feed_line(row_id, rest[key]) for row_id, key in rows] for recipient, rows in picked.items()}


class WokenReads:
    """The reads of waiters woken by one commit, made together: one query for a room of listeners
    instead of one thread hop, connection and query each (the cost that grows with the listeners)."""

    def __init__(self, read: Read = db) -> None:
        self.read = read
        self.pending: dict[int, list[tuple[int, asyncio.Future[list[FeedLine]]]]] = {}

    async def lines_after(self, character_id: int, after: int) -> list[FeedLine]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[FeedLine]] = loop.create_future()
        if not self.pending:
            loop.call_soon(lambda: loop.create_task(self.flush()))
        self.pending.setdefault(character_id, []).append((after, future))
        return await future

    async def flush(self) -> None:
        await asyncio.sleep(0)  # every waiter this wake-up set runs up to here first
        batch, self.pending = self.pending, {}
        try:
            found = await self.read(lines_after_many, {cid: min(a for a, _ in reads) for cid, reads in batch.items()})
        except BaseException as error:
            for reads in batch.values():
                for _, future in reads:
                    if not future.done():
                        future.set_exception(error if isinstance(error, Exception) else RuntimeError(error))
            raise
        for character_id, reads in batch.items():
            for after, future in reads:
                if not future.done():
                    future.set_result([line for line in found.get(character_id, []) if line.id > after])


_woken_reads: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Read, WokenReads]] = weakref.WeakKeyDictionary()


def woken_reads(read: Read = db) -> WokenReads:
    """This loop's batcher for reads made with `read` (the view's `db`, or the live reader thread)."""
    by_read = _woken_reads.setdefault(asyncio.get_running_loop(), {})
    found = by_read.get(read)
    if found is None:
        found = by_read[read] = WokenReads(read)
    return found


def latest_id(character_id: int) -> int:
    row = Event.objects.filter(recipient_id=character_id).order_by("-id").values_list("id", flat=True).first()
    return row or 0


def resume_point(request: HttpRequest, after: int | None) -> int | None:
    """`Last-Event-ID` (sent by the browser when it reconnects by itself) wins over `?after=`."""
    header = request.headers.get("Last-Event-ID", "").strip()
    if header.isdigit() and len(header) < 19:
        return int(header)
    return after


def still_authorized(request: HttpRequest) -> bool:
    """The caller's bearer token is still live, or its session still exists (logout deletes it)."""
    from accounts.services.tokens import token_user

    raw = getattr(request, "auth_token", None)
    if raw is not None:
        return token_user(raw=raw) is not None
    session_key = request.session.session_key
    if not session_key or not request.session.exists(session_key):
        return False
    user = getattr(request, "auth", None)
    return bool(user is not None and type(user).objects.filter(pk=user.pk, is_active=True).exists())


async def feed_stream(
    *, character_id: int, after: int | None, authorized: Callable[[], Any], keepalive: float, read: Read = db
) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    with hub().subscribe(character_id) as subscription:  # subscribed before the first read: no gap
        if after is None:
            after = await read(latest_id, character_id)
        woken = False
        while True:
            subscription.clear()
            # The first read and a full page's follow-up may be long (a resume); after a wake-up it is short.
            lines = await (
                woken_reads(read).lines_after(character_id, after) if woken else read(lines_after, character_id, after)
            )
            for line in lines:
                yield line.sse
                after = subscription.seen = line.id
            if len(lines) == selectors.EVENT_PAGE:
                woken = False
                continue
            woken = True
            if not await subscription.wait(keepalive):
                if not await read(authorized):
                    yield 'event: end\ndata: {"reason": "signed out"}\n\n'
                    return
                yield ": keep-alive\n\n"


def stream_response(request: HttpRequest, *, character_id: int, after: int | None) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        feed_stream(
            character_id=character_id,
            after=resume_point(request, after),
            authorized=lambda: still_authorized(request),
            keepalive=keepalive_seconds(),
        ),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event through at once
    return response


async def feed_wait(*, character: Character, after: int | None, wait: float) -> list[Event]:
    """The long-poll: the rows after `after` now, or the first ones within `wait` seconds."""
    if after is None or wait <= 0:
        return await db(selectors.event_list, character=character, after=after)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(wait, selectors.EVENT_WAIT_MAX)
    with hub().subscribe(character.pk) as subscription:
        while True:
            subscription.clear()
            rows = await db(rows_after, character.pk, after)
            remaining = deadline - loop.time()
            if rows or remaining <= 0:
                return rows
            await subscription.wait(remaining)
