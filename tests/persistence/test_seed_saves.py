"""`seed_world` ends with the demo world's file written (a real `manage.py` process)."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from persistence.files import read_world_file, world_file_path
from persistence.models import SaveState
from tests.persistence.procs import PYTHON, REPO, child_env
from world.models import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_seed_world_ends_with_the_world_file_written(world_files):
    # A debounce far beyond the command's life: only the command itself can have written the file.
    env = child_env(world_files, MUDSITE_SCHEDULER_MODE="thread", MUDSITE_DEBOUNCE_MS=600_000)
    seeded = subprocess.run(
        [PYTHON, "manage.py", "seed_world"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert seeded.returncode == 0, seeded.stderr
    assert "demo: written version" in seeded.stdout
    document = orjson.loads(read_world_file(world_file_path("demo")))
    assert document["world"]["slug"] == "demo" and document["rooms"]
    assert not SaveState.objects.get(world=World.objects.get(slug="demo")).is_dirty
