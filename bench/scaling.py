"""Issue 13.4, the scaling curve: export and import time and peak RSS for worlds of 1k, 10k and
100k rooms (bench/generate_world.py --rooms N), each a separate `manage.py` process, medians of RUNS.

Usage (from the repository root, after generating the worlds as bench/README.md shows):
    python bench/scaling.py [RUNS] [SIZE ...]      # default: 3 runs of 1000 10000 100000
World N lives in var/bench/scale_N.sqlite3 (10,000: var/bench/bench.sqlite3, the benches' world).
"""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.compare import EMPTY_DB, WORK, env_for, fresh_copy, run  # noqa: E402


def world_db(rooms: int) -> Path:
    return WORK / "bench.sqlite3" if rooms == 10_000 else WORK / f"scale_{rooms}.sqlite3"


def median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s for s, _ in samples), statistics.median(m for _, m in samples)


def main(runs: int, sizes: list[int]) -> None:
    print("| rooms | rows | file | export s | export peak MB | import s | import peak MB |")
    print("|---|---|---|---|---|---|---|")
    for rooms in sizes:
        state = WORK / f"worlds-scale-{rooms}"
        shutil.rmtree(state, ignore_errors=True)
        source_env = env_for(world_db(rooms), state)
        run(["export_world", "bench"], source_env)  # warm-up
        world_file = state / "bench.json"
        exports, imports = [], []
        for _ in range(runs):
            exports.append(run(["export_world", "bench"], source_env))
            target = fresh_copy(EMPTY_DB, f"scale-import-{rooms}.sqlite3")
            imports.append(run(["import_world", str(world_file)], env_for(target, WORK / "worlds-scale-imported")))
        (es, em), (is_, im) = median(exports), median(imports)
        rows = world_file.read_bytes().count(b"\n{")  # one row a line
        print(
            f"| {rooms:,} | {rows:,} | {world_file.stat().st_size / 1e6:.1f} MB | {es:.2f} | {em:.0f} | "
            f"{is_:.2f} | {im:.0f} |",
            flush=True,
        )
        print(f"    runs: export {[f'{s:.2f}' for s, _ in exports]}, import {[f'{s:.2f}' for s, _ in imports]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 3, [int(a) for a in args[1:]] or [1_000, 10_000, 100_000])
