"""Admin pages of a big world: the number of queries of every changelist and change page does not
grow with the rows on it or in the world (what keeps a 10,000-room world's pages fast)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from world import models


def grow(world: models.World, rooms: int) -> None:
    """`rooms` more rooms, each with an exit back to the first, a character and an item."""
    template = models.ItemTemplate.objects.filter(world=world).first() or factories.ItemTemplateFactory(world=world)
    first = models.Room.objects.filter(world=world).order_by("pk").first()
    for _ in range(rooms):
        room = factories.RoomFactory(world=world)
        first = first or room
        factories.ExitFactory(world=world, source=room, destination=first)
        factories.NpcFactory(world=world, room=room)
        factories.ItemFactory(world=world, room=room, template=template)


PAGES = [
    ("admin:world_world_changelist", None),
    ("admin:world_room_changelist", None),
    ("admin:world_exit_changelist", None),
    ("admin:world_character_changelist", None),
    ("admin:world_item_changelist", None),
    ("admin:world_itemtemplate_changelist", None),
    ("admin:persistence_savestate_changelist", None),
    ("admin:persistence_worldimport_changelist", None),
    ("admin:world_world_change", "world"),
    ("admin:world_room_change", "room"),
    ("admin:world_world_map", "world"),
    ("admin:persistence_savestate_change", "world"),
]


@pytest.mark.parametrize(("page", "arg"), PAGES, ids=[p for p, _ in PAGES])
def test_queries_do_not_grow_with_the_world(client, db, page, arg, world_files):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    world = factories.WorldFactory(slug="big")

    def count() -> int:
        room = models.Room.objects.filter(world=world).order_by("pk").first()
        args = {"world": [world.pk], "room": [room.pk if room else 0], None: []}[arg]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(page, args=args), {"q": "big"} if page.endswith("changelist") else {})
        assert response.status_code == 200, (page, response.status_code)
        return len(queries)

    grow(world, 3)
    count()  # warm the per-process caches (content types, permissions)
    small = count()
    grow(world, 12)
    assert count() == small
