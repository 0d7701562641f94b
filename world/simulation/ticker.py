"""Who ticks a world: exactly one `run_world` process per world, across processes and hosts.

PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on the process's connection; the
server releases it when the session ends, crash included. SQLite: a `ClockLease` row renewed on
every pass of the loop; a holder that dies stops renewing and its lease lapses after `ttl`
seconds (real time: the lease is not world state, so the wall clock is fine here).
"""

from __future__ import annotations

import os
import socket
import time
import uuid

from django.db import connection, transaction

from world.simulation.models import ClockLease

ADVISORY_NAMESPACE = 0x636C6B  # "clk": apart from persistence's export locks ("mud")


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ClockLock:
    """The right to tick some worlds; `ensure(world_id)` claims or renews, `release_all()` gives them up."""

    def __init__(self, *, ttl: float, holder: str | None = None) -> None:
        self.ttl = ttl
        self.holder = holder or holder_name()
        self.held: set[int] = set()
        self.kind = "advisory lock" if connection.vendor == "postgresql" else "lease"

    def ensure(self, world_id: int) -> bool:
        if connection.vendor == "postgresql":
            return self._advisory(world_id)
        return self._lease(world_id)

    def _advisory(self, world_id: int) -> bool:
        if world_id in self.held:
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, world_id])
            got = bool(cursor.fetchone()[0])
        if got:
            self.held.add(world_id)
        return got

    def _lease(self, world_id: int) -> bool:
        now = time.time()
        with transaction.atomic():  # BEGIN IMMEDIATE on SQLite: the check and the claim are one step
            lease = ClockLease.objects.filter(world_id=world_id).first()
            if lease is not None and lease.holder != self.holder and lease.lease_until > now:
                self.held.discard(world_id)
                return False
            ClockLease.objects.update_or_create(
                world_id=world_id, defaults={"holder": self.holder, "lease_until": now + self.ttl}
            )
        self.held.add(world_id)
        return True

    def release_all(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for world_id in sorted(self.held):
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, world_id])
        else:
            ClockLease.objects.filter(holder=self.holder).delete()
        self.held.clear()
