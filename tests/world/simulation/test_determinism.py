"""Same world file + same seed → byte-identical exports, in two fresh databases (real processes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.persistence.procs import REPO
from world.services.demo import demo_world_seed

SCRIPT = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("import_world", sys.argv[1])
call_command("tick_world", "demo", "--ticks", "200", "--seed", "7")
call_command("export_world", "demo", "-o", sys.argv[2])
"""


def run_fresh(tmp_path: Path, name: str, source: Path) -> bytes:
    out = tmp_path / f"{name}.json"
    env = {
        "DJANGO_SETTINGS_MODULE": "mudsite.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / name}.sqlite3",
        "MUDSITE_STATE_DIR": str(tmp_path / f"state-{name}"),
        "MUDSITE_SCHEDULER_MODE": "manual",
        "PYTHONPATH": str(REPO),
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run([sys.executable, "-c", SCRIPT, str(source), str(out)], env=env, cwd=REPO, check=True, timeout=300)
    return out.read_bytes()


def test_two_databases_tick_the_same_file_to_identical_exports(db, tmp_path):
    from django.core.management import call_command

    demo_world_seed()
    source = tmp_path / "demo.json"
    call_command("export_world", "demo", "-o", str(source))
    first = run_fresh(tmp_path, "one", source)
    second = run_fresh(tmp_path, "two", source)
    assert b'"game_time_ticks":200' in first.replace(b" ", b"")
    assert first == second
