"""mudsite/asgi.py: play requests run on Django's WSGI handler in a fixed thread pool; the feed's waiting
views (`/play/stream`, `/play/events`) and everything not HTTP go to Django's ASGI handler."""

from __future__ import annotations

import asyncio
import threading

import pytest

from mudsite import asgi


@pytest.fixture
def routes(monkeypatch):
    seen: list[tuple[str, str]] = []

    def recorder(name):
        async def app(scope, receive, send):
            seen.append((name, scope.get("path", scope["type"])))

        return app

    monkeypatch.setattr(asgi, "threaded_django", recorder("threads"))
    monkeypatch.setattr(asgi, "django_application", recorder("asgi"))
    return seen


@pytest.mark.parametrize(
    ("path", "handler"),
    [
        ("/api/worlds/demo/play/look", "threads"),
        ("/api/worlds/demo/play/say", "threads"),
        ("/api/worlds/demo/build/rooms", "threads"),
        ("/admin/", "threads"),
        ("/play/", "threads"),
        ("/api/worlds/demo/play/events", "asgi"),
        ("/api/worlds/demo/play/stream", "asgi"),
        ("/api/worlds/demo/play/stream-ticket", "threads"),
    ],
)
def test_each_path_goes_to_its_handler(routes, path, handler):
    asyncio.run(asgi.django_by_path({"type": "http", "path": path}, None, None))
    assert routes == [(handler, path)]


def test_websockets_and_other_scopes_go_to_the_asgi_handler(routes):
    asyncio.run(asgi.django_by_path({"type": "websocket", "path": "/x"}, None, None))
    assert routes == [("asgi", "/x")]


def test_the_thread_pool_is_fixed_and_named():
    pool = asgi.threaded_django.executor
    assert pool._max_workers == asgi.settings.MUDSITE_REQUEST_THREADS
    names = set()
    futures = [pool.submit(lambda: names.add(threading.current_thread().name)) for _ in range(20)]
    for future in futures:
        future.result()
    assert all(name.startswith("WSGI") for name in names)
    assert len(names) <= asgi.settings.MUDSITE_REQUEST_THREADS
