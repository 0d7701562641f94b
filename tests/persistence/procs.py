"""Real processes for the crash and multi-process tests.

`python -m tests.persistence.procs COMMAND ...` runs with Django set up against the database and
state directory given in the environment (see `child_env`); `fork_child` forks the test process
itself (cheap: no interpreter start), with fresh database connections in the child.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite://{Path(s['NAME']).resolve()}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def child_env(state_dir: Path, **extra: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="mudsite.settings",
        DATABASE_URL=database_url(),
        MUDSITE_STATE_DIR=str(state_dir),
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


_orphaned_connections: list[Any] = []


def detach_db_connections() -> None:
    """In a forked child: never use (or close: that would end the parent's session) the parent's
    database connections; Django opens new ones on first use."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        _orphaned_connections.append(conn.connection)
        conn.connection = None


def fork_child(fn: Callable[..., Any], *args: Any) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            detach_db_connections()
            fn(*args)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid


# -- commands run by `python -m tests.persistence.procs` --------------------------------------------


def commit_and_hang(world_slug: str, room_key: str, new_name: str) -> None:
    """Commit a change (its save is queued in this process's scheduler), say so, then hang."""
    from django.db import transaction

    from world.models import Room

    with transaction.atomic():
        room = Room.objects.get(world__slug=world_slug, key=room_key)
        room.name = new_name
        room.save()
    print("committed", flush=True)
    time.sleep(600)


def prometheus_requests(count: str) -> None:
    from persistence import metrics
    from persistence.results import RequestCounts

    for _ in range(int(count)):
        metrics.observe_requests(RequestCounts(debounced=1))
    metrics.observe_requests(RequestCounts(immediate=1, coalesced=2))


def prometheus_render() -> None:
    from persistence import metrics

    body, _ = metrics.render()
    sys.stdout.write(body.decode())


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command, *args = argv
    commands = {
        "commit_and_hang": commit_and_hang,
        "prometheus_requests": prometheus_requests,
        "prometheus_render": prometheus_render,
    }
    commands[command](*args)


if __name__ == "__main__":
    main(sys.argv[1:])
