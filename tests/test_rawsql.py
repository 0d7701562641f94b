"""RowReader builds the instances `Model.from_db` builds, without `Model.__init__` when nothing can tell."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_init

from mudsite.db.rawsql import RowReader, fetch_all, table
from tests import factories
from world.models import Character

pytestmark = pytest.mark.django_db


def read(reader: RowReader, pk: int):
    rows = fetch_all(f"SELECT {reader.columns()} FROM {table(Character)} c WHERE c.id = %s", [pk])
    return reader.build(rows[0])


def state(instance):
    return {
        "dict": {k: v for k, v in instance.__dict__.items() if k != "_state"},
        "adding": instance._state.adding,
        "db": instance._state.db,
        "deferred": instance.get_deferred_fields(),
    }


@pytest.mark.parametrize("fields", [None, ["id", "name", "room_id"]], ids=["every column", "some deferred"])
def test_an_instance_is_what_from_db_builds(fields):
    world = factories.make_world(slug="rows")
    npc = factories.make_npc(world=world, room=world.start_room, name="Cook", sheet={"hp": 3})
    reader = RowReader(Character, "c", fields=fields)
    built = read(reader, npc.pk)
    # from_db gets the converted values, as the compiler hands them to it.
    reference = Character.from_db("default", reader.names, [getattr(built, name) for name in reader.names])
    assert state(built) == state(reference)
    assert built == reference and built.description == npc.description  # a deferred column loads on access
    assert built.world == world and built.room == world.start_room


def test_a_post_init_listener_gets_its_instance():
    world = factories.make_world(slug="rows")
    npc = factories.make_npc(world=world, room=world.start_room, name="Cook")
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Character)
    try:
        built = read(RowReader(Character, "c"), npc.pk)
    finally:
        post_init.disconnect(listener, sender=Character)
    assert built in seen and built.pk == npc.pk
