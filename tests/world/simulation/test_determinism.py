"""Same world file + same seed → byte-identical exports, in two fresh databases (real processes).

The empty schema is migrated once and copied (a fresh database all the same: no row in it), and the
two processes run side by side: the test costs one migration and one 200-tick run of wall time."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.persistence.procs import REPO
from world.services.demo import demo_world_seed

MIGRATE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
"""
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


def start_fresh(tmp_path: Path, name: str, source: Path) -> tuple[subprocess.Popen, Path]:
    shutil.copy(tmp_path / "schema.sqlite3", tmp_path / f"{name}.sqlite3")
    out = tmp_path / f"{name}.json"
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(source), str(out)], env=env_for(tmp_path, name), cwd=REPO
    )
    return process, out


def test_two_databases_tick_the_same_file_to_identical_exports(db, tmp_path):
    from django.core.management import call_command

    demo_world_seed()
    source = tmp_path / "demo.json"
    call_command("export_world", "demo", "-o", str(source))
    subprocess.run([sys.executable, "-c", MIGRATE], env=env_for(tmp_path, "schema"), cwd=REPO, check=True, timeout=300)
    runs = [start_fresh(tmp_path, name, source) for name in ("one", "two")]
    for process, _ in runs:
        assert process.wait(timeout=300) == 0
    first, second = (out.read_bytes() for _, out in runs)
    assert b'"game_time_ticks":200' in first.replace(b" ", b"")
    assert first == second
