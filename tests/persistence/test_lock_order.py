"""On PostgreSQL the dirty marker is a row lock held until commit; it is taken before the rows a
transaction writes, so two game transactions on one world queue instead of deadlocking."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from tests import factories
from world import models as w

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_two_writers_in_opposite_orders_do_not_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE")
    world = factories.WorldFactory(slug="busy")
    room = factories.RoomFactory(world=world, key="hall")
    hero = factories.NpcFactory(world=world, room=room, name="Hero")
    a_has_room = threading.Event()
    b_pid: list[int] = []
    errors: list[BaseException] = []

    def writer_b() -> None:
        try:
            a_has_room.wait(10)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    b_pid.append(cursor.fetchone()[0])
                hero.name = "Hero B"
                hero.save()  # the marker first: waits for A here, before locking the character
                room.name = "Room B"
                room.save()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    b = threading.Thread(target=writer_b)
    b.start()
    with transaction.atomic():
        room.name = "Room A"
        room.save()  # marker + room row locked by A
        a_has_room.set()
        deadline = time.monotonic() + 10
        while not (b_pid and waiting_for_a_lock(b_pid[0])) and time.monotonic() < deadline:
            time.sleep(0.01)
        character = w.Character.objects.get(pk=hero.pk)
        character.name = "Hero A"
        character.save()  # with the marker taken after the row, B would hold this row: deadlock
    b.join(20)
    assert errors == []
    assert w.Character.objects.get(pk=hero.pk).name == "Hero B"
    assert w.Room.objects.get(pk=room.pk).name == "Room B"
