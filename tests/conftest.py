from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from persistence.locks import close_lock_connection
from persistence.scheduler import discard_scheduler
from tests import factories
from world import models


def pytest_configure(config: pytest.Config) -> None:
    """Under xdist, hand out tests one at a time as workers free up (`--maxschedchunk=1` unless given).
    Its default first block of a quarter of each worker's share put every slow test (ordered first,
    below) on one worker while the other idled at the end (bench/README.md, "Session 26")."""
    if hasattr(config.option, "maxschedchunk") and config.option.maxschedchunk is None:
        config.option.maxschedchunk = 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Real-process and server tests (`slow`) first, each group in its usual order: with tests handed out
    one at a time (`pytest_configure`), the long ones spread over both workers and the many quick tests
    fill the gaps, instead of one long test starting last and running alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


MIGRATED_TEMPLATE = "migrated-template.sqlite3"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, tmp_path_factory):
    """pytest-django's test database, and right after its creation (no test has written a row yet) a
    copy of it as an SQLite file: `fresh_sqlite_database` copies that instead of migrating again."""
    from django.db import connection

    if connection.vendor == "sqlite":
        template = tmp_path_factory.getbasetemp() / MIGRATED_TEMPLATE
        # The backup API copies one consistent, committed snapshot (its WAL included) on its own connections.
        source, target = sqlite3.connect(connection.settings_dict["NAME"]), sqlite3.connect(template)
        with closing(source), closing(target):
            source.backup(target)


@pytest.fixture(scope="session")
def migrated_sqlite_template(django_db_setup, tmp_path_factory) -> Path:
    """An SQLite file with every migration applied and no rows but what `migrate` itself writes, made
    once per test process (a migration costs ~8 s of CPU). On PostgreSQL runs it is migrated here."""
    template = tmp_path_factory.getbasetemp() / MIGRATED_TEMPLATE
    if not template.exists():
        from tests.persistence.procs import REPO

        env = {
            "DJANGO_SETTINGS_MODULE": "mudsite.settings",
            "DATABASE_URL": f"sqlite:///{template}",
            "PATH": "/usr/bin:/bin",
        }
        command = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
        subprocess.run(command, cwd=REPO, env=env, check=True, timeout=300)
    return template


@pytest.fixture
def fresh_sqlite_database(migrated_sqlite_template) -> Callable[[Path], Path]:
    """`fresh_sqlite_database(path)` puts a freshly migrated, empty SQLite database file at `path`."""

    def make(path: Path) -> Path:
        shutil.copyfile(migrated_sqlite_template, path)
        return path

    return make


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2's real cost (~0.6 s a hash) would dominate a suite that creates many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Throttle counters live in the (per-process LocMem) cache; no test may inherit another's.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def world_files(settings, tmp_path):
    """Exports go to a per-test directory and run in the test's thread (no scheduler thread: it
    could not see the test's uncommitted rows). Tests that need the real scheduler say so."""
    settings.MUDSITE_STATE_DIR = tmp_path / "worlds"
    settings.MUDSITE_SCHEDULER_MODE = "inline"
    yield settings.MUDSITE_STATE_DIR
    discard_scheduler()
    close_lock_connection()


@dataclass
class TinyWorld:
    """Two rooms joined by a two-way door, a player, an NPC and an item on the floor."""

    world: models.World
    hall: models.Room
    kitchen: models.Room
    door_out: models.Exit
    door_back: models.Exit
    player: models.Character
    npc: models.Character
    apple: models.Item


@pytest.fixture
def tiny_world(db) -> TinyWorld:
    return build_tiny_world()


@contextmanager
def rows_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """For a module-scoped fixture: the rows it makes exist for every test of the module and are rolled
    back after its last one. Each test's own transaction (pytest-django's) nests inside as a savepoint, so
    what a test changes still vanishes with it; only rows every test reads belong here."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def build_tiny_world() -> TinyWorld:
    world = factories.WorldFactory(slug="tiny", name="Tiny")
    hall = factories.RoomFactory(world=world, key="hall", name="Great Hall")
    kitchen = factories.RoomFactory(world=world, key="kitchen", name="Kitchen")
    world.start_room = hall
    world.setup_complete = True
    world.save()
    door_out = factories.ExitFactory(world=world, source=hall, destination=kitchen, name="kitchen door")
    door_back = factories.ExitFactory(world=world, source=kitchen, destination=hall, name="hall door")
    player = factories.CharacterFactory(world=world, room=hall, name="Alice")
    npc = factories.NpcFactory(world=world, room=hall, name="Bob")
    apple = factories.ItemFactory(world=world, room=hall, name="apple", tags=["Edible: 10"])
    return TinyWorld(world, hall, kitchen, door_out, door_back, player, npc, apple)
