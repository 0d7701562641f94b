"""The real ASGI server with 30 long-polls and 30 streams parked still answers play requests promptly."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from django.db import transaction

from accounts.services.tokens import token_issue
from tests import factories
from tests.asgi_server import AsgiServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PARKED = 30
# Generous on purpose (a noisy 2-core box): a play request blocked behind parked clients would wait
# for the 25 s long-poll or forever for a stream, far beyond this.
PROMPT_SECONDS = 5.0


def server_threads(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


async def until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the parked clients never reached the server"
        await asyncio.sleep(0.05)


async def scenario(url: str, pid: int, player: str, parked: list[str]) -> list[float]:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    timeout = httpx.Timeout(60.0)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        baseline = server_threads(pid)
        streams_open: list[httpx.Response] = []

        async def stream(token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            async with client.stream("GET", "/api/worlds/tiny/play/stream", headers=headers) as response:
                assert response.status_code == 200
                async for _ in response.aiter_lines():
                    streams_open.append(response)  # the first line ("retry: …"): parked
                    await asyncio.Event().wait()  # hold it open until cancelled

        async def long_poll(token: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            response = await client.get("/api/worlds/tiny/play/events?after=0&wait=25", headers=headers)
            return response.status_code

        streams = [asyncio.create_task(stream(token)) for token in parked[:PARKED]]
        polls = [asyncio.create_task(long_poll(token)) for token in parked[PARKED:]]
        await until(lambda: len(streams_open) == PARKED, timeout=120)
        # A parked long-poll holds one thread in the server (Django 6's per-request executor); a stream,
        # served beside Django's handler, holds none: all 60 are in once the polls' threads are.
        await until(lambda: server_threads(pid) >= baseline + PARKED, timeout=120)

        headers = {"Authorization": f"Bearer {player}"}
        durations = []
        for n in range(5):
            for method, path, body in (
                ("GET", "/api/worlds/tiny/play/look", None),
                ("POST", "/api/worlds/tiny/play/say", {"text": f"still here {n}"}),
            ):
                started = time.monotonic()
                response = await client.request(method, path, json=body, headers=headers)
                durations.append(time.monotonic() - started)
                assert response.status_code == 200, response.text
        assert not any(task.done() for task in streams + polls), "a parked client ended early"
        for task in streams + polls:
            task.cancel()
        await asyncio.gather(*streams, *polls, return_exceptions=True)
        return durations


def test_play_requests_are_answered_promptly_while_60_clients_wait(tiny_world, tmp_path):
    cellar = factories.RoomFactory(world=tiny_world.world, key="cellar")
    parked = []
    with transaction.atomic():  # one commit, one (inline) export of the world: not one per character
        for n in range(2 * PARKED):  # in another room: the says below wake none of them
            waiting = factories.CharacterFactory(world=tiny_world.world, room=cellar, name=f"Waiter{n}")
            parked.append(token_issue(user=waiting.account))
    player = token_issue(user=tiny_world.player.account)
    server = AsgiServer(tmp_path / "worlds", DJANGO_SETTINGS_MODULE="tests.browser.server_settings")
    server.start()
    try:
        assert server.process is not None
        durations = asyncio.run(scenario(server.url, server.process.pid, player, parked))
    finally:
        server.stop()
    assert max(durations) < PROMPT_SECONDS, durations
