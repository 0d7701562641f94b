"""Issue 13.4, the scaling curve: export and import time and peak RSS for worlds of 1k, 10k and
100k rooms (bench/generate_world.py --rooms N), each run a separate process, medians of RUNS.

Each run reports the process's wall time and peak RSS (os.wait4) and the command's own time inside
the process (from just before to just after `call_command`, so without Python start-up and
django.setup(), which dominate small worlds and swing by seconds on a busy machine).

Usage (from the repository root, after generating the worlds as bench/README.md shows):
    python bench/scaling.py [RUNS] [SIZE ...]      # default: 3 runs of 1000 10000 100000
World N lives in var/bench/scale_N.sqlite3 (10,000: var/bench/bench.sqlite3, the benches' world).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.compare import EMPTY_DB, PY, ROOT, WORK, env_for, fresh_copy  # noqa: E402


def world_db(rooms: int) -> Path:
    return WORK / "bench.sqlite3" if rooms == 10_000 else WORK / f"scale_{rooms}.sqlite3"


def child(args: list[str]) -> None:
    """Run one management command in this process and print how long the command itself took."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mudsite.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(*args, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"{time.perf_counter() - started:.3f}")


def run_timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(process wall seconds, peak MB, the command's own seconds) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [PY, "bench/scaling.py", "--child", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    assert os.waitstatus_to_exitcode(status) == 0, args
    return wall, usage.ru_maxrss / 1024, float(output.split()[-1])


def medians(samples: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return tuple(statistics.median(sample[i] for sample in samples) for i in range(3))  # type: ignore[return-value]


def main(runs: int, sizes: list[int]) -> None:
    print("| rooms | rows | file | export: command s | process s | peak MB | import: command s | process s | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for rooms in sizes:
        state = WORK / f"worlds-scale-{rooms}"
        shutil.rmtree(state, ignore_errors=True)
        source_env = env_for(world_db(rooms), state)
        run_timed(["export_world", "bench"], source_env)  # warm-up
        world_file = state / "bench.json"
        exports, imports = [], []
        for _ in range(runs):
            exports.append(run_timed(["export_world", "bench"], source_env))
            target = fresh_copy(EMPTY_DB, f"scale-import-{rooms}.sqlite3")
            imports.append(
                run_timed(["import_world", str(world_file)], env_for(target, WORK / "worlds-scale-imported"))
            )
        (ew, em, ec), (iw, im, ic) = medians(exports), medians(imports)
        rows = world_file.read_bytes().count(b"\n{")  # one row a line
        print(
            f"| {rooms:,} | {rows:,} | {world_file.stat().st_size / 1e6:.1f} MB | {ec:.2f} | {ew:.2f} | {em:.0f} | "
            f"{ic:.2f} | {iw:.2f} | {im:.0f} |",
            flush=True,
        )
        print(
            f"    runs (command s): export {[f'{c:.2f}' for _, _, c in exports]}, "
            f"import {[f'{c:.2f}' for _, _, c in imports]}",
            flush=True,
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--child"]:
        child(args[1:])
    else:
        main(int(args[0]) if args else 3, [int(a) for a in args[1:]] or [1_000, 10_000, 100_000])
