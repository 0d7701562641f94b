"""`GET /api/worlds/{world}/play/look` with a bearer token, answered beside Django's request handler.

Why: a look's own work (token, caller, three collections, rendering) takes well under a millisecond, but
a request through Django's handler costs more than that before the view runs (WSGI environ, the
middleware chain, URL resolution, ninja's operation machinery; a bare Django view through the same
server took 1.3-1.9 ms, bench/README.md). This ASGI app answers a well-formed bearer look itself, with
the view's own code: the token check of accounts (expiry, revocation, last-used bookkeeping) and the
caller of the selectors (not joined, kicked), read together in one statement (`looker_by_token`), then
the `look` view function, which runs `selectors.room_look` and renders with the API's renderer. The request-phase checks of the middleware
that could refuse it (CommonMiddleware: allowed hosts, user agents, PREPEND_WWW; SecurityMiddleware:
the SSL redirect) run first, and the response gets the headers Django's middleware gives it
(`REPRODUCED_MIDDLEWARE`). The database work runs on the thread pool that serves Django's requests
(`mudsite/asgi.py`), between `request_started` and `request_finished` as Django sends them, so
connections are handled as for any request (`close_old_connections`, the pooled SQLite backend,
PostgreSQL's CONN_MAX_AGE).

Anything else — no bearer token (a cookie session), a refused token, no character, an unknown world, a
kicked account, a room-less character, another method, a mounted `root_path`, a middleware list other
than the one reproduced here, an unexpected error — goes to Django unchanged, so every error keeps its
one envelope and status, and the Django view stays the one documented in the OpenAPI schema (and used by
the test client). tests/world/api/test_fast_look.py checks both answer byte for byte alike.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from concurrent.futures import Executor
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.core.signals import request_finished, request_started
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware

from accounts.api.security import authenticated_since, bearer
from world.api import play
from world.exceptions import WorldError
from world.live.asgi_stream import AsgiApp, Receive, Scope, Send
from world.play_sql import looker_by_token
from world.selectors import kicked_since

logger = logging.getLogger(__name__)

# The slug rule of `world_get`: any other `{world}` is a 404 that Django words.
LOOK_PATH = re.compile(r"^/api/worlds/(?P<world>[a-z0-9-]{1,64})/play/look$")

# The middleware whose effect on a bearer look is reproduced here: request checks of Security and Common;
# response headers of XFrameOptions, Common (Content-Length) and Security. The others change nothing for
# it: sessions, CSRF, auth and messages are not touched by a bearer GET, and a 200 look is no 405. With
# any other list (a middleware added or removed), every look goes to Django.
REPRODUCED_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mudsite.middleware.ApiMethodNotAllowedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def _unused(request: Any) -> Any:
    raise AssertionError("only the middleware's process_request/process_response are called here")


class FastLook:
    """Answers bearer looks; `served` counts the looks answered here (tests check it moves)."""

    def __init__(self) -> None:
        self.security = SecurityMiddleware(_unused)
        self.common = CommonMiddleware(_unused)
        self.frame_options = XFrameOptionsMiddleware(_unused)
        self.served = 0

    @staticmethod
    def enabled() -> bool:
        return list(settings.MIDDLEWARE) == REPRODUCED_MIDDLEWARE

    def respond(self, scope: Scope, world_slug: str) -> HttpResponse | None:
        """The look as Django would answer it, or None to let Django answer. Sync: runs on the request pool."""
        request_started.send(sender=self.__class__, scope=scope)
        try:
            return self._respond(scope, world_slug)
        except WorldError:
            return None  # not joined, unknown world, kicked, nowhere: Django words the refusal
        except Exception:
            logger.exception("the fast look failed; Django answers this request")
            return None
        finally:
            request_finished.send(sender=self.__class__)

    def _respond(self, scope: Scope, world_slug: str) -> HttpResponse | None:
        request = ASGIRequest(scope, io.BytesIO())  # type: ignore[arg-type]
        if self.security.process_request(request) is not None:  # the SSL redirect
            return None
        try:
            if self.common.process_request(request) is not None:  # PREPEND_WWW's redirect
                return None
        except (DisallowedHost, PermissionDenied):  # Django answers them 400 / 403
            return None
        raw = bearer.credentials(request)
        found = None if raw is None else looker_by_token(raw=raw, world_slug=world_slug)
        if found is None:
            return None  # a refused token, or no character here: Django words it
        token, character = found
        request.auth = bearer.authenticated_by(request, token, raw)  # type: ignore[arg-type, attr-defined]
        if kicked_since(character, authenticated_since(request)):
            return None
        request.player = character  # type: ignore[attr-defined]  # as `player_authenticated` keeps it for `me_in`
        # Django's middleware handles the response in reverse order: XFrameOptions, then Common, Security.
        framed = self.frame_options.process_response(request, play.look(request, world_slug))
        sized = self.common.process_response(request, framed)
        if not isinstance(sized, HttpResponse):
            return None
        response = self.security.process_response(request, sized)
        self.served += 1
        return response


def is_fast_look(scope: Scope) -> re.Match[str] | None:
    if scope["type"] != "http" or scope["method"] != "GET" or scope.get("root_path"):
        return None
    if not any(name == b"authorization" and value[:7].lower() == b"bearer " for name, value in scope["headers"]):
        return None  # a cookie session (or no credentials): Django
    return LOOK_PATH.match(scope["path"])


async def send_response(response: HttpResponse, send: Send) -> None:
    # As the WSGI bridge (mudsite/threaded_wsgi.py) sends Django's answer: header names lower-case, values latin-1.
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.items()]
    headers += [
        (b"set-cookie", cookie.output(header="").strip().encode("latin-1")) for cookie in response.cookies.values()
    ]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content, "more_body": False})


def with_fast_look(app: AsgiApp, *, fast_look: FastLook, executor: Executor) -> AsgiApp:
    """Serve bearer `/play/look` GETs with `fast_look` on `executor` (the request pool); hand everything
    else to `app`."""

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        matched = is_fast_look(scope) if fast_look.enabled() else None
        if matched is not None:
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(executor, fast_look.respond, scope, matched["world"])
            if response is not None:
                await send_response(response, send)
                return
        await app(scope, receive, send)

    return application
