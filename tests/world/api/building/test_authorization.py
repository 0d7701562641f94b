"""Every build endpoint, for every kind of caller: 401 anonymous, 403 a plain player, 403 a builder of
another world, success for staff and for a builder of that world.

The routes come from the registered API, so a new endpoint without a sample here fails the coverage test.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from mudsite.api import api
from tests import factories
from tests.conftest import TinyWorld, build_tiny_world, rows_for_the_module
from tests.world.api.building.conftest import Api
from world import models
from world.games.models import Mission
from world.services import missions

PREFIX = "/api/worlds/{world}/build"

# (method, path under the build prefix) → (path parameters, JSON body or None). Each must succeed on `scene`.
SAMPLES: dict[tuple[str, str], tuple[dict[str, str], dict | None]] = {
    ("POST", "/setup"): (
        {},
        {
            "name": "Tiny Realm",
            "description": "A very small place.",
            "conflict": "Mice.",
            "start_room": {"key": "garden", "description": "Weeds."},
        },
    ),
    ("GET", "/settings"): ({}, None),
    ("GET", "/simulation"): ({}, None),
    ("PATCH", "/simulation"): ({}, {"enabled": True, "hunger_rate": 2.0}),
    ("POST", "/tick"): ({}, {"ticks": 2}),
    ("PATCH", "/settings"): ({}, {"safety_level": "R"}),
    ("PUT", "/timedesc/{hour}"): ({"hour": "5"}, {"text": "Dawn."}),
    ("DELETE", "/timedesc/{hour}"): ({"hour": "5"}, None),
    ("GET", "/builders"): ({}, None),
    ("POST", "/builders"): ({}, {"username": "carol"}),
    ("DELETE", "/builders/{username}"): ({"username": "dave"}, None),
    ("POST", "/teleport"): ({}, {"character": "Alice", "room": "kitchen"}),
    ("POST", "/bring"): ({}, {"character": "Bob"}),
    ("POST", "/kick"): ({}, {"player": "Alice"}),
    ("POST", "/purge"): ({}, {"confirm": "tiny"}),
    ("GET", "/rooms"): ({}, None),
    ("POST", "/rooms"): ({}, {"key": "garden"}),
    ("GET", "/rooms/{key}"): ({"key": "hall"}, None),
    ("PATCH", "/rooms/{key}"): ({"key": "hall"}, {"description": "Banners."}),
    ("DELETE", "/rooms/{key}"): ({"key": "kitchen"}, None),
    ("POST", "/exits"): ({}, {"room": "hall", "name": "arch", "to": "kitchen"}),
    ("POST", "/exits/link"): ({}, {"room_a": "hall", "door_a": "a1", "room_b": "kitchen", "door_b": "b1"}),
    ("POST", "/exits/stairs"): ({}, {"room": "hall", "direction": "up", "to": "kitchen"}),
    ("POST", "/exits/portal"): ({}, {"room": "hall", "name": "mirror", "to": "kitchen"}),
    ("GET", "/exits/{exit_id}"): ({"exit_id": "door_out"}, None),
    ("DELETE", "/exits/{exit_id}"): ({"exit_id": "door_out"}, None),
    ("PUT", "/exits/{exit_id}/lock"): ({"exit_id": "door_out"}, {"allow": ["Alice"]}),
    ("DELETE", "/exits/{exit_id}/lock"): ({"exit_id": "door_out"}, None),
    ("GET", "/npcs"): ({}, None),
    ("POST", "/npcs"): ({}, {"room": "hall", "name": "Cook"}),
    ("GET", "/npcs/{name}"): ({"name": "Bob"}, None),
    ("PATCH", "/npcs/{name}"): ({"name": "Bob"}, {"description": "Grumpy."}),
    ("DELETE", "/npcs/{name}"): ({"name": "Bob"}, None),
    ("POST", "/relationships"): ({}, {"source": "Alice", "type": "friend", "target": "Bob"}),
    ("POST", "/relationships/remove"): ({}, {"a": "Alice", "b": "Bob"}),
    ("POST", "/familygen"): ({}, {"room": "hall", "target": "Bob", "relationship": "son"}),
    ("GET", "/templates"): ({}, None),
    ("POST", "/templates"): ({}, {"key": "rope", "name": "Rope", "description": "Coiled hemp."}),
    ("GET", "/templates/{key}"): ({"key": "torch"}, None),
    ("PATCH", "/templates/{key}"): ({"key": "torch"}, {"value": 3}),
    ("DELETE", "/templates/{key}"): ({"key": "torch"}, None),
    ("GET", "/items"): ({}, None),
    ("POST", "/items"): ({}, {"name": "stick", "room": "hall"}),
    ("GET", "/items/{item_id}"): ({"item_id": "apple"}, None),
    ("DELETE", "/items/{item_id}"): ({"item_id": "apple"}, None),
    ("POST", "/factiongen"): ({}, None),
    ("GET", "/factions"): ({}, None),
    ("POST", "/factions"): ({}, {"name": "Merchants"}),
    ("GET", "/factions/{name}"): ({"name": "Guard"}, None),
    ("PATCH", "/factions/{name}"): ({"name": "Guard"}, {"description": "Watchful."}),
    ("DELETE", "/factions/{name}"): ({"name": "Guard"}, None),
    ("POST", "/factions/{name}/members"): ({"name": "Guard"}, {"character": "Alice"}),
    ("PATCH", "/factions/{name}/members/{member}"): ({"name": "Guard", "member": "Bob"}, {"rank": "High"}),
    ("DELETE", "/factions/{name}/members/{member}"): ({"name": "Guard", "member": "Bob"}, None),
    ("POST", "/factions/{name}/members/{member}/promote"): ({"name": "Guard", "member": "Bob"}, {"rank": "High"}),
    ("POST", "/factions/{name}/members/{member}/demote"): ({"name": "Guard", "member": "Cap"}, {"rank": "Low"}),
    ("POST", "/factions/{name}/ranks"): ({"name": "Guard"}, {"name": "Mid", "level": 3}),
    ("PATCH", "/factions/{name}/ranks/{rank}"): ({"name": "Guard", "rank": "Low"}, {"level": 2}),
    ("DELETE", "/factions/{name}/ranks/{rank}"): ({"name": "Guard", "rank": "Low"}, None),
    ("POST", "/factions/{name}/roles"): ({"name": "Guard"}, {"key": "scout", "name": "Scout"}),
    ("PATCH", "/factions/{name}/roles/{key}"): ({"name": "Guard", "key": "watch"}, {"name": "Night Watch"}),
    ("DELETE", "/factions/{name}/roles/{key}"): ({"name": "Guard", "key": "watch"}, None),
    ("POST", "/factions/{name}/allies"): ({"name": "Guard"}, {"faction": "Traders"}),
    ("DELETE", "/factions/{name}/allies/{other}"): ({"name": "Guard", "other": "Friends"}, None),
    ("POST", "/factions/{name}/rivals"): ({"name": "Guard"}, {"faction": "Traders"}),
    ("DELETE", "/factions/{name}/rivals/{other}"): ({"name": "Guard", "other": "Foes"}, None),
    ("GET", "/missions"): ({}, None),
    ("POST", "/missions"): (
        {},
        {"title": "Fetch a torch", "objectives": [{"kind": "obtain", "target": "torch"}], "assignee": "Alice"},
    ),
    ("GET", "/missions/{mission_id}"): ({"mission_id": "patrol"}, None),
    ("POST", "/missions/{mission_id}/status"): ({"mission_id": "patrol"}, {"status": "active"}),
    ("DELETE", "/missions/{mission_id}"): ({"mission_id": "patrol"}, None),
}


def registered_build_routes() -> set[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return {
        (method.upper(), path.removeprefix(PREFIX))
        for path, operations in paths.items()
        if path.startswith(PREFIX)
        for method in operations
    }


def test_every_build_route_has_a_sample():
    routes = registered_build_routes()
    assert routes - set(SAMPLES) == set(), "add a sample for each new build endpoint"
    assert set(SAMPLES) - routes == set(), "a sample names a route that no longer exists"


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """The tiny world plus one of everything the samples name; setup not yet run. Made once for the
    module's ~360 tests (each test's changes are rolled back with it; tests/conftest.py)."""
    with rows_for_the_module(django_db_blocker):
        yield build_scene()


def build_scene() -> TinyWorld:
    t = build_tiny_world()
    world = t.world
    models.World.objects.filter(pk=world.pk).update(setup_complete=False)
    factories.UserFactory(username="carol")
    world.builders.add(factories.UserFactory(username="dave"), factories.UserFactory(username="erin"))
    factories.ItemTemplateFactory(world=world, key="torch", name="Torch", description="Pitch and rags.")
    factories.RelationshipFactory(world=world, source=t.player, target=t.npc, label="friend")
    guard = factories.FactionFactory(world=world, name="Guard")
    low = models.FactionRank.objects.create(faction=guard, name="Low", level=1)
    high = models.FactionRank.objects.create(faction=guard, name="High", level=5)
    models.FactionRole.objects.create(faction=guard, key="watch", name="Watch")
    models.FactionMembership.objects.create(faction=guard, character=t.npc, rank=low)
    cap = factories.NpcFactory(world=world, room=t.hall, name="Cap")
    models.FactionMembership.objects.create(faction=guard, character=cap, rank=high)
    for name, stance in (("Friends", "ally"), ("Foes", "rival")):
        other = factories.FactionFactory(world=world, name=name)
        models.FactionLink.objects.create(faction_a=guard, faction_b=other, stance=stance)
    factories.FactionFactory(world=world, name="Traders")
    missions.mission_create(
        world=world,
        title="Patrol",
        objectives=[missions.ObjectiveSpec(kind="visit", target_room=t.kitchen)],
        issuer=t.npc,
        assignee=t.player,
    )
    return t


def url_for(route: tuple[str, str], scene) -> str:
    params, _ = SAMPLES[route]
    patrol = Mission.objects.get(world=scene.world, title="Patrol")
    objects = {"door_out": scene.door_out.uuid, "apple": scene.apple.uuid, "patrol": patrol.uuid}
    values = {k: quote(str(objects.get(v, v))) for k, v in params.items()}
    return (PREFIX + route[1]).format(world="tiny", **values)


def call(client: Api, route: tuple[str, str], scene):
    method, _ = route
    body = SAMPLES[route][1]
    if method in ("POST", "PUT", "PATCH") and body is None:
        body = {}
    return client.call(method, url_for(route, scene), body)


ROUTES = sorted(SAMPLES)
# Issue 14 item 10: advancing the clock by hand is for staff, not for a world's builders.
STAFF_ONLY = {("POST", "/tick")}


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_anonymous_is_401(scene, route):
    answer = call(Api(), route, scene)
    assert answer.status == 401, answer.body
    assert answer.body["code"] == "unauthenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_a_plain_player_is_403(scene, route):
    answer = call(Api(scene.player.account), route, scene)
    assert answer.status == 403, answer.body
    assert answer.body["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_a_builder_of_another_world_is_403(scene, route):
    outsider = factories.UserFactory(username="outsider")
    factories.WorldFactory(slug="elsewhere").builders.add(outsider)
    assert call(Api(outsider), route, scene).status == 403


def _succeeds(user, route, scene) -> None:
    # Bring needs the caller to stand somewhere in the world.
    factories.CharacterFactory(world=scene.world, account=user, room=scene.hall, name="Caller")
    answer = call(Api(user), route, scene)
    assert 200 <= answer.status < 300, answer.body


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_staff_succeed(scene, route):
    _succeeds(factories.UserFactory(username="root", is_staff=True), route, scene)


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(set(ROUTES) - STAFF_ONLY), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_builder_of_the_world_succeeds(scene, route):
    builder = factories.UserFactory(username="mason")
    scene.world.builders.add(builder)
    _succeeds(builder, route, scene)


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(STAFF_ONLY), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_builder_of_the_world_is_403_on_staff_only_routes(scene, route):
    builder = factories.UserFactory(username="mason")
    scene.world.builders.add(builder)
    answer = call(Api(builder), route, scene)
    assert answer.status == 403, answer.body
    assert answer.body["code"] == "staff_only"


@pytest.mark.django_db
def test_an_unknown_world_is_404_for_builders(scene):
    staff = factories.UserFactory(username="root", is_staff=True)
    answer = Api(staff).get("/api/worlds/atlantis/build/rooms")
    assert answer.status == 404
    assert answer.body["code"] == "not_found"


@pytest.mark.django_db
def test_an_inactive_builder_is_refused(scene):
    builder = factories.UserFactory(username="mason", is_active=False)
    scene.world.builders.add(builder)
    assert Api(builder).get("/api/worlds/tiny/build/rooms").status == 401  # its token no longer works
