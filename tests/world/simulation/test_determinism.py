"""Same world file + same seed → byte-identical exports, in two fresh databases (real processes).

Each database is a copy of the suite's migrated template (a fresh database all the same: no row in it),
and the two processes run side by side: the test costs one 200-tick run of wall time, no migration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.persistence.procs import REPO
from world.services.demo import demo_world_seed

SCRIPT = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("import_world", sys.argv[1])
call_command("tick_world", "demo", "--ticks", "200", "--seed", "7")
call_command("export_world", "demo", "-o", sys.argv[2])
"""


def env_for(tmp_path: Path, name: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "mudsite.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / name}.sqlite3",
        "MUDSITE_STATE_DIR": str(tmp_path / f"state-{name}"),
        "MUDSITE_SCHEDULER_MODE": "manual",
        "PYTHONPATH": str(REPO),
        "PATH": "/usr/bin:/bin",
    }


def start_fresh(tmp_path: Path, name: str, source: Path, fresh_sqlite_database) -> tuple[subprocess.Popen, Path]:
    fresh_sqlite_database(tmp_path / f"{name}.sqlite3")
    out = tmp_path / f"{name}.json"
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(source), str(out)], env=env_for(tmp_path, name), cwd=REPO
    )
    return process, out


@pytest.mark.slow
def test_two_databases_tick_the_same_file_to_identical_exports(db, tmp_path, fresh_sqlite_database):
    from django.core.management import call_command

    demo_world_seed()
    source = tmp_path / "demo.json"
    call_command("export_world", "demo", "-o", str(source))
    runs = [start_fresh(tmp_path, name, source, fresh_sqlite_database) for name in ("one", "two")]
    for process, _ in runs:
        assert process.wait(timeout=300) == 0
    first, second = (out.read_bytes() for _, out in runs)
    assert b'"game_time_ticks":200' in first.replace(b" ", b"")
    assert first == second
