"""The ASGI application: what the README's servers run (uvicorn, or gunicorn with uvicorn workers).

Four ways in, chosen by path (docs/decisions.md, "Serving play requests fast under ASGI"):
- `/play/look` GETs with a bearer token of a caller who may look: answered beside Django's request
  handler with the view's own code, on the same thread pool as Django's requests (~1 ms less per look
  than the handler and its middleware chain; world/api/asgi_look.py);
- `/play/stream` GETs of a known caller: served beside Django, no thread per open stream
  (world/live/asgi_stream.py);
- the feed reads that wait (`/play/stream` refusals, `/play/events`): Django's ASGI handler, where the
  async views wait without holding a thread;
- everything else: Django's WSGI handler on a fixed pool of threads (mudsite/threaded_wsgi.py: one
  thread hand-off a request). Django's ASGI handler
  runs each sync request in a thread of its own and hops between the event loop and that thread for
  every sync middleware, signal and the view (~5 ms a request on this 2-core machine against ~0.3 ms
  here, bench/README.md); the pool's threads also keep their database connections.
Whatever the two fast paths do not answer themselves (every refusal, cookie sessions, other methods)
falls through to Django, so errors keep their one envelope.
"""

import gc
import os
import re
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mudsite.settings")

django_application: Any = get_asgi_application()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

django_wsgi_application: Any = get_wsgi_application()

if settings.DEBUG:
    # uvicorn serves no static files (runserver did): the admin's and Swagger's assets come from here
    # in development; production runs collectstatic and lets the proxy serve STATIC_ROOT.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler, StaticFilesHandler

    django_application = ASGIStaticFilesHandler(django_application)
    django_wsgi_application = StaticFilesHandler(django_wsgi_application)

from mudsite.db.sqlite3.base import keep_connections_across_requests  # noqa: E402
from mudsite.threaded_wsgi import ThreadedWSGI  # noqa: E402
from persistence.lifespan import with_save_flush_on_shutdown  # noqa: E402  (needs the apps loaded)
from world.api.asgi_look import FastLook, with_fast_look  # noqa: E402
from world.live.asgi_stream import with_fast_stream  # noqa: E402

# The async views: the live feed, which may wait for events.
WAITING_PATH = re.compile(r"^/api/worlds/[^/]+/play/(?:stream|events)$")

# The pool's threads live as long as the process: on SQLite with DB_CONN_MAX_AGE above 0, each keeps its
# connection between requests (mudsite/db/sqlite3/base.py).
threaded_django = ThreadedWSGI(
    django_wsgi_application, workers=settings.MUDSITE_REQUEST_THREADS, initializer=keep_connections_across_requests
)


async def django_by_path(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and not WAITING_PATH.match(scope["path"]):
        await threaded_django(scope, receive, send)
    else:
        await django_application(scope, receive, send)


def collect_garbage_rarely() -> None:
    """A full (generation 2) collection walks every object the collector tracks, with the event loop
    stopped: with 1,000 open streams that is ~270k objects and ~130 ms, one whole round of deliveries
    late (bench/README.md, "Live feed"). What start-up loaded lives as long as the process: frozen, no
    collection walks it again. And the youngest generation is collected after 50,000 allocations,
    not 700: the short-lived objects of a round of deliveries are freed by reference counting before a
    collection could promote them, so the old generation grows only by what really lives on, and full
    collections become rare. Cyclic garbage waits longer for its collection (RSS: bench/README.md)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the URLconf, hence the whole API, loads now: frozen with the rest)
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)


collect_garbage_rarely()

fast_look = FastLook()
# Lifespan "shutdown" exports this process's pending world saves (uvicorn skips atexit on SIGTERM).
application = with_save_flush_on_shutdown(
    with_fast_look(with_fast_stream(django_by_path), fast_look=fast_look, executor=threaded_django.executor)
)
