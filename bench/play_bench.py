"""Benchmark the play API's hot endpoints (look, move, say) under the production server, with wrk.

Starts mudsite under the server the README recommends (gunicorn with uvicorn workers and the shipped
gunicorn.conf.py; `--server wsgi` for sync workers) against a fresh SQLite database in a temporary
directory, seeds a world (two rooms joined by a door, 10 NPCs and 10 items in each, one player per
token), then drives each endpoint with wrk (one thread, `--connections` keep-alive connections, bearer
tokens round-robin) in interleaved rounds, next to, in the same run:

- a bare Django view returning a stored copy of the same `look` JSON (no auth, no database): the floor;
- the calibration app (bench/calibration/): plain Django + django-ninja, a comparable 4-query look,
  served by the same server configuration;
- Evennia's REST object read, when `--evennia` is given (bench/evennia_peer.sh sets Evennia 6.1 up and
  writes the URL and session cookie it reads).

    .venv/bin/python bench/play_bench.py [--connections 8] [--seconds 5] [--rounds 3] [--evennia]
    .venv/bin/python bench/play_bench.py --connections 1      # service time: one client, no queueing

Needs wrk (`apt-get install wrk`). Prints a Markdown table; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENNIA_TARGET = ROOT / "var" / "bench" / "evennia" / "target.json"
TOKENS_PER_RUN = 8  # one player per connection, round-robin (every move is through "door", so order never matters)

LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "non2xx": %d, "socket_errors": %d, "seconds": %f, '
    .. '"p50_ms": %f, "p99_ms": %f}\n', summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass
class Target:
    name: str
    port: int
    path: str
    method: str = "GET"
    body: str | None = None
    tokens: list[str] = field(default_factory=list)
    cookie: str | None = None
    runs: list[dict] = field(default_factory=list)

    def lua(self) -> str:
        tokens = ", ".join(json.dumps(t) for t in self.tokens)
        body = json.dumps(self.body) if self.body is not None else "nil"
        cookie = f'headers["Cookie"] = {json.dumps(self.cookie)}' if self.cookie else ""
        return f"""
local tokens = {{{tokens}}}
local n = 0
request = function()
  n = n + 1
  local headers = {{["Content-Type"] = "application/json"}}
  if #tokens > 0 then headers["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1] end
  {cookie}
  local body = {body}
  if body then body = string.gsub(body, "#N", tostring(n)) end
  return wrk.format("{self.method}", "{self.path}", headers, body)
end
{LUA_DONE}"""

    def row(self) -> str:
        requests = sum(r["requests"] for r in self.runs)
        seconds = sum(r["seconds"] for r in self.runs)
        errors = sum(r["non2xx"] + r["socket_errors"] for r in self.runs)
        p50 = statistics.median(r["p50_ms"] for r in self.runs)
        p99 = statistics.median(r["p99_ms"] for r in self.runs)
        return f"| {self.name} | {requests} | {errors} | {requests / seconds:.0f} | {p50:.2f} | {p99:.2f} |"

    def rate(self) -> float:
        return sum(r["requests"] for r in self.runs) / sum(r["seconds"] for r in self.runs)


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
    # One name both ways: every move is {"exit": "door"} and succeeds whichever room a player is in.
    factories.ExitFactory(world=world, source=hall, destination=kitchen, name="door")
    factories.ExitFactory(world=world, source=kitchen, destination=hall, name="door")
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


def wait_until_up(port: int, path: str, process: subprocess.Popen, limit: float = 120) -> None:
    """Until `path` answers: gunicorn's master listens before its workers have loaded Django."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not start")


def server_command(server: str, app: str, port: int, workers: int, with_conf: bool) -> list[str]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, f"{app}.{server}:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if server == "asgi":
        command += ["-k", "uvicorn_worker.UvicornWorker"]
    if with_conf:
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    return [*command, "--log-level", "warning"]


def wrk(target: Target, connections: int, seconds: float, scratch: Path) -> dict:
    script = scratch / f"{re.sub(r'[^a-z]+', '-', target.name.lower())}.lua"
    script.write_text(target.lua())
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(script),
         f"http://127.0.0.1:{target.port}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.split("RESULT ", 1)[1])


def own_settings(args: argparse.Namespace) -> dict[str, str]:
    """The environment this tree's server gets on top of the shared one (the baseline's keeps the defaults)."""
    own = {}
    if args.conn_max_age is not None:
        own["BENCH_CONN_MAX_AGE"] = str(args.conn_max_age)
    if args.request_threads is not None:
        own["MUDSITE_REQUEST_THREADS"] = str(args.request_threads)
    return own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=8, help="wrk's concurrent connections")
    parser.add_argument("--seconds", type=float, default=5.0, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the endpoints")
    parser.add_argument("--server", choices=("asgi", "wsgi"), default="asgi")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("GUNICORN_WORKERS", "2")))
    parser.add_argument("--baseline", metavar="GIT_REF", help="also serve the same database with this commit's code")
    parser.add_argument("--evennia", action="store_true", help=f"also Evennia's REST read ({EVENNIA_TARGET})")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="CONN_MAX_AGE for this tree's server only (default: the project's); with --baseline HEAD, an A/B",
    )
    parser.add_argument(
        "--request-threads",
        type=int,
        default=None,
        help="MUDSITE_REQUEST_THREADS for this tree's server only (default: the project's)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    scratch = Path(tempfile.mkdtemp(prefix="mudsite-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "MUDSITE_VAR_DIR": str(scratch),
        "BENCH_BARE_JSON": str(scratch / "look.json"),
        "DJANGO_DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "MUDSITE_VAR_DIR", "BENCH_BARE_JSON")})
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    tokens, look = seed(TOKENS_PER_RUN)
    (scratch / "look.json").write_text(json.dumps(look))

    calibration_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.calibration.settings", "CALIBRATION_DIR": str(scratch)}
    calibration_tokens = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.calibration.seed", str(TOKENS_PER_RUN)],
            cwd=ROOT,
            env=calibration_env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    )

    mudsite_port, calibration_port = free_port(), free_port()
    servers = [
        subprocess.Popen(
            server_command(args.server, "mudsite", mudsite_port, args.workers, with_conf=True),
            cwd=ROOT,
            env={**env, **own_settings(args)},
        ),
        subprocess.Popen(
            server_command(args.server, "bench.calibration", calibration_port, args.workers, with_conf=False),
            cwd=ROOT,
            env=calibration_env,
        ),
    ]
    base = "/api/worlds/bench/play"
    baseline_dir = None
    if args.baseline:
        # The same database, served by the code of another commit (the schema must be the same).
        baseline_dir = scratch / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(baseline_dir), args.baseline], cwd=ROOT, check=True
        )
        baseline_port = free_port()
        servers.append(
            subprocess.Popen(
                server_command(args.server, "mudsite", baseline_port, args.workers, with_conf=True),
                cwd=baseline_dir,
                env={**env, "PYTHONPATH": str(baseline_dir)},
            )
        )
    targets = [
        Target("bare Django view (same JSON as look, no auth, no DB)", mudsite_port, "/bench/bare-look"),
        Target("calibration: plain Django + ninja, 4-query look", calibration_port, "/api/look",
               tokens=calibration_tokens),
        Target("mudsite look", mudsite_port, f"{base}/look", tokens=tokens),
        Target("mudsite move", mudsite_port, f"{base}/move", "POST", '{"exit": "door"}', tokens=tokens),
        Target("mudsite say", mudsite_port, f"{base}/say", "POST", '{"text": "hello #N"}', tokens=tokens),
    ]  # fmt: skip
    if args.baseline:
        targets += [
            Target(f"{args.baseline} look", baseline_port, f"{base}/look", tokens=tokens),
            Target(f"{args.baseline} move", baseline_port, f"{base}/move", "POST", '{"exit": "door"}', tokens=tokens),
            Target(f"{args.baseline} say", baseline_port, f"{base}/say", "POST", '{"text": "hello #N"}', tokens=tokens),
        ]  # fmt: skip
    if args.evennia:
        peer = json.loads(EVENNIA_TARGET.read_text())
        port = int(peer["url"].rsplit(":", 1)[1].split("/", 1)[0])
        path = "/" + peer["url"].split("/", 3)[3]
        targets.append(Target(f"Evennia {peer['version']} REST object read", port, path, cookie=peer["cookie"]))
    try:
        ready = [(mudsite_port, "/bench/bare-look"), (calibration_port, "/api/look")]
        if args.baseline:
            ready.append((baseline_port, "/bench/bare-look"))
        for server, (port, path) in zip(servers, ready, strict=True):
            for _ in range(2 * args.workers):  # each worker loads Django on its own
                wait_until_up(port, path, server)
        for target in targets:  # warm every worker up (and check the target answers 2xx)
            warm = wrk(target, max(2, args.workers), 3, scratch)
            if warm["non2xx"] or warm["socket_errors"] or not warm["requests"]:
                raise SystemExit(f"{target.name}: the warm-up failed: {warm}")
        # Interleaved rounds, so a noisy neighbour on a shared machine hurts every row alike.
        for _ in range(args.rounds):
            for target in targets:
                target.runs.append(wrk(target, args.connections, args.seconds, scratch))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        if baseline_dir is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline_dir)], cwd=ROOT, check=False)
        shutil.rmtree(scratch, ignore_errors=True)

    kind = "uvicorn workers (gunicorn -k uvicorn_worker.UvicornWorker)" if args.server == "asgi" else "sync workers"
    print(
        f"wrk -t1 -c{args.connections}, {args.rounds} interleaved rounds of {args.seconds:g} s per row; gunicorn "
        f"{args.workers} {kind} on 127.0.0.1; SQLite (WAL); DEBUG off; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; load before: {os.getloadavg()[0]:.1f}.\n"
    )
    print("| endpoint | requests | errors | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for target in targets:
        print(target.row())
    rates = {t.name: t.rate() for t in targets}
    print()
    for target in targets:
        if target.name.startswith(("calibration", "Evennia")):
            print(f"- mudsite look / {target.name.split(':')[0]}: {rates['mudsite look'] / target.rate():.2f}x")
    if args.baseline:
        for action in ("look", "move", "say"):
            ratio = rates[f"mudsite {action}"] / rates[f"{args.baseline} {action}"]
            print(f"- mudsite {action} / {args.baseline} {action}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
