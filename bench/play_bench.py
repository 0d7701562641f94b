"""Benchmark the play API's hot endpoints (look, move, say) under concurrent clients.

Runs gunicorn on 127.0.0.1 against a fresh SQLite database in a temporary directory, seeds a
world with one character per client (plus NPCs and items, so rooms are not empty), then hits
each endpoint with N client threads for a bounded number of requests (and at most a time
limit), next to a bare Django view returning the same JSON as `look`, all in the same run.

    .venv/bin/python bench/play_bench.py [--clients 8] [--requests 150] [--workers 4]

Prints a Markdown table (requests/s, p50, p99 latency in ms). Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0

    def row(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rps = len(ordered) / self.wall if self.wall else 0
        return f"| {self.name} | {len(ordered)} | {self.errors} | {rps:.0f} | {p50:.1f} | {p99:.1f} |"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(clients: int) -> tuple[list[str], dict]:
    """Create the world in the benchmark database; return one token per client and a look response."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from accounts.services.tokens import token_issue
    from tests import factories

    world = factories.WorldFactory(slug="bench", name="Bench")
    hall = factories.RoomFactory(world=world, key="hall", name="Great Hall")
    kitchen = factories.RoomFactory(world=world, key="kitchen", name="Kitchen")
    world.start_room = hall
    world.save()
    factories.ExitFactory(world=world, source=hall, destination=kitchen, name="kitchen door")
    factories.ExitFactory(world=world, source=kitchen, destination=hall, name="hall door")
    for room in (hall, kitchen):
        for n in range(10):
            factories.NpcFactory(world=world, room=room, name=f"Villager {room.key} {n}")
            factories.ItemFactory(world=world, room=room, name=f"crate {room.key} {n}")
    tokens = []
    for n in range(clients):
        character = factories.CharacterFactory(world=world, room=hall, name=f"Player{n}")
        tokens.append(token_issue(user=character.account))
    look = Client().get("/api/worlds/bench/play/look", headers={"Authorization": f"Bearer {tokens[0]}"}).json()
    return tokens, look


def request(port: int, method: str, path: str, token: str, body: dict | None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run(name: str, port: int, tokens: list[str], per_client: int, time_limit: float, plan) -> Result:
    result = Result(name)
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def client(index: int) -> None:
        latencies, errors = [], 0
        for step in range(per_client):
            if time.monotonic() > deadline:
                break
            method, path, body = plan(index, step)
            started = time.perf_counter()
            status = request(port, method, path, tokens[index], body)
            latencies.append(time.perf_counter() - started)
            errors += status >= 400
        with lock:
            result.latencies += latencies
            result.errors += errors

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - started
    return result


def wait_until_up(port: int, process: subprocess.Popen, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=150, help="per client and endpoint")
    parser.add_argument("--workers", type=int, default=max(2, 2 * (os.cpu_count() or 1)))
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per endpoint, at most")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the endpoints")
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="CONN_MAX_AGE for the server (0: a connection per request)"
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="mudsite-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "MUDSITE_VAR_DIR": str(scratch),
        "BENCH_BARE_JSON": str(scratch / "look.json"),
        "BENCH_CONN_MAX_AGE": str(args.conn_max_age),
    }
    env.pop("DATABASE_URL", None)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "MUDSITE_VAR_DIR", "BENCH_BARE_JSON")})
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    tokens, look = seed(args.clients)
    (scratch / "look.json").write_text(json.dumps(look))

    port = free_port()
    gunicorn = [
        str(Path(sys.executable).with_name("gunicorn")),
        "mudsite.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        wait_until_up(port, server)
        base = "/api/worlds/bench/play"
        doors = ("kitchen door", "hall door")
        moves = [itertools.count() for _ in tokens]  # each client alternates, across rounds too
        plans = {
            "bare Django view (same JSON as look, no auth, no DB)": lambda i, s: ("GET", "/bench/bare-look", None),
            "look": lambda i, s: ("GET", f"{base}/look", None),
            "move": lambda i, s: ("POST", f"{base}/move", {"exit": doors[next(moves[i]) % 2]}),
            "say": lambda i, s: ("POST", f"{base}/say", {"text": f"hello from {i} #{s}"}),
        }
        for _ in range(20):  # warm every worker up
            request(port, "GET", f"{base}/look", tokens[0], None)
        # Interleaved rounds, so a noisy neighbour on a shared machine hurts every endpoint alike.
        results = {name: Result(name) for name in plans}
        per_round = max(1, args.requests // args.rounds)
        for _ in range(args.rounds):
            for name, plan in plans.items():
                part = run(name, port, tokens, per_round, args.time_limit / args.rounds, plan)
                results[name].latencies += part.latencies
                results[name].errors += part.errors
                results[name].wall += part.wall
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"{args.clients} concurrent clients, up to {args.requests} requests each per endpoint in {args.rounds} "
        "interleaved rounds; "
        f"gunicorn {args.workers} sync workers on 127.0.0.1; SQLite (WAL), CONN_MAX_AGE={args.conn_max_age}; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs.\n"
    )
    print("| endpoint | requests | errors | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for result in results.values():
        print(result.row())


if __name__ == "__main__":
    main()
