"""Shutdown hooks under real servers (started as scripts/serve.sh and gunicorn.conf.py run them):
a change made just before SIGTERM is in the file after exit, and an export in flight finishes."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import transaction

from persistence.facade import flush_all_saves
from persistence.files import temp_files, world_file_path
from persistence.models import SaveState
from tests import factories
from tests.persistence.procs import PYTHON, REPO, child_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.read()


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    """Until the app answers a request (a bound socket is not enough: gunicorn's master binds
    before its worker has loaded Django). Generous bound: the box may be busy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            if get(port, "/test/ready/", timeout=5) == b"ready":
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


def wait_for(condition, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


SERVERS = {
    "gunicorn": lambda port: [
        PYTHON,
        "-m",
        "gunicorn",
        "mudsite.wsgi:application",
        "-c",
        "gunicorn.conf.py",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "1",
    ],
    "uvicorn": lambda port: [
        PYTHON,
        "-m",
        "uvicorn",
        "mudsite.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "on",
    ],
}


def start_server(server: str, world_files: Path, **env: object) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        SERVERS[server](port),
        cwd=REPO,
        env=child_env(
            world_files,
            DJANGO_SETTINGS_MODULE="tests.persistence.server_settings",
            MUDSITE_SCHEDULER_MODE="thread",
            **env,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, port


def stop_server(process: subprocess.Popen) -> str:
    """SIGTERM, as a process manager stops it; the server's stderr."""
    try:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=90)
        return stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_a_change_just_before_sigterm_is_saved(server, world_files):
    world = factories.WorldFactory(slug="served")
    factories.RoomFactory(world=world, key="hall", name="Hall")
    # Only the shutdown hook can save it in time.
    process, port = start_server(server, world_files, MUDSITE_DEBOUNCE_MS=600_000, MUDSITE_MAX_WAIT_MS=600_000)
    try:
        wait_until_serving(port, process)
        assert get(port, "/test/rename/served/hall/Renamed-just-before-SIGTERM/") == b"renamed"  # acknowledged
        assert SaveState.objects.get(pk=world.pk).is_dirty
    finally:
        stderr = stop_server(process)
    assert b"Renamed-just-before-SIGTERM" in world_file_path("served").read_bytes(), stderr
    assert not SaveState.objects.get(pk=world.pk).is_dirty


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_sigterm_waits_for_an_export_in_flight_and_leaves_no_temp_file(server, world_files):
    world = factories.WorldFactory(slug="served")
    hall = factories.RoomFactory(world=world, key="hall", name="Hall")
    with transaction.atomic():  # one commit, one (inline) export: not 200 of a growing world
        for i in range(200):
            factories.ItemFactory(world=world, room=hall, name=f"pebble {i}")
    assert flush_all_saves().ok  # saved before the start: the server's start-up sweep has nothing to do
    # An export takes about a second (a pause every 50 rows): SIGTERM lands while it is writing.
    process, port = start_server(server, world_files, MUDSITE_TEST_EXPORT_DELAY_MS=250)
    try:
        wait_until_serving(port, process)
        assert get(port, "/test/save-now/served/hall/Saved-while-stopping/") == b"renamed"
        wait_for(lambda: bool(temp_files()), process)  # the immediate export is writing its temp file
    finally:
        stderr = stop_server(process)
    assert b"Saved-while-stopping" in world_file_path("served").read_bytes(), stderr
    assert temp_files() == []
    assert not SaveState.objects.get(pk=world.pk).is_dirty
