"""Benchmark the live feed: N concurrent SSE clients on one uvicorn process.

Seeds a fresh SQLite database in a temporary directory with N listening characters spread over R rooms
(plus one speaker per room), starts `uvicorn mudsite.asgi:application` (one process, the README's serve
command), opens N streams from one asyncio process (aiohttp, no connection limit), then for each round
has every room's speaker say one line. It reports the server's RSS and threads with all streams open,
and the delay from each say's row (its `created_at`, stamped in the committing transaction, same host
clock) to its arrival at every listener: p50 / p99 / max over all deliveries.

    .venv/bin/python bench/live_streams.py --clients 1000 --rooms 1 --rounds 20
    .venv/bin/python bench/live_streams.py --clients 1000 --rooms 100 --rounds 5

Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(clients: int, rooms: int) -> tuple[list[str], list[str], list[int]]:
    """Listener tokens, one speaker token per room, and the room index of each listener."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from accounts.services.tokens import token_issue
    from world.models import Character, Room, World

    call_command("migrate", verbosity=0)
    world = World.objects.create(slug="bench", name="Bench", setup_complete=True)
    room_rows = Room.objects.bulk_create(
        [Room(world=world, key=f"room{r}", name=f"Room {r}", description="") for r in range(rooms)]
    )
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"u{n}", password="!") for n in range(clients + rooms)]
    )
    placement = [n % rooms for n in range(clients)] + list(range(rooms))
    Character.objects.bulk_create(
        [
            Character(world=world, account=user, name=f"P{n}", room=room_rows[placement[n]])
            for n, user in enumerate(users)
        ]
    )
    tokens = [token_issue(user=user) for user in users]
    return tokens[:clients], tokens[clients:], placement[:clients]


def rss_and_threads(pid: int) -> tuple[float, int]:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["Threads"])


async def measure(
    url: str, pid: int, listeners: list[str], speakers: list[str], rounds: int, spread: bool, round_seconds: float
) -> dict:
    import aiohttp

    arrivals: list[float] = []
    slowest_by_round: dict[int, float] = {}
    connected = 0
    all_open = asyncio.Event()
    expected = len(listeners) * rounds
    done = asyncio.Event()

    async def listen(session: aiohttp.ClientSession, token: str) -> None:
        nonlocal connected
        headers = {"Authorization": f"Bearer {token}"}
        async with session.get(f"{url}/api/worlds/bench/play/stream", headers=headers) as response:
            assert response.status == 200, response.status
            first = True
            async for raw in response.content:
                line = raw.decode()
                if first:
                    first = False
                    connected += 1
                    if connected == len(listeners):
                        all_open.set()
                if line.startswith("data: "):
                    received = time.time()
                    row = json.loads(line[6:])
                    created = dt.datetime.fromisoformat(row["created_at"]).timestamp()
                    arrivals.append(received - created)
                    said = re.search(r"round (\d+)", row.get("text", ""))
                    if said:
                        n = int(said[1])
                        slowest_by_round[n] = max(slowest_by_round.get(n, 0.0), received - created)
                    if len(arrivals) >= expected:
                        done.set()

    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.monotonic()
        tasks = [asyncio.create_task(listen(session, token)) for token in listeners]
        await asyncio.wait_for(all_open.wait(), timeout=600)
        opened_in = time.monotonic() - started
        await asyncio.sleep(2)  # let the server settle before reading its memory
        rss, threads = rss_and_threads(pid)
        # Says on fresh connections: a keep-alive one the server timed out meanwhile would fail the POST.
        speaking = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True))

        say_times: list[float] = []

        async def say(token: str, text: str, delay: float) -> None:
            await asyncio.sleep(delay)
            started = time.monotonic()
            async with speaking.post(
                f"{url}/api/worlds/bench/play/say", json={"text": text}, headers={"Authorization": f"Bearer {token}"}
            ) as response:
                assert response.status == 200, await response.text()
            say_times.append(time.monotonic() - started)

        for n in range(rounds):
            # All rooms' says at once (a burst), or paced evenly over the round (--spread).
            gap = round_seconds / len(speakers) if spread else 0.0
            await asyncio.gather(*(say(token, f"round {n}", i * gap) for i, token in enumerate(speakers)))
            await asyncio.sleep(round_seconds)  # rounds apart, so one round's deliveries do not queue behind the next
        await speaking.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=120)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    ordered = sorted(arrivals)
    print("slowest delivery per round (ms):", [round(slowest_by_round[n] * 1000) for n in sorted(slowest_by_round)])

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else float("nan")

    return {
        "opened_in_s": round(opened_in, 1),
        "rss_mb": round(rss, 1),
        "threads": threads,
        "deliveries": f"{len(ordered)}/{expected}",
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        "say_request_p50_ms": round(statistics.median(say_times) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--spread", action="store_true", help="pace each round's says over the round, not all at once")
    parser.add_argument("--round-seconds", type=float, default=0.5, help="time between rounds")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="mudsite-live-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        MUDSITE_STATE_DIR=str(workdir / "worlds"),
        MUDSITE_DEBOUNCE_MS="1000",
    )
    listeners, speakers, _ = seed(args.clients, args.rooms)
    from tests.asgi_server import free_port

    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/uvicorn"), "mudsite.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--lifespan", "on", "--timeout-graceful-shutdown", "1", "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        import urllib.request

        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/docs", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("uvicorn did not start") from None
                time.sleep(0.1)
        idle_rss, idle_threads = rss_and_threads(server.pid)
        result = asyncio.run(
            measure(
                f"http://127.0.0.1:{port}",
                server.pid,
                listeners,
                speakers,
                args.rounds,
                args.spread,
                args.round_seconds,
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(json.dumps({**vars(args), "idle_rss_mb": round(idle_rss, 1), "idle_threads": idle_threads, **result}))


if __name__ == "__main__":
    main()
