"""RowReader builds the instances `Model.from_db` builds, without `Model.__init__` when nothing can tell."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_init

from mudsite.db.rawsql import STAND_INS, RowReader, compiled_once, fetch_all, raw_rows, table
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


def test_a_compiled_read_is_built_once_and_gives_each_call_its_own_values():
    built = []

    # An id, another, and a plain integer field's value (which Django wraps on PostgreSQL: psycopg's Int8).
    def query(world_id: int, after_id: int, hp: int):
        return (
            Character.objects.filter(world_id=world_id, id__gt=after_id, hp__gte=hp)
            .order_by("id")
            .values_list("id", "name")
        )

    @compiled_once
    def compiled(world_id: int, after_id: int, hp: int):
        built.append((world_id, after_id, hp))
        return query(world_id, after_id, hp)

    first, second = factories.make_world(slug="first"), factories.make_world(slug="second")
    a = factories.make_npc(world=first, room=first.start_room, name="Ann", hp=5)
    b = factories.make_npc(world=first, room=first.start_room, name="Bob", hp=9)
    c = factories.make_npc(world=second, room=second.start_room, name="Cid", hp=5)
    for args in [(first.pk, 0, 0), (first.pk, a.pk, 0), (first.pk, 0, 6), (second.pk, 0, 0)]:
        assert compiled(*args) == raw_rows(query(*args))
    assert compiled(first.pk, 0, 0) == [(a.pk, "Ann"), (b.pk, "Bob")]
    assert compiled(first.pk, 0, 6) == [(b.pk, "Bob")]
    assert compiled(second.pk, 0, 0) == [(c.pk, "Cid")]
    assert len(built) == 2 and not {first.pk, second.pk} & {built[0][0], built[1][0]}  # once, with stand-ins


def test_a_compiled_read_refuses_an_id_its_sql_does_not_take():
    @compiled_once
    def by_world_only(world_id: int, ignored: int):
        return Character.objects.filter(world_id=world_id).values_list("id")

    with pytest.raises(ValueError, match=r"by_world_only: argument\(s\) \[1\]"):
        by_world_only(1, 2)


def test_a_constant_equal_to_a_stand_in_stays_a_constant():
    @compiled_once
    def below(world_id: int):
        return Character.objects.filter(world_id=world_id, max_hp__lt=STAND_INS[0][0]).values_list("name")

    world = factories.make_world(slug="consts")
    factories.make_npc(world=world, room=world.start_room, name="Ann", max_hp=10)
    assert below(world.pk) == [("Ann",)]
