"""The caller's feed as Server-Sent Events, and the async long-poll: both park on the hub.

Wire format (WHATWG HTML §9.2): every feed row is one `message` event with `id: <event id>` and the
row as JSON (the shape of `/play/events`); a comment line every LIVE_KEEPALIVE_SECONDS keeps proxies
from dropping an idle stream, and at that moment the caller's token or session is checked again, so a
logout or a revoked token ends the stream with an `end` event.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, StreamingHttpResponse

from world import selectors
from world.live.hub import db, hub
from world.models import Character, Event
from world.schemas.play import EventOut

RETRY_MS = 2000


def keepalive_seconds() -> float:
    return float(settings.MUDSITE_LIVE_KEEPALIVE_SECONDS)


def event_payload(row: Event) -> dict[str, Any]:
    return EventOut.model_validate(row).model_dump(mode="json")


def sse_event(row: Event) -> str:
    return f"id: {row.id}\ndata: {orjson.dumps(event_payload(row)).decode()}\n\n"


def rows_after(character_id: int, after: int | None, limit: int = selectors.EVENT_PAGE) -> list[Event]:
    return list(Event.objects.filter(recipient_id=character_id, id__gt=after or 0).order_by("id")[:limit])


def rows_after_many(afters: dict[int, int], limit: int = selectors.EVENT_PAGE) -> dict[int, list[Event]]:
    """Many waiters' new rows in few queries (chunks keep SQLite's expression depth small)."""
    found: dict[int, list[Event]] = {}
    items = list(afters.items())
    for start in range(0, len(items), 200):
        wanted = Q()
        for character_id, after in items[start : start + 200]:
            wanted |= Q(recipient_id=character_id, id__gt=after)
        for row in Event.objects.filter(wanted).order_by("id"):
            rows = found.setdefault(row.recipient_id, [])
            if len(rows) < limit:  # the rest comes with the next read: a prefix in id order loses nothing
                rows.append(row)
    return found


class WokenReads:
    """The reads of waiters woken by one commit, made together: one query for a room of listeners
    instead of one thread hop, connection and query each (the cost that grows with the listeners)."""

    def __init__(self) -> None:
        self.pending: dict[int, list[tuple[int, asyncio.Future[list[Event]]]]] = {}

    async def rows_after(self, character_id: int, after: int) -> list[Event]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Event]] = loop.create_future()
        if not self.pending:
            loop.call_soon(lambda: loop.create_task(self.flush()))
        self.pending.setdefault(character_id, []).append((after, future))
        return await future

    async def flush(self) -> None:
        await asyncio.sleep(0)  # every waiter this wake-up set runs up to here first
        batch, self.pending = self.pending, {}
        try:
            found = await db(rows_after_many, {cid: min(a for a, _ in reads) for cid, reads in batch.items()})
        except BaseException as error:
            for reads in batch.values():
                for _, future in reads:
                    if not future.done():
                        future.set_exception(error if isinstance(error, Exception) else RuntimeError(error))
            raise
        for character_id, reads in batch.items():
            for after, future in reads:
                if not future.done():
                    future.set_result([row for row in found.get(character_id, []) if row.id > after])


_woken_reads: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, WokenReads] = weakref.WeakKeyDictionary()


def woken_reads() -> WokenReads:
    loop = asyncio.get_running_loop()
    found = _woken_reads.get(loop)
    if found is None:
        found = _woken_reads[loop] = WokenReads()
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
    *, character_id: int, after: int | None, authorized: Callable[[], Any], keepalive: float
) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    with hub().subscribe(character_id) as subscription:  # subscribed before the first read: no gap
        if after is None:
            after = await db(latest_id, character_id)
        woken = False
        while True:
            subscription.clear()
            # The first read and a full page's follow-up may be long (a resume); after a wake-up it is short.
            rows = await (
                woken_reads().rows_after(character_id, after) if woken else db(rows_after, character_id, after)
            )
            for row in rows:
                yield sse_event(row)
                after = row.id
            if len(rows) == selectors.EVENT_PAGE:
                woken = False
                continue
            woken = True
            if not await subscription.wait(keepalive):
                if not await db(authorized):
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
