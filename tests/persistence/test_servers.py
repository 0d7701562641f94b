"""Shutdown hooks under real servers: a change made just before SIGTERM is in the file after exit."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from persistence.files import world_file_path
from persistence.models import SaveState
from tests import factories
from tests.persistence.procs import REPO, child_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
BIN = Path(REPO) / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


SERVERS = {
    "gunicorn": lambda port: [
        str(BIN / "gunicorn"),
        "mudsite.wsgi:application",
        "-c",
        "gunicorn.conf.py",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "1",
    ],
    "uvicorn": lambda port: [
        str(BIN / "uvicorn"),
        "mudsite.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "on",
    ],
}


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_a_change_just_before_sigterm_is_saved(server, world_files):
    world = factories.WorldFactory(slug="served")
    factories.RoomFactory(world=world, key="hall", name="Hall")
    port = free_port()
    env = child_env(
        world_files,
        DJANGO_SETTINGS_MODULE="tests.persistence.server_settings",
        MUDSITE_SCHEDULER_MODE="thread",
        MUDSITE_DEBOUNCE_MS=60_000,  # only the shutdown hook can save it in time
        MUDSITE_MAX_WAIT_MS=60_000,
    )
    process = subprocess.Popen(
        SERVERS[server](port), cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until_serving(port, process)
        url = f"http://127.0.0.1:{port}/test/rename/served/hall/Renamed-just-before-SIGTERM/"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"renamed"
        assert SaveState.objects.get(pk=world.pk).is_dirty
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert b"Renamed-just-before-SIGTERM" in world_file_path("served").read_bytes(), stderr
    assert not SaveState.objects.get(pk=world.pk).is_dirty
