"""The demo is seeded once (issue 9.6): a restart keeps the world as players left it and the admin's
password; re-seeding is the explicit `seed_world --reset` / `SEED_RESET=1`."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from world import models
from world.services.demo import DEMO_SLUG

REPO = Path(__file__).resolve().parents[2]
CHANGED = "A builder repainted the fountain."


def square() -> models.Room:
    return models.Room.objects.get(world__slug=DEMO_SLUG, key="square")


def change_the_square() -> None:
    room = square()
    room.description = CHANGED
    room.save()


@pytest.mark.django_db
def test_seed_world_again_keeps_changes_made_since():
    call_command("seed_world")
    change_the_square()
    call_command("seed_world")
    assert square().description == CHANGED


@pytest.mark.django_db
def test_seed_world_reset_brings_the_seed_back():
    call_command("seed_world")
    change_the_square()
    call_command("seed_world", reset=True)
    assert square().description != CHANGED


@pytest.mark.django_db
def test_seed_reset_environment_variable_re_seeds(monkeypatch):
    call_command("seed_world")
    change_the_square()
    monkeypatch.setenv("SEED_RESET", "1")
    call_command("seed_world")
    assert square().description != CHANGED


@pytest.mark.django_db
def test_ensure_admin_keeps_an_existing_password():
    call_command("ensure_admin", username="admin", password="first-password")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed-by-the-admin")
    admin.save()
    call_command("ensure_admin", username="admin", password="first-password")
    admin.refresh_from_db()
    assert admin.check_password("changed-by-the-admin")
    assert admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_ensure_admin_reset_password_is_explicit():
    call_command("ensure_admin", username="admin", password="first-password")
    call_command("ensure_admin", username="admin", password="second-password", reset_password=True)
    assert get_user_model().objects.get(username="admin").check_password("second-password")


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def change_outside(database: Path, password_hash: str) -> None:
    """What a builder and the admin do between two starts, written to the server's database file (the
    schema's CHECK constraints call REGEXP, which Django registers on its own connections)."""
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.create_function("REGEXP", 2, lambda pattern, text: re.search(pattern, text) is not None)
        db.execute(
            "UPDATE world_room SET description = ? WHERE key = 'square' "
            "AND world_id = (SELECT id FROM world_world WHERE slug = ?)",
            [CHANGED, DEMO_SLUG],
        )
        db.execute("UPDATE auth_user SET password = ? WHERE username = 'admin'", [password_hash])


def read_outside(database: Path) -> tuple[str, str]:
    """(the square's description, the admin's password hash) in the server's database file."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        (description,) = db.execute(
            "SELECT description FROM world_room WHERE key = 'square' "
            "AND world_id = (SELECT id FROM world_world WHERE slug = ?)",
            [DEMO_SLUG],
        ).fetchone()
        (password_hash,) = db.execute("SELECT password FROM auth_user WHERE username = 'admin'").fetchone()
    return description, password_hash


@pytest.mark.slow
def test_the_seeding_step_of_serve_keeps_the_world_and_the_password(tmp_path, fresh_sqlite_database):
    """scripts/serve.sh runs scripts/prepare.sh before the server on every start; run it twice for real.

    The database starts as a copy of the suite's migrated template (migrating an empty file costs
    ~8 s of CPU): its `migrate` has nothing to apply, the seeding and the admin are all to do."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL", "SEED_RESET"))}
    env.update(
        MUDSITE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="mudsite.settings", MUDSITE_SCHEDULER_MODE="inline"
    )
    assert "scripts/prepare.sh" in (REPO / "scripts" / "serve.sh").read_text()
    database = tmp_path / "mudsite.sqlite3"  # where settings put MUDSITE_VAR_DIR's database
    fresh_sqlite_database(database)
    first_start = _run(["bash", "scripts/prepare.sh"], env)
    assert "Admin login: admin / mudsite-admin (created)" in first_start
    chosen = make_password("the-admin-chose-this")
    change_outside(database, chosen)
    second_start = _run(["bash", "scripts/prepare.sh"], env)
    assert "left unchanged" in second_start and "password unchanged" in second_start
    assert read_outside(database) == (CHANGED, chosen)
    _run(["bash", "scripts/prepare.sh"], {**env, "SEED_RESET": "1"})
    description, password_hash = read_outside(database)
    assert description != CHANGED
    assert password_hash == chosen
