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


def test_the_server_process_freezes_its_start_up_objects_and_collects_garbage_rarely():
    # Importing the module is what a server does: start-up objects (the URLconf's too) are frozen out of
    # every collection, and the youngest generation is collected after 50,000 allocations, not 700.
    import gc

    from mudsite.urls import urlpatterns

    assert gc.get_threshold()[0] == 50_000
    assert gc.get_freeze_count() > 0
    assert gc.is_tracked(urlpatterns)
    assert not any(o is urlpatterns for o in gc.get_objects())  # frozen: in no generation a collection walks


def test_the_pool_has_two_threads_on_sqlite_and_eight_on_postgresql(monkeypatch):
    """Threads beyond two only take turns at the GIL on SQLite (docs/decisions.md); PostgreSQL's queries
    release it while they wait on the network."""
    import importlib

    from django.db import connection

    import mudsite.settings as project_settings

    monkeypatch.delenv("MUDSITE_REQUEST_THREADS", raising=False)
    try:
        threads = importlib.reload(project_settings).MUDSITE_REQUEST_THREADS
        assert threads == (2 if connection.vendor == "sqlite" else 8)
        monkeypatch.setenv("MUDSITE_REQUEST_THREADS", "5")
        threads = importlib.reload(project_settings).MUDSITE_REQUEST_THREADS
        assert threads == 5
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
