"""World creation and the one-shot setup wizard (TinyMUD §3.3)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.world.api.building.conftest import Api
from world import models
from world.services.setup import quick_specs

pytestmark = pytest.mark.django_db

SETUP = {
    "name": "Eldoria",
    "description": "A land of mist and old stone.",
    "conflict": "The wells run dry.",
    "safety_level": "PG13",
    "advanced_goap": "yes",
    "start_room": {"key": "town square", "description": "Cobbles and a dry fountain."},
    "npc": {"name": "Warden", "description": "A tired guard."},
}


@pytest.fixture
def fresh(staff) -> Api:
    api = Api(staff)
    assert api.post("/api/worlds", {"slug": "eldoria", "name": "Eldoria"}).status == 201
    return api


def test_staff_create_a_world_and_become_its_first_builder(staff):
    answer = Api(staff).post("/api/worlds", {"slug": "new-land", "name": "New Land"})
    assert answer.status == 201
    assert answer.body["world"]["builders"] == ["root"]
    assert answer.body["world"]["setup_complete"] is False
    assert models.World.objects.get(slug="new-land").builders.filter(pk=staff.pk).exists()


def test_only_staff_create_worlds_and_slugs_are_checked(staff, db):
    player = factories.UserFactory()
    assert Api(player).post("/api/worlds", {"slug": "mine", "name": "Mine"}).status == 403
    assert Api().post("/api/worlds", {"slug": "mine", "name": "Mine"}).status == 401
    assert Api(staff).post("/api/worlds", {"slug": "Bad Slug", "name": "Mine"}).status == 422
    assert Api(staff).post("/api/worlds", {"slug": "ok", "name": "Ok"}).status == 201
    again = Api(staff).post("/api/worlds", {"slug": "ok", "name": "Ok"})
    assert again.status == 409
    assert again.body["code"] == "conflict"


def test_worlds_are_listed(fresh):
    assert [w["slug"] for w in fresh.get("/api/worlds").body] == ["eldoria"]


def test_manual_setup_builds_the_start_room_and_first_npc(fresh):
    answer = fresh.post("/api/worlds/eldoria/build/setup", SETUP)
    assert answer.status == 200, answer.body
    world = models.World.objects.get(slug="eldoria")
    assert world.setup_complete
    assert world.start_room.key == "town_square"  # sanitized like TinyMUD
    assert world.safety_level == "PG-13"  # alias
    assert world.advanced_goap is True
    assert (world.name, world.conflict) == ("Eldoria", "The wells run dry.")
    warden = models.Character.objects.get(world=world, name="Warden")
    assert warden.is_npc
    assert warden.room == world.start_room
    assert "Setup complete" in answer.message


def test_setup_without_npc_and_the_caller_moves_to_the_start_room(fresh, staff):
    world = models.World.objects.get(slug="eldoria")
    other = factories.RoomFactory(world=world, key="elsewhere")
    mine = factories.CharacterFactory(world=world, account=staff, room=other, name="Root")
    body = {**SETUP, "npc": None}
    assert fresh.post("/api/worlds/eldoria/build/setup", body).status == 200
    mine.refresh_from_db()
    assert mine.room.key == "town_square"
    assert not models.Character.objects.filter(world=world, is_npc=True).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "E"), ("name", "x" * 65), ("description", "too short"), ("conflict", "bad"), ("safety_level", "XXX")],
)
def test_setup_validates_like_the_wizard(fresh, field, value):
    answer = fresh.post("/api/worlds/eldoria/build/setup", {**SETUP, field: value})
    assert answer.status == 422, answer.body
    assert not models.World.objects.get(slug="eldoria").setup_complete
    assert not models.Room.objects.filter(world__slug="eldoria").exists()  # nothing half-made


def test_setup_refuses_a_taken_room_key(fresh):
    factories.RoomFactory(world=models.World.objects.get(slug="eldoria"), key="Town_Square")
    assert fresh.post("/api/worlds/eldoria/build/setup", SETUP).status == 409


def test_a_second_setup_is_refused_until_a_purge(fresh):
    assert fresh.post("/api/worlds/eldoria/build/setup", SETUP).status == 200
    again = fresh.post("/api/worlds/eldoria/build/setup", SETUP)
    assert again.status == 409
    assert "purge" in again.message.lower()
    assert fresh.post("/api/worlds/eldoria/build/purge", {"confirm": "eldoria"}).status == 200
    assert fresh.post("/api/worlds/eldoria/build/setup", SETUP).status == 200


def test_quick_setup_is_deterministic_from_the_name(fresh):
    body = {k: v for k, v in SETUP.items() if k not in ("start_room", "npc")}
    answer = fresh.post("/api/worlds/eldoria/build/setup", {**body, "mode": "quick"})
    assert answer.status == 200, answer.body
    world = models.World.objects.get(slug="eldoria")
    room_spec, npc_spec = quick_specs(name="Eldoria", description=SETUP["description"])
    assert world.start_room.key == room_spec.key == "eldoria"
    npc = models.Character.objects.get(world=world, is_npc=True)
    assert npc.name == npc_spec.name == "Eldoria Guide"  # len("Eldoria") % 3 == 1
    # Quick mode stops there: one room, one NPC (TinyMUD went on and made a second start room).
    assert models.Room.objects.filter(world=world).count() == 1


def test_quick_setup_titles_and_key_clashes(fresh):
    assert quick_specs(name="Ur Ka", description="d" * 10)[1].name == "Ur Ka Keeper"
    assert quick_specs(name="Nine", description="d" * 10)[1].name == "Nine Guide"
    assert quick_specs(name="Mist Vale", description="d" * 10)[1].name == "Mist Vale Guardian"
    world = models.World.objects.get(slug="eldoria")
    factories.RoomFactory(world=world, key="eldoria")
    body = {k: v for k, v in SETUP.items() if k not in ("start_room", "npc")}
    assert fresh.post("/api/worlds/eldoria/build/setup", {**body, "mode": "quick"}).status == 200
    world.refresh_from_db()
    assert world.start_room.key == "eldoria_2"  # never overwrites an existing room


def test_quick_mode_refuses_manual_parts_and_manual_needs_a_room(fresh):
    assert fresh.post("/api/worlds/eldoria/build/setup", {**SETUP, "mode": "quick"}).status == 422
    body = {k: v for k, v in SETUP.items() if k != "start_room"}
    assert fresh.post("/api/worlds/eldoria/build/setup", body).status == 422


def test_setup_completion_saves_immediately(fresh, monkeypatch):
    calls = []
    monkeypatch.setattr("persistence.facade.save_world", lambda world, *, debounced=True: calls.append(debounced))
    assert fresh.post("/api/worlds/eldoria/build/setup", SETUP).status == 200
    assert False in calls


def test_quick_setup_copes_with_a_name_without_ascii_letters():
    room, npc = quick_specs(name="東京", description="d" * 10)
    assert room.key == "start"
    assert npc.name == "東京 Keeper"
