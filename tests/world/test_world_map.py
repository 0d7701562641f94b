"""The admin's world map: every room and exit drawn by Graphviz, neighbourhoods for big worlds."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from world import maps, models
from world.services.demo import DEMO_SLUG

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = factories.UserFactory(username="mapper", is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


def map_url(world: models.World, **query: str) -> str:
    url = reverse("admin:world_world_map", args=[world.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def drawn(page) -> str:
    # Graphviz writes some characters of ids as entities (e.g. "-" as &#45;); the DOM sees them decoded.
    return html.unescape(page.content.decode())


def test_the_demo_map_draws_every_room_and_exit(staff_client):
    call_command("seed_world")
    world = models.World.objects.get(slug=DEMO_SLUG)

    page = staff_client.get(map_url(world))

    assert page.status_code == 200
    svg = drawn(page)
    assert "<svg" in svg
    for room in models.Room.objects.filter(world=world):
        assert f'id="room-{room.key}"' in svg
        assert reverse("admin:world_room_change", args=[room.pk]) in svg  # a click opens the room
    exits = models.Exit.objects.filter(world=world)
    assert exits.exists()
    for ex in exits:
        assert f'id="exit-{ex.source_id}-{ex.name}"' in svg


def test_rooms_show_who_and_what_is_there(staff_client, tiny_world):
    page = staff_client.get(map_url(tiny_world.world)).content.decode()
    here = tiny_world.player.room
    people = models.Character.objects.filter(room=here).count()
    assert re.search(rf"{people} characters? · \d+ items?", page)


def test_exit_kinds_and_locks_are_drawn_differently(tiny_world):
    world = tiny_world.world
    a, b = factories.RoomFactory(world=world, key="a"), factories.RoomFactory(world=world, key="b")
    models.Exit.objects.create(world=world, source=a, destination=b, name="up", kind=models.ExitKind.STAIRS_UP)
    models.Exit.objects.create(world=world, source=b, destination=a, name="rift", kind=models.ExitKind.PORTAL)
    models.Exit.objects.create(world=world, source=a, destination=b, name="gate", is_locked=True)

    source = maps.world_map_source(maps.world_map_read(world=world), room_url={})

    assert "style=dashed" in source
    assert "style=dotted" in source
    assert "gate (locked)" in source
    assert maps.LOCKED_COLOR in source


def test_a_neighbourhood_holds_only_rooms_within_the_radius(staff_client, tiny_world):
    world = tiny_world.world
    chain = [factories.RoomFactory(world=world, key=f"r{i}", name=f"Room {i}") for i in range(6)]
    for here, there in zip(chain, chain[1:], strict=False):
        models.Exit.objects.create(world=world, source=here, destination=there, name=f"to {there.key}")

    world_map = maps.world_map_read(world=world, center_key="r2", radius=2)

    assert {room.key for room in world_map.rooms} == {"r0", "r1", "r2", "r3", "r4"}
    assert all(ex.source_id != chain[4].pk for ex in world_map.exits)  # r4 → r5 leaves the view
    page = drawn(staff_client.get(map_url(world, room="r2", radius="1")))
    assert 'id="room-r1"' in page and 'id="room-r3"' in page
    assert 'id="room-r0"' not in page


def test_a_large_world_opens_on_a_neighbourhood(tiny_world, monkeypatch):
    monkeypatch.setattr(maps, "FULL_MAP_ROOM_LIMIT", 3)
    world = tiny_world.world
    for i in range(5):
        factories.RoomFactory(world=world, key=f"extra{i}")

    default = maps.world_map_read(world=world)
    whole = maps.world_map_read(world=world, whole_world=True)

    assert default.is_neighbourhood and "showing the neighbourhood" in default.notes[0]
    assert not whole.is_neighbourhood
    assert len(whole.rooms) == models.Room.objects.filter(world=world).count()


def test_the_layout_is_cached_until_the_map_changes(tiny_world):
    world = tiny_world.world
    first = maps.world_map_svg(maps.world_map_read(world=world), room_url={})
    cached = len(cache._cache)  # type: ignore[attr-defined]  # LocMem: count entries

    again = maps.world_map_svg(maps.world_map_read(world=world), room_url={})
    assert again == first and len(cache._cache) == cached  # type: ignore[attr-defined]

    models.Room.objects.filter(world=world).update(name="Renamed Hall")
    changed = maps.world_map_svg(maps.world_map_read(world=world), room_url={})
    assert "Renamed Hall" in changed and len(cache._cache) == cached + 1  # type: ignore[attr-defined]


def test_without_graphviz_the_page_explains_instead_of_failing(staff_client, tiny_world, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere

    page = staff_client.get(map_url(tiny_world.world))

    assert page.status_code == 200
    assert "not installed" in page.content.decode()


def test_room_names_are_text_not_graphviz_markup(tiny_world):
    world = tiny_world.world
    factories.RoomFactory(world=world, key="odd", name=r'Back\lslash "quoted" <b>bold</b>')

    svg = maps.world_map_svg(maps.world_map_read(world=world), room_url={})

    assert "&lt;b&gt;bold&lt;/b&gt;" in svg and "<b>" not in svg
    assert "Back\\lslash" in svg


def test_the_map_is_for_staff_only(client, tiny_world):
    url = map_url(tiny_world.world)
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(factories.UserFactory(username="clerk", is_staff=True))  # staff without permissions
    assert client.get(url).status_code == 403


def test_the_world_page_links_to_its_map(staff_client, tiny_world):
    page = staff_client.get(reverse("admin:world_world_change", args=[tiny_world.world.pk]))
    assert map_url(tiny_world.world) in page.content.decode()


def test_an_unknown_world_is_a_404(staff_client):
    assert staff_client.get(reverse("admin:world_world_map", args=[999999])).status_code == 404
