"""Benchmarks (a) and (c): our export against `dumpdata`, our import against `loaddata`, on the
same generated world (bench/generate_world.py), each a separate `manage.py` process; wall time
and peak RSS (os.wait4) per run, ours and theirs alternated, medians over RUNS runs each.

Usage: python bench/compare.py [RUNS]   (from the repository root; writes under var/bench/)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench"
PY = sys.executable  # the interpreter running the bench (a worktree may borrow another checkout's venv)
SOURCE_DB = WORK / "bench.sqlite3"
EMPTY_DB = WORK / "empty.sqlite3"


def env_for(db: Path, state_dir: Path) -> dict[str, str]:
    # Byte-code caches as a deployment has them (an agent's shell may set PYTHONDONTWRITEBYTECODE,
    # which makes every process compile the project's modules again); kept under var/bench/.
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **environ,
        "PYTHONPYCACHEPREFIX": str(WORK / "pycache"),
        "DATABASE_URL": f"sqlite://{db}",
        "MUDSITE_STATE_DIR": str(state_dir),
        "MUDSITE_SCHEDULER_MODE": "manual",
        "MUDSITE_LOG_LEVEL": "WARNING",
    }


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak MB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen([PY, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert os.waitstatus_to_exitcode(status) == 0, args
    return seconds, usage.ru_maxrss / 1024


def fresh_copy(source: Path, name: str, *, drop_triggers: bool = False) -> Path:
    target = WORK / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, target)
    if drop_triggers:
        # loaddata inserts rows in dumpdata's order (rooms before the factions they name) and
        # relies on deferred foreign keys; the immediate same-world triggers refuse that, so
        # loaddata gets the schema without them (it could not load this world otherwise).
        with sqlite3.connect(target) as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
            for name in names:
                db.execute(f'DROP TRIGGER "{name}"')
    return target


def summary(label: str, samples: list[tuple[float, float]]) -> dict[str, float]:
    result = {"s": statistics.median(s for s, _ in samples), "mb": statistics.median(m for _, m in samples)}
    print(f"  {label}: " + ", ".join(f"{s:.2f} s/{m:.0f} MB" for s, m in samples), flush=True)
    print(f"    median {result['s']:.2f} s, {result['mb']:.0f} MB", flush=True)
    return result


def alternated(runs: int, ours: tuple[str, Callable], theirs: tuple[str, Callable]) -> tuple[dict, dict]:
    """Ours, theirs, ours, theirs...: a slow moment of the shared machine hits both alike."""
    mine: list[tuple[float, float]] = []
    other: list[tuple[float, float]] = []
    for _ in range(runs):
        mine.append(ours[1]())
        other.append(theirs[1]())
    return summary(ours[0], mine), summary(theirs[0], other)


def main(runs: int, parts: str = "ac") -> None:
    state = WORK / "worlds-compare"
    shutil.rmtree(state, ignore_errors=True)
    source_env = env_for(SOURCE_DB, state)
    if not EMPTY_DB.exists():
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env_for(EMPTY_DB, state), check=True)

    world_file = state / "bench.json"
    run(["export_world", "bench"], source_env)  # warm-up: byte-code caches, the OS page cache
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
    if "a" in parts:
        print("(a) export of the generated world")
        ours, dump = alternated(
            runs,
            ("export_world bench", lambda: run(["export_world", "bench"], source_env)),
            ("dumpdata world", lambda: run(["dumpdata", "world", "-o", str(WORK / "dump-world.json")], source_env)),
        )
        print(
            f"  => export_world {dump['s'] / ours['s']:.1f}x faster, "
            f"{dump['mb'] / ours['mb']:.2f}x the memory of dumpdata"
        )
    if "c" in parts:
        main_c(runs, state, source_env, world_file)
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)


def main_c(runs: int, state: Path, source_env: dict[str, str], world_file: Path) -> None:
    print("(c) import into an empty database")
    fixture = WORK / "dump-users-world.json"
    run(["dumpdata", "auth.user", "world", "-o", str(fixture)], source_env)
    imp, load = alternated(
        runs,
        (
            "import_world",
            lambda: run(["import_world", str(world_file)], env_for(fresh_copy(EMPTY_DB, "import.sqlite3"), state)),
        ),
        (
            "loaddata",
            lambda: run(
                ["loaddata", str(fixture)], env_for(fresh_copy(EMPTY_DB, "load.sqlite3", drop_triggers=True), state)
            ),
        ),
    )
    print(
        f"  => import_world {load['s'] / imp['s']:.1f}x faster than loaddata, {imp['mb'] / load['mb']:.2f}x its memory"
    )
    print(
        f"sizes: world file {world_file.stat().st_size / 1e6:.1f} MB, "
        f"dumpdata world {(WORK / 'dump-world.json').stat().st_size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5, sys.argv[2] if len(sys.argv) > 2 else "ac")
