"""scripts/serve.sh stops its two processes once each: a second SIGTERM makes django_tasks_db's worker abandon
its graceful shutdown (`sys.exit(1)` from its signal handler), in the middle of this project's atexit flush,
which then prints a traceback. The script runs here with stand-ins for setup, the worker and the server
that record the signals they get."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.persistence.procs import REPO
from tests.persistence.test_servers import wait_for

pytestmark = pytest.mark.slow

# Records each SIGINT and SIGTERM (handlers of its own, as db_worker installs) and lingers a second after the
# first, so a second one would be recorded too.
WORKER = """#!{python}
import os, signal, sys, time
log = open(os.environ["SIGNALS"], "a", buffering=1)
got = []
def record(signum, frame):
    got.append(signum)
    log.write(f"worker {{signal.Signals(signum).name}}\\n")
signal.signal(signal.SIGINT, record)
signal.signal(signal.SIGTERM, record)
log.write("worker started\\n")
while not got:
    time.sleep(0.05)
time.sleep(1)
"""
# Stops on SIGTERM; with SERVER_EXITS set it ends on its own once the worker is up, as a server that fails does.
SERVER = """#!/usr/bin/env bash
trap 'echo "server TERM" >> "$SIGNALS"; exit 0' TERM
echo "server started" >> "$SIGNALS"
if [ -n "${SERVER_EXITS:-}" ]; then
  until grep -q "worker started" "$SIGNALS"; do sleep 0.05; done
  exit 3
fi
while true; do sleep 0.05; done
"""


def serve_with_stand_ins(root: Path, **env: str) -> tuple[subprocess.Popen, Path]:
    (root / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "serve.sh", root / "scripts" / "serve.sh")
    for name in ("setup.sh", "prepare.sh"):
        (root / "scripts" / name).write_text("exit 0\n")
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("python", WORKER.format(python=sys.executable)), ("uvicorn", SERVER)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    signals = root / "signals.log"
    signals.touch()
    process = subprocess.Popen(
        ["bash", str(root / "scripts" / "serve.sh")],
        env={**os.environ, "SIGNALS": str(signals), **env},
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal's foreground job has
    )
    return process, signals


def started(signals: Path) -> bool:
    return {"worker started", "server started"} <= set(signals.read_text().splitlines())


def test_sigterm_reaches_the_server_and_the_worker_once_each(tmp_path):
    process, signals = serve_with_stand_ins(tmp_path)
    wait_for(lambda: started(signals), process)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    seen = signals.read_text().splitlines()
    assert seen.count("worker SIGTERM") == 1, seen
    assert seen.count("server TERM") == 1, seen


def test_ctrl_c_reaches_the_worker_once(tmp_path):
    """A terminal's Ctrl+C signals the whole foreground process group; the worker hears only the script."""
    process, signals = serve_with_stand_ins(tmp_path)
    wait_for(lambda: started(signals), process)
    os.killpg(os.getpgid(process.pid), signal.SIGINT)
    process.wait(timeout=60)
    seen = signals.read_text().splitlines()
    assert [line for line in seen if line.startswith("worker SIG")] == ["worker SIGTERM"], seen


def test_a_server_that_ends_on_its_own_stops_the_worker(tmp_path):
    process, signals = serve_with_stand_ins(tmp_path, SERVER_EXITS="1")
    assert process.wait(timeout=60) == 3
    assert signals.read_text().splitlines().count("worker SIGTERM") == 1
