"""ASGI lifespan support: flush this process's pending saves when the server shuts down.

uvicorn re-raises SIGTERM after its graceful shutdown, so `atexit` never runs there; the
lifespan "shutdown" message is the last moment Python code is sure to run. Django's ASGIHandler
refuses lifespan scopes, hence this wrapper.
"""

from __future__ import annotations

import asyncio
from typing import Any

from persistence.facade import flush_local_saves

Scope = dict[str, Any]


def with_save_flush_on_shutdown(app: Any) -> Any:
    async def application(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(flush_local_saves)  # the ORM is synchronous
                await send({"type": "lifespan.shutdown.complete"})
                return

    return application
