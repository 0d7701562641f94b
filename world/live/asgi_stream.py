"""`GET /api/worlds/{world}/play/stream` served beside Django's request handler, not through it.

Why: Django 6 runs every ASGI request in its own thread-sensitive context, and its sync
`request_started` receivers pin one executor thread to that context until the response ends. An
endless SSE response thus parks one OS thread (~0.5 MB RSS here) per open stream, and every chunk
it sends is scheduled through that request's machinery: 1,000 streams cost ~670 MB and seconds of
fan-out delay (bench/README.md). This ASGI app answers only a well-formed, authenticated stream
request itself; the caller is resolved once with the same services the view uses (bearer token,
then the session cookie; `me_in` for the character) on the process's live reader thread
(world/live/hub.py `LiveReader`), and then the stream is a coroutine on the hub with no thread and no connection.

Anything else — a host not in ALLOWED_HOSTS, no or bad credentials, no character, an unknown world, a malformed `after`, another
method — goes to Django unchanged, so every error keeps its one envelope and status, and the
Django view stays the one documented in the OpenAPI schema (and used by the test client).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest

from world.exceptions import WorldError
from world.live.hub import live_reader
from world.live.stream import feed_stream, keepalive_seconds, latest_id, resume_point, still_authorized

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[..., Awaitable[None]]

STREAM_PATH = re.compile(r"^/api/worlds/(?P<world>[^/]+)/play/stream$")
AFTER_MAX = 2**63 - 1
HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),  # nginx: pass each event through at once
    # What Django's SecurityMiddleware and XFrameOptionsMiddleware add to every response.
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


@dataclass
class StreamCaller:
    request: HttpRequest
    character_id: int
    after: int


def parse_after(query_string: bytes) -> tuple[bool, int | None]:
    """(valid, after): the view's rule for `?after=` (an integer 0..2**63-1, or absent)."""
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("after")
    if not values:
        return True, None
    raw = values[-1].strip()
    if not raw.isdigit() or len(raw) > 19 or int(raw) > AFTER_MAX:
        return False, None
    return True, int(raw)


def authenticate(request: HttpRequest) -> Any | None:
    """The caller as the play router's `authenticated` list sees it: bearer first, then the session."""
    from django.contrib.auth import get_user
    from django.contrib.sessions.middleware import SessionMiddleware

    from accounts.api.security import bearer

    if request.headers.get("Authorization", "").partition(" ")[0].lower() == "bearer":
        return bearer(request)  # a bad token is judged alone (401 from Django), never by a stale cookie
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type, return-value]
    user = get_user(request)
    if not user.is_authenticated:
        return None
    request.user = user
    return user


def resolve_caller(scope: Scope, world_slug: str, after: int | None) -> StreamCaller | None:
    """The caller's character and resume point, or None to let Django answer (with its error)."""
    from world.api.contract import me_in

    request = ASGIRequest(scope, io.BytesIO())  # type: ignore[arg-type]
    try:
        request.get_host()  # what CommonMiddleware checks first: a host not in ALLOWED_HOSTS
    except DisallowedHost:
        return None  # Django answers it 400
    user = authenticate(request)
    if user is None:
        return None
    request.auth = user  # type: ignore[attr-defined]
    try:
        character = me_in(request, world_slug)
    except WorldError:
        return None
    after = resume_point(request, after)
    if after is None:
        after = latest_id(character.pk)
    return StreamCaller(request=request, character_id=character.pk, after=after)


async def watch_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def serve_stream(caller: StreamCaller, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})

    async def pump() -> None:
        events = feed_stream(
            character_id=caller.character_id,
            after=caller.after,
            authorized=lambda: still_authorized(caller.request),
            keepalive=keepalive_seconds(),
            read=live_reader().read,
        )
        async for chunk in events:
            await send({"type": "http.response.body", "body": chunk.encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    pumping = asyncio.ensure_future(pump())
    watching = asyncio.ensure_future(watch_disconnect(receive))
    try:
        await asyncio.wait({pumping, watching}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (pumping, watching):
            task.cancel()
        for task in (pumping, watching):
            with contextlib.suppress(asyncio.CancelledError, OSError):  # OSError: the client went away
                await task


def with_fast_stream(app: AsgiApp) -> AsgiApp:
    """Serve authenticated `/play/stream` GETs here; hand everything else to `app` (Django)."""

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            matched = STREAM_PATH.match(scope["path"])
            if matched is not None:
                valid, after = parse_after(scope.get("query_string", b""))
                if valid:
                    caller = await live_reader().read(resolve_caller, scope, matched["world"], after)
                    if caller is not None:
                        await serve_stream(caller, receive, send)
                        return
        await app(scope, receive, send)

    return application
