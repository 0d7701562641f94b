"""Django's WSGI handler on a fixed pool of threads inside the ASGI server, one thread hand-off a request.

Why not a2wsgi's `WSGIMiddleware` as it is (it was, until bench/README.md "one hand-off a request"): it
hands every ASGI message between the pool thread and the event loop as it comes, and waits for each one
(`run_coroutine_threadsafe(...).result()`): the request body, the response start, each body chunk and
the final empty chunk. Every such round trip is two thread wake-ups; on this 2-core machine the bare
Django view cost 0.47 ms in the handler and 2.7 ms through the bridge. Here an ordinary request costs one
hop there and back: a small request body is read on the event loop before the thread starts, and the
thread collects the response (status, headers, chunks) and returns it whole. What does not fit stays
streamed as before: a request body over `BUFFERED_REQUEST_BYTES` (or of unknown length) is read through
a2wsgi's lazy `Body`, and a response over `BUFFERED_RESPONSE_BYTES` (an admin download) is sent chunk by
chunk from the thread once it outgrows the buffer. a2wsgi still builds the WSGI environ.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from a2wsgi.wsgi import Body, build_environ

from world.live.asgi_stream import Receive, Scope, Send

# Play requests are a few hundred bytes; Django's own default for bodies kept in memory is 2.5 MB.
BUFFERED_REQUEST_BYTES = 64 * 1024
BUFFERED_RESPONSE_BYTES = 1024 * 1024


class _Exchange:
    """One request's response, collected on the pool thread, or streamed once it outgrows the buffer."""

    def __init__(self, loop: asyncio.AbstractEventLoop, send: Send) -> None:
        self.loop = loop
        self.send = send
        self.start: dict[str, Any] | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.streaming = False

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and self.streaming:
            raise exc_info[1].with_traceback(exc_info[2])  # PEP 3333: too late to change the status
        code, _, _ = status.partition(" ")
        self.start = {
            "type": "http.response.start",
            "status": int(code),
            "headers": [
                (name.strip().lower().encode("latin-1"), value.strip().encode("latin-1")) for name, value in headers
            ],
        }
        return self.write

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        if not self.streaming and self.size + len(chunk) <= BUFFERED_RESPONSE_BYTES:
            self.chunks.append(chunk)
            self.size += len(chunk)
            return
        if not self.streaming:
            self.streaming = True
            self._send_from_thread(self._start_message())
            for buffered in self.chunks:
                self._send_from_thread({"type": "http.response.body", "body": buffered, "more_body": True})
            self.chunks = []
        self._send_from_thread({"type": "http.response.body", "body": chunk, "more_body": True})

    def _start_message(self) -> dict[str, Any]:
        if self.start is None:
            raise RuntimeError("the WSGI application wrote a body before start_response")
        return self.start

    def _send_from_thread(self, message: dict[str, Any]) -> None:
        async def sending() -> None:
            await self.send(message)

        asyncio.run_coroutine_threadsafe(sending(), self.loop).result()

    def run(self, app: Any, environ: dict[str, Any]) -> None:
        """On the pool thread: the whole WSGI call, the iterable's `close()` (Django's `request_finished`)
        included; a streamed response is finished here."""
        iterable = app(environ, self.start_response)
        try:
            for chunk in iterable:
                self.write(chunk)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        if self.streaming:
            self._send_from_thread({"type": "http.response.body", "body": b"", "more_body": False})

    async def finish(self) -> None:
        """On the event loop: send what was collected, in two messages."""
        if self.streaming:
            return
        await self.send(self._start_message())
        await self.send({"type": "http.response.body", "body": b"".join(self.chunks), "more_body": False})


async def _read_small_body(scope: Scope, receive: Receive) -> io.BytesIO | None:
    """The whole request body, when its declared length is small; None to read it lazily instead."""
    length = next((value for name, value in scope["headers"] if name == b"content-length"), None)
    if length is None or not length.isdigit() or int(length) > BUFFERED_REQUEST_BYTES:
        return None
    parts = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: what came is what Django gets
            break
        parts.append(message.get("body", b""))
        more = message.get("more_body", False)
    return io.BytesIO(b"".join(parts))


class ThreadedWSGI:
    """An ASGI app (HTTP only) running a WSGI app on `workers` threads; `executor` is that pool, and each of its
    threads runs `initializer` once, when it starts."""

    def __init__(self, app: Any, *, workers: int, initializer: Callable[[], None] | None = None) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(thread_name_prefix="WSGI", max_workers=workers, initializer=initializer)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        loop = asyncio.get_running_loop()
        body: Any = await _read_small_body(scope, receive)
        if body is None:
            body = Body(loop, receive)  # type: ignore[arg-type]
        environ: dict[str, Any] = build_environ(scope, body)  # type: ignore[arg-type, assignment]
        exchange = _Exchange(loop, send)
        context = contextvars.copy_context()
        await loop.run_in_executor(self.executor, functools.partial(context.run, exchange.run, self.app, environ))
        await exchange.finish()
