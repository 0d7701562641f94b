"""The real ASGI server (uvicorn) as a subprocess on the test database, for streaming and browser tests.

pytest-django's `live_server` is a threaded WSGI server: it consumes an endless SSE generator before
sending a byte, so anything live runs against this instead. The test database must be a file (the
default SQLite test database is) and the test `transaction=True`, so the server sees committed rows.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.persistence.procs import REPO, child_env

UVICORN = str(Path(REPO) / ".venv" / "bin" / "uvicorn")
READY_TIMEOUT = 90.0  # a busy 2-core box can take long to import Django; readiness is polled, not slept


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AsgiServer:
    def __init__(self, state_dir: Path, **env: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = child_env(state_dir, MUDSITE_SCHEDULER_MODE="thread", **env)
        self.process: subprocess.Popen[bytes] | None = None
        self.log = state_dir.parent / f"uvicorn-{self.port}.log"

    def start(self) -> None:
        command = [UVICORN, "mudsite.asgi:application", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--lifespan", "on", "--timeout-graceful-shutdown", "1", "--log-level", "warning"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()
            try:
                with urllib.request.urlopen(f"{self.url}/play/", timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise AssertionError(f"uvicorn did not answer within {READY_TIMEOUT} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()
