"""The ASGI fast path for bearer looks (world/api/asgi_look.py) answers exactly what Django answers, and
leaves every other case to Django.

The real ASGI application (`mudsite.asgi.application`) is driven in-process; the reference is the Django
test client and, byte for byte on the wire, the same application's Django path (`django_by_path`, the WSGI
handler on the request pool). The pool's threads have their own database connections, so these tests
commit their rows (`transaction=True`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services.tokens import token_digest, token_issue, token_revoke
from mudsite import asgi
from tests import factories
from world.api.asgi_look import FastLook
from world.models import Character, WorldKick

pytestmark = pytest.mark.django_db(transaction=True)

LOOK = "/api/worlds/tiny/play/look"


class Answer:
    def __init__(self, messages: list[dict[str, Any]]):
        start = messages[0]
        assert start["type"] == "http.response.start"
        self.status: int = start["status"]
        self.headers: list[tuple[bytes, bytes]] = list(start["headers"])
        self.body = b"".join(m.get("body", b"") for m in messages[1:])

    def header_map(self) -> dict[str, str]:
        return {name.decode("latin-1"): value.decode("latin-1") for name, value in self.headers}


def scope_of(method: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    raw = [(b"host", b"testserver")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def drive(app, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Answer:
    messages: list[dict[str, Any]] = []

    async def run() -> None:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()  # nothing more: as a client that waits for its answer
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        await app(scope_of(method, path, headers), receive, send)

    asyncio.run(run())
    return Answer(messages)


threads: list[str] = []  # the thread each request_started ran on


@pytest.fixture
def senders():
    """Who sent `request_started` per request: `FastLook` on the fast path, Django's handler otherwise."""
    seen: list[type] = []

    def record(sender, **kwargs):
        seen.append(sender)
        threads.append(threading.current_thread().name)

    threads.clear()
    request_started.connect(record)
    yield seen
    request_started.disconnect(record)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def fast_and_django(headers: dict[str, str], senders: list[type], method: str = "GET", path: str = LOOK):
    """The full application's answer, the Django path's answer, the test client's, and whether the full
    application took the fast path (its counter moved and it sent `request_started` itself)."""
    served, before = asgi.fast_look.served, len(senders)
    full = drive(asgi.application, method, path, headers)
    full_senders = senders[before:]
    took_fast_path = asgi.fast_look.served == served + 1
    # A look the fast path leaves to Django was tried there first: the last request_started is the answerer's.
    assert took_fast_path == (full_senders == [FastLook])
    assert took_fast_path or full_senders[-1] is not FastLook
    before = len(senders)
    django = drive(asgi.django_by_path, method, path, headers)
    client = Client().generic(method, path, headers=headers)
    assert FastLook not in senders[before:], "the Django paths must not run the fast look"
    return full, django, client, took_fast_path


def assert_same_answer(full: Answer, django: Answer, client) -> None:
    assert full.status == django.status == client.status_code
    assert full.body == django.body
    if client.request["REQUEST_METHOD"] != "HEAD":  # the test client drops a HEAD's body (as servers do)
        assert full.body == client.content
    assert full.headers == django.headers  # names, values and order, as the bridge sends Django's
    assert full.header_map() == {k.lower(): v for k, v in client.items()}


@pytest.fixture
def alice_token(tiny_world) -> str:
    return token_issue(user=tiny_world.player.account)


def test_a_plain_look_is_served_by_the_fast_path_exactly_as_django_serves_it(tiny_world, alice_token, senders):
    full, django, client, fast = fast_and_django(bearer(alice_token), senders)
    assert fast and senders[0] is FastLook
    assert threads[0].startswith("WSGI")  # the request pool's threads (mudsite/asgi.py), not the event loop
    assert full.status == 200
    assert_same_answer(full, django, client)
    headers = full.header_map()
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == str(len(full.body))
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


def busy_room(tiny_world) -> None:
    """Players (one seen lately through its token, one dead), NPCs (a dead one, which a look hides), owned and
    plain items, a locked exit."""
    world, hall = tiny_world.world, tiny_world.hall
    carol = factories.CharacterFactory(world=world, room=hall, name="Carol")
    token_issue(user=carol.account)
    factories.CharacterFactory(world=world, room=hall, name="Dave")  # never logged in
    factories.CharacterFactory(world=world, room=hall, name="Erin", is_dead=True)
    factories.NpcFactory(world=world, room=hall, name="Ghost", is_dead=True)
    factories.NpcFactory(world=world, room=hall, name="Guard")
    factories.ItemFactory(world=world, room=hall, name="sword", owner=carol, tags=["Weapon"])
    factories.ItemFactory(world=world, room=hall, name="barrel", carry="large")
    cellar = factories.RoomFactory(world=world, key="cellar", name="Cellar")
    factories.ExitFactory(world=world, source=hall, destination=cellar, name="trapdoor", is_locked=True, kind="portal")


def test_a_busy_room_is_the_same_on_both_paths(tiny_world, alice_token, senders):
    busy_room(tiny_world)
    full, django, client, fast = fast_and_django(bearer(alice_token), senders)
    assert fast and full.status == 200
    assert_same_answer(full, django, client)
    look = client.json()
    assert {c["name"] for c in look["characters"]} == {"Carol", "Dave", "Erin", "Guard", "Bob"}
    assert any(e["locked"] for e in look["exits"])


def test_an_external_room_shows_the_game_time_on_both_paths(tiny_world, alice_token, senders):
    tiny_world.hall.tags = ["external"]
    tiny_world.hall.save()
    tiny_world.world.game_time_ticks = 30
    tiny_world.world.time_descriptions = {str(h): f"Hour {h} of the day." for h in range(24)}
    tiny_world.world.save()
    full, django, client, fast = fast_and_django(bearer(alice_token), senders)
    assert fast and full.status == 200
    assert_same_answer(full, django, client)
    assert client.json()["time"]["text"] in client.json()["message"]


def test_a_look_after_logging_in_again_since_a_kick_is_served_fast(tiny_world, senders):
    WorldKick.objects.create(
        world=tiny_world.world, user=tiny_world.player.account, kicked_at=timezone.now() - dt.timedelta(hours=1)
    )
    full, django, client, fast = fast_and_django(bearer(token_issue(user=tiny_world.player.account)), senders)
    assert fast and full.status == 200
    assert_same_answer(full, django, client)


def refused_by_django(headers: dict[str, str], senders: list[type], status: int, **kw: Any) -> Answer:
    full, django, client, fast = fast_and_django(headers, senders, **kw)
    assert not fast, "the fast path answered a case it must leave to Django"
    assert_same_answer(full, django, client)
    assert full.status == status
    return full


def assert_envelope(answer: Answer, code: str) -> None:
    import json

    body = json.loads(answer.body)
    assert set(body) == {"code", "message", "details"} and body["code"] == code


def test_a_kicked_account_is_refused_by_django(tiny_world, alice_token, senders):
    WorldKick.objects.create(world=tiny_world.world, user=tiny_world.player.account, kicked_at=timezone.now())
    assert_envelope(refused_by_django(bearer(alice_token), senders, 401), "kicked")


def test_an_expired_token_is_refused_by_django(tiny_world, alice_token, senders):
    old = timezone.now() - dt.timedelta(days=400)
    ApiToken.objects.filter(key_hash=token_digest(alice_token)).update(created_at=old, last_used_at=old)
    refused_by_django(bearer(alice_token), senders, 401)


def test_a_revoked_token_is_refused_by_django(tiny_world, alice_token, senders):
    fast_and_django(bearer(alice_token), senders)  # served, then revoked: nothing may remember it
    token_revoke(raw=alice_token)
    refused_by_django(bearer(alice_token), senders, 401)


def test_an_unknown_token_is_refused_by_django(tiny_world, senders):
    refused_by_django(bearer("not-a-token"), senders, 401)


def test_an_account_without_a_character_is_refused_by_django(tiny_world, senders):
    stranger = factories.UserFactory(username="stranger")
    assert_envelope(refused_by_django(bearer(token_issue(user=stranger)), senders, 403), "not_joined")


def test_an_unknown_world_is_refused_by_django(tiny_world, alice_token, senders):
    refused_by_django(bearer(alice_token), senders, 404, path="/api/worlds/nowhere/play/look")


def test_a_character_in_no_room_is_refused_by_django(tiny_world, alice_token, senders):
    Character.objects.filter(pk=tiny_world.player.pk).update(room=None)
    assert_envelope(refused_by_django(bearer(alice_token), senders, 409), "nowhere")


def test_a_host_django_does_not_allow_is_refused_by_django(tiny_world, alice_token, senders):
    served = asgi.fast_look.served
    answer = drive(asgi.application, "GET", LOOK, {**bearer(alice_token), "Host": "evil.example"})
    assert answer.status == 400 and asgi.fast_look.served == served


@pytest.mark.parametrize("method", ["HEAD", "POST"])
def test_other_methods_go_to_django(tiny_world, alice_token, senders, method):
    refused_by_django(bearer(alice_token), senders, 405, method=method)


def test_a_cookie_session_look_is_answered_by_django(tiny_world, senders):
    browser = Client()
    browser.force_login(tiny_world.player.account)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    refused_by_django({"Cookie": cookie}, senders, 200)


def test_any_other_middleware_list_sends_every_look_to_django(tiny_world, alice_token, senders, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    served = asgi.fast_look.served
    answer = drive(asgi.application, "GET", LOOK, bearer(alice_token))
    assert answer.status == 200 and asgi.fast_look.served == served


@contextmanager
def request_signals_without_closing_connections():
    """As Django's test client: the request signals fire, but the test's connection stays open."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_a_fast_look_reads_the_token_and_the_caller_in_one_statement(
    tiny_world, alice_token, django_assert_num_queries
):
    busy_room(tiny_world)
    fast = FastLook()
    fast.respond(scope_of("GET", LOOK, bearer(alice_token)), "tiny")  # the token's last use: written once
    # the token with the caller, then the room's exits, people and floor: one fewer than a Django look
    # (test_play_query_counts.py)
    with request_signals_without_closing_connections(), django_assert_num_queries(2):
        response = fast.respond(scope_of("GET", LOOK, bearer(alice_token)), "tiny")
    assert response is not None and response.status_code == 200
