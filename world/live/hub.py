"""One waiter per process: long-polls and streams park on an asyncio flag here, never in the database.

Who wakes a parked client:
- the same process, at once: `EventBatch.write` calls `feed_changed` on commit;
- other processes on PostgreSQL: the write sends `NOTIFY mudsite_feed, '<recipient ids>'` in its
  transaction; one LISTEN connection per process wakes the named recipients (DESIGN §8);
- other processes on SQLite (no notifications): one poller task per process reads the rows
  committed since its last look, `GROUP BY recipient`, every LIVE_POLL_MS while anyone waits.
A wake-up only says "read again": each waiter re-reads its own rows after its last id, so a
coalesced, doubled or spurious wake-up can never lose or repeat an event.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "mudsite_feed"
NOTIFY_ALL = "*"
# NOTIFY payloads must stay under 8000 bytes; beyond this a write wakes every waiter instead.
NOTIFY_PAYLOAD_MAX = 7000


def closing_connection[T](fn: Callable[..., T]) -> Callable[..., T]:
    """Run `fn` and close this thread's connection after it: a parked client holds no connection.

    Inside an atomic block (a test's transaction) the connection is left alone.
    """

    def run(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            if transaction.get_autocommit():  # public API; False inside any atomic block
                connection.close()

    return run


async def db[T](fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Await a synchronous ORM call in the request's thread, returning its connection afterwards."""
    return await sync_to_async(closing_connection(fn))(*args, **kwargs)


type Read = Callable[..., Awaitable[Any]]


class LiveReader:
    """One thread per process for the reads of the streams served outside Django's handler
    (world/live/asgi_stream.py): a stream's open, the shared read after a wake-up, the keep-alive
    credential check. The thread keeps its one connection between reads: on SQLite a new connection
    re-reads the whole schema (~5-10 ms with the change-tracking triggers), which at 1,000 streams'
    keep-alive checks alone would keep a thread busy. One connection per process, none per client;
    an error closes it, so the next read reconnects (a restarted PostgreSQL, say)."""

    def __init__(self) -> None:
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-reader")

    async def read[T](self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._run, fn, args)

    @staticmethod
    def _run[T](fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            return fn(*args)
        except BaseException:
            connection.close()
            raise


_live_reader: LiveReader | None = None


def live_reader() -> LiveReader:
    global _live_reader
    with _hubs_lock:
        if _live_reader is None:
            _live_reader = LiveReader()
        return _live_reader


class Subscription:
    """One parked client. Clear, read, then wait: a wake-up between the read and the wait is kept."""

    def __init__(self, character_id: int) -> None:
        self.character_id = character_id
        self.flag = asyncio.Event()
        # The newest event id this client already has: the SQLite poller, which also sees this
        # process's own writes, does not wake it again for rows the in-process wake-up delivered.
        self.seen = 0

    def clear(self) -> None:
        self.flag.clear()

    async def wait(self, timeout: float) -> bool:
        """True when woken, False when `timeout` seconds passed first."""
        try:
            async with asyncio.timeout(max(0.0, timeout)):
                await self.flag.wait()
        except TimeoutError:
            return False
        return True


class FeedHub:
    """The waiters of one event loop (one per server process), by character id."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiters: dict[int, set[Subscription]] = {}
        self.watcher: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def subscribe(self, character_id: int) -> Iterator[Subscription]:
        subscription = Subscription(character_id)
        self.waiters.setdefault(character_id, set()).add(subscription)
        self._ensure_watcher()
        try:
            yield subscription
        finally:  # also on CancelledError when the client disconnects
            group = self.waiters.get(character_id)
            if group is not None:
                group.discard(subscription)
                if not group:
                    del self.waiters[character_id]

    def wake(self, recipient_ids: Iterable[int] | None, newest: dict[int, int] | None = None) -> None:
        """Wake the waiters of these characters (None: everyone); with `newest` (recipient → its newest
        event id), only those that do not have that row yet."""
        if recipient_ids is None:
            groups: Iterable[set[Subscription]] = list(self.waiters.values())
        else:
            groups = [self.waiters[i] for i in set(recipient_ids) if i in self.waiters]
        for group in groups:
            for subscription in group:
                if newest is None or subscription.seen < newest.get(subscription.character_id, 1 << 63):
                    subscription.flag.set()

    def waiting(self) -> int:
        return sum(len(group) for group in self.waiters.values())

    def _ensure_watcher(self) -> None:
        if self.watcher is not None and not self.watcher.done():
            return
        if connection.vendor == "postgresql":
            self.watcher = self.loop.create_task(self._listen())
        elif poll_seconds() > 0:
            self.watcher = self.loop.create_task(self._poll())

    async def _poll(self) -> None:
        """SQLite: one reader per process for every waiter; stops when nobody waits."""
        last = await sync_to_async(closing_connection(latest_event_id), thread_sensitive=False)()
        while self.waiters:
            await asyncio.sleep(poll_seconds())
            try:
                last, newest = await sync_to_async(closing_connection(recipients_since), thread_sensitive=False)(last)
            except Exception:  # a locked or briefly missing database must not end the watcher
                log.exception("live feed poll failed; retrying")
                continue
            self.wake(newest, newest)

    async def _listen(self) -> None:
        """PostgreSQL: one dedicated autocommit LISTEN connection per process; reconnects by itself."""
        import psycopg

        while self.waiters:
            try:
                async with await psycopg.AsyncConnection.connect(**listen_params(), autocommit=True) as conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.wake(None)  # whatever was committed while not listening is read now
                    while self.waiters:
                        async for note in conn.notifies(timeout=5.0):
                            self.wake(parse_payload(note.payload))
            except Exception:
                log.exception("live feed LISTEN connection lost; reconnecting")
                self.wake(None)
                await asyncio.sleep(1.0)


def poll_seconds() -> float:
    return float(settings.MUDSITE_LIVE_POLL_MS) / 1000.0


def latest_event_id() -> int:
    from world.models import Event

    return Event.objects.aggregate(top=Max("id"))["top"] or 0


def recipients_since(last: int) -> tuple[int, dict[int, int]]:
    """The new high-water mark, and each character with rows committed after id `last` → its newest
    row's id (one range scan)."""
    from world.models import Event

    rows = list(Event.objects.filter(id__gt=last).values("recipient_id").annotate(top=Max("id")).order_by())
    if not rows:
        return last, {}
    return max(r["top"] for r in rows), {r["recipient_id"]: r["top"] for r in rows}


def listen_params() -> dict[str, Any]:
    db_settings = connection.settings_dict
    params = {
        "dbname": db_settings["NAME"],
        "user": db_settings.get("USER") or None,
        "password": db_settings.get("PASSWORD") or None,
        "host": db_settings.get("HOST") or None,
        "port": db_settings.get("PORT") or None,
    }
    return {k: v for k, v in params.items() if v is not None}


def notify_payload(recipient_ids: Iterable[int]) -> str:
    payload = ",".join(str(i) for i in sorted(set(recipient_ids)))
    return payload if len(payload) <= NOTIFY_PAYLOAD_MAX else NOTIFY_ALL


def parse_payload(payload: str) -> list[int] | None:
    if payload == NOTIFY_ALL:
        return None
    try:
        return [int(part) for part in payload.split(",") if part]
    except ValueError:
        return None


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FeedHub] = weakref.WeakKeyDictionary()
_hubs_lock = threading.Lock()


def hub() -> FeedHub:
    """The hub of the running event loop (uvicorn runs one loop per process)."""
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        found = _hubs.get(loop)
        if found is None:
            found = _hubs[loop] = FeedHub(loop)
        return found


def feed_changed(recipient_ids: Iterable[int]) -> None:
    """Thread-safe: wake this process's waiters for these characters (called after a commit)."""
    ids = list(recipient_ids)
    with _hubs_lock:
        hubs = list(_hubs.values())
    for found in hubs:
        if found.loop.is_closed():
            continue
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            found.loop.call_soon_threadsafe(found.wake, ids)
