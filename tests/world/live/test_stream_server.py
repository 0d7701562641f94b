"""`/play/stream` on the real ASGI server (uvicorn as a subprocess): the SSE contract end to end.

The stream is served beside Django's handler (world/live/asgi_stream.py) once the caller is
known; every refusal comes from Django's view, with the API's error envelope.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from accounts.services.tokens import token_issue, token_revoke
from tests import factories
from tests.asgi_server import AsgiServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
STREAM = "/api/worlds/tiny/play/stream"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[AsgiServer]:
    with django_db_blocker.unblock():
        running = AsgiServer(
            tmp_path_factory.mktemp("stream") / "worlds",
            DJANGO_SETTINGS_MODULE="tests.browser.server_settings",
            MUDSITE_LIVE_KEEPALIVE_SECONDS="1",
        )
        running.start()
    yield running
    running.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Sse:
    """The events of one open stream, read as the browser's EventSource parses them."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.iter_lines()

    def next(self) -> dict[str, Any]:
        event: dict[str, Any] = {}
        for line in self.lines:
            if line == "":
                if event:
                    return event
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "":
                event.setdefault("comment", value)
            elif field == "data":
                event["data"] = orjson.loads(value) if value.startswith("{") else value
            else:
                event[field] = value
        raise AssertionError("the stream ended")

    def next_message(self) -> dict[str, Any]:
        while True:
            event = self.next()
            if "id" in event or event.get("event") == "end":
                return event


def say(server: AsgiServer, token: str, text: str) -> None:
    response = httpx.post(f"{server.url}/api/worlds/tiny/play/say", json={"text": text}, headers=bearer(token))
    assert response.status_code == 200, response.text


def server_threads(server: AsgiServer) -> int:
    assert server.process is not None
    return len(list(Path(f"/proc/{server.process.pid}/task").iterdir()))


@pytest.fixture
def people(tiny_world):
    bob = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Bobby")
    return token_issue(user=tiny_world.player.account), token_issue(user=bob.account)


def test_messages_carry_the_event_id_and_the_rows_of_play_events(server, people):
    alice, bob = people
    with (
        httpx.Client(base_url=server.url, timeout=30) as client,
        client.stream("GET", STREAM, headers=bearer(alice)) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/event-stream"
        assert r.headers["cache-control"] == "no-cache"
        stream = Sse(r)
        assert stream.next() == {"retry": "2000"}
        say(server, bob, "hello")
        say(server, bob, "again")
        got = [stream.next_message(), stream.next_message()]
    feed = httpx.get(f"{server.url}/api/worlds/tiny/play/events?after=0", headers=bearer(alice)).json()["events"]
    assert [e["data"] for e in got] == feed[-2:]
    assert [e["id"] for e in got] == [str(row["id"]) for row in feed[-2:]]
    assert [e["data"]["text"] for e in got] == ['Bobby says, "hello"', 'Bobby says, "again"']


def test_a_reconnect_resumes_after_last_event_id_with_no_gap_and_no_duplicate(server, people):
    alice, bob = people
    for n in range(3):
        say(server, bob, f"line {n}")
    feed = httpx.get(f"{server.url}/api/worlds/tiny/play/events?after=0", headers=bearer(alice)).json()["events"]
    first = feed[-3]["id"]
    headers = {**bearer(alice), "Last-Event-ID": str(first)}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        # The header (sent by the browser's own reconnect) wins over `?after=` (the page's first URL).
        with client.stream("GET", f"{STREAM}?after=0", headers=headers) as r:
            stream = Sse(r)
            resumed = [stream.next_message()["data"]["text"] for _ in range(2)]
            say(server, bob, "line 3")
            resumed.append(stream.next_message()["data"]["text"])
        with client.stream("GET", f"{STREAM}?after={feed[-1]['id']}", headers=bearer(alice)) as r:
            after_only = Sse(r).next_message()["data"]["text"]
    assert resumed == ['Bobby says, "line 1"', 'Bobby says, "line 2"', 'Bobby says, "line 3"']
    assert after_only == 'Bobby says, "line 3"'


@contextlib.contextmanager
def open_stream(server: AsgiServer, token: str) -> Iterator[Sse]:
    """The caller's stream, past its first event (`retry:`)."""
    with (
        httpx.Client(base_url=server.url, timeout=30) as client,
        client.stream("GET", STREAM, headers=bearer(token)) as response,
    ):
        stream = Sse(response)
        stream.next()
        yield stream


def test_an_idle_stream_gets_keep_alive_comments(server, people):
    alice, _ = people
    with open_stream(server, alice) as stream:
        assert stream.next() == {"comment": "keep-alive"}  # MUDSITE_LIVE_KEEPALIVE_SECONDS=1 here


def test_a_revoked_token_ends_the_stream(server, people):
    alice, _ = people
    with open_stream(server, alice) as stream:
        token_revoke(raw=alice)
        assert stream.next_message() == {"event": "end", "data": {"reason": "signed out"}}


def test_a_browser_session_streams_and_its_logout_ends_the_stream(server, tiny_world, people):
    _, bob = people
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        login = browser.post(
            "/api/auth/login", json={"username": tiny_world.player.account.username, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        with browser.stream("GET", STREAM) as r:  # the session cookie only, as EventSource sends it
            assert r.status_code == 200
            stream = Sse(r)
            stream.next()
            say(server, bob, "psst")
            assert stream.next_message()["data"]["text"] == 'Bobby says, "psst"'
            assert browser.get("/play/").status_code == 200  # sets the CSRF cookie, as the page does
            logout = browser.post("/api/auth/logout", headers={"X-CSRFToken": browser.cookies["csrftoken"]})
            assert logout.status_code == 204, logout.text
            assert stream.next_message()["event"] == "end"


@pytest.mark.parametrize(
    ("path", "headers", "status", "code"),
    [
        (STREAM, {}, 401, "unauthenticated"),
        (STREAM, {"Authorization": "Bearer not-a-token"}, 401, "unauthenticated"),
        ("/api/worlds/nowhere/play/stream", "alice", 404, "not_found"),
        (f"{STREAM}?after=abc", "alice", 422, "invalid"),
        (f"{STREAM}?after=-1", "alice", 422, "invalid"),
        ("/api/worlds/tiny/play/stream", "stranger", 403, "not_joined"),
    ],
)
def test_refusals_come_from_the_api_with_its_envelope(server, tiny_world, people, path, headers, status, code):
    tokens = {"alice": people[0], "stranger": token_issue(user=factories.UserFactory(username="stranger"))}
    if isinstance(headers, str):
        headers = bearer(tokens[headers])
    response = httpx.get(f"{server.url}{path}", headers=headers, timeout=30)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["code"] == code


def test_open_streams_hold_no_server_thread(server, tiny_world):
    tokens = []
    for n in range(20):
        listener = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.kitchen, name=f"Listener{n}")
        tokens.append(token_issue(user=listener.account))

    async def scenario() -> tuple[int, int]:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as client:
            opened = 0
            release = asyncio.Event()

            async def listen(token: str) -> None:
                nonlocal opened
                async with client.stream("GET", STREAM, headers=bearer(token)) as response:
                    async for line in response.aiter_lines():
                        assert line == "retry: 2000"
                        opened += 1
                        await release.wait()
                        return

            baseline = server_threads(server)
            # All at once, as real clients arrive: through Django's handler each would park a thread.
            tasks = [asyncio.create_task(listen(token)) for token in tokens]
            deadline = time.monotonic() + 60
            while opened < len(tokens):
                assert time.monotonic() < deadline, "the streams never opened"
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            parked = server_threads(server)
            release.set()
            await asyncio.gather(*tasks)
            return baseline, parked

    baseline, parked = asyncio.run(scenario())
    assert parked < baseline + 5, (baseline, parked)  # the live reader and asyncio's executor, not 20


def test_a_stream_for_a_host_not_allowed_is_refused_as_django_refuses_it(server, people):
    headers = {**bearer(people[0]), "Host": "evil.example"}
    with httpx.stream("GET", f"{server.url}{STREAM}", headers=headers, timeout=30) as response:
        assert not response.headers["content-type"].startswith("text/event-stream")
        assert response.status_code == 400
