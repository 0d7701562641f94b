"""Join, look, look at, move (locks), and who sees what."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services.tokens import token_issue
from tests import factories
from world.models import Character, ExitKind, Item

pytestmark = pytest.mark.django_db


def client_for(user) -> tuple[Client, dict]:
    return Client(), {"Authorization": f"Bearer {token_issue(user=user)}"}


def test_join_places_the_new_character_in_the_start_room(tiny_world, alice):
    user = factories.UserFactory()
    client, headers = client_for(user)
    response = client.post(
        "/api/worlds/tiny/play/join",
        {"name": "Carol", "description": "Tall."},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Carol"
    assert body["room"]["key"] == "hall"
    assert Character.objects.get(name="Carol").room == tiny_world.hall
    assert "Carol arrives." in alice.feed()


def test_one_character_per_account_per_world(tiny_world, alice):
    response = alice.post("join", {"name": "Alicia"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_joined"
    # …but the same account may join another world.
    other = factories.WorldFactory(slug="other")
    other.start_room = factories.RoomFactory(world=other, key="gate")
    other.save()
    assert alice.post("/api/worlds/other/play/join", {"name": "Alice"}).status_code == 201


@pytest.mark.parametrize(("name", "status"), [("bob", 409), ("ALICE", 409), ("X", 422), ("x" * 33, 422)])
def test_join_names_are_unique_and_sized(tiny_world, play, name, status):
    client, headers = client_for(factories.UserFactory())
    response = client.post(
        "/api/worlds/tiny/play/join", {"name": name}, content_type="application/json", headers=headers
    )
    assert response.status_code == status


def test_join_needs_a_start_room(db):
    factories.WorldFactory(slug="empty")
    client, headers = client_for(factories.UserFactory())
    response = client.post(
        "/api/worlds/empty/play/join", {"name": "Carol"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "world_not_ready"


def test_look_shows_the_room(tiny_world, alice):
    response = alice.get("look")
    assert response.status_code == 200
    body = response.json()
    assert body["room"] == {"key": "hall", "name": "Great Hall", "description": "Four walls and a floor."}
    assert body["exits"] == [{"name": "kitchen door", "kind": "door", "locked": False, "destination": "Kitchen"}]
    assert [c["name"] for c in body["characters"]] == ["Bob"]
    assert body["characters"][0]["is_npc"] is True
    assert [i["name"] for i in body["items"]] == ["apple"]
    assert "Great Hall" in body["message"]


def test_look_in_an_unknown_world_is_404_and_in_a_world_not_joined_403(tiny_world, alice):
    assert alice.get("/api/worlds/nowhere/play/look").status_code == 404
    factories.WorldFactory(slug="other")
    response = alice.get("/api/worlds/other/play/look")
    assert response.status_code == 403
    assert response.json()["code"] == "not_joined"


def test_anonymous_play_is_401(tiny_world):
    response = Client().get("/api/worlds/tiny/play/look")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_staff_are_ordinary_players(tiny_world, play):
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    boss = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.kitchen, account=staff, name="Boss"))
    tiny_world.door_back.is_locked = True
    tiny_world.door_back.save()
    assert boss.post("move", {"exit": "hall door"}).status_code == 403


@pytest.mark.parametrize(
    ("query", "kind", "name"),
    [
        ("bob", "character", "Bob"),
        ("ali", "character", "Alice"),
        ("APP", "item", "apple"),
        ("kit", "exit", "kitchen door"),
    ],
)
def test_look_at_is_fuzzy(tiny_world, alice, query, kind, name):
    response = alice.get(f"look/{query}")
    assert response.status_code == 200, response.json()
    assert response.json()["kind"] == kind
    assert response.json()["name"] == name


def test_look_at_unknown_is_404_and_ambiguous_409_with_candidates(tiny_world, alice):
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, name="apple pie")
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, name="apple tart")
    assert alice.get("look/zebra").status_code == 404
    assert alice.get("look/APPLE").json()["name"] == "apple"  # case-insensitive exact beats prefixes
    assert alice.get("look/apple t").json()["name"] == "apple tart"  # unique prefix
    assert alice.get("look/tar").json()["name"] == "apple tart"  # unique substring
    conflict = alice.get("look/appl")
    assert conflict.status_code == 409
    assert conflict.json()["details"]["candidates"] == ["apple", "apple pie", "apple tart"]


def test_look_at_a_character_shows_relationships(tiny_world, alice):
    factories.RelationshipFactory(
        world=tiny_world.world, source=tiny_world.npc, target=tiny_world.player, label="friend"
    )
    body = alice.get("look/bob").json()
    assert body["character"]["relationships"]["outgoing"] == [{"name": "Alice", "label": "friend"}]


def test_move_returns_the_new_room_and_both_rooms_see_it(tiny_world, alice, play):
    cook = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.kitchen, name="Cook"))
    guest = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Guest"))
    response = alice.post("move", {"exit": "the kitchen door"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["room"]["key"] == "kitchen"
    assert body["moved_through"]["name"] == "kitchen door"
    assert [c["name"] for c in body["characters"]] == ["Cook"]
    assert Character.objects.get(pk=tiny_world.player.pk).room == tiny_world.kitchen
    assert "Alice leaves through the kitchen door." in guest.feed()
    assert "Alice enters." in cook.feed()
    assert "You go through the kitchen door." in alice.feed()


def test_move_by_stairs_and_portals(tiny_world, alice):
    attic = factories.RoomFactory(world=tiny_world.world, key="attic")
    tower = factories.RoomFactory(world=tiny_world.world, key="tower")
    factories.ExitFactory(
        world=tiny_world.world, source=tiny_world.hall, destination=attic, name="stairs up", kind=ExitKind.STAIRS_UP
    )
    factories.ExitFactory(
        world=tiny_world.world, source=attic, destination=tiny_world.hall, name="stairs down", kind=ExitKind.STAIRS_DOWN
    )
    factories.ExitFactory(
        world=tiny_world.world, source=tiny_world.hall, destination=tower, name="shimmering arch", kind=ExitKind.PORTAL
    )
    assert alice.post("move", {"exit": "up"}).json()["room"]["key"] == "attic"
    assert alice.post("move", {"exit": "up"}).status_code == 404  # no stairs up in the attic
    assert alice.post("move", {"exit": "down"}).json()["room"]["key"] == "hall"
    assert alice.post("move", {"exit": "shimmer"}).json()["room"]["key"] == "tower"


def test_move_unknown_exit_is_404_ambiguous_409(tiny_world, alice):
    factories.ExitFactory(world=tiny_world.world, source=tiny_world.hall, name="kitchen hatch")
    assert alice.post("move", {"exit": "window"}).status_code == 404
    response = alice.post("move", {"exit": "kitchen"})
    assert response.status_code == 409
    assert response.json()["details"]["candidates"] == ["kitchen door", "kitchen hatch"]


def test_move_with_no_name_takes_the_only_exit(tiny_world, alice):
    assert alice.post("move", {"exit": ""}).json()["room"]["key"] == "kitchen"


def lock(exit_, *, ids=(), rules=()):
    exit_.is_locked = True
    exit_.lock_allow_ids = list(ids)
    exit_.lock_allow_relationships = list(rules)
    exit_.save()


def test_a_locked_door_with_no_policy_stops_everyone(tiny_world, alice):
    lock(tiny_world.door_out)
    response = alice.post("move", {"exit": "kitchen door"})
    assert response.status_code == 403
    assert response.json()["code"] == "locked"
    assert Character.objects.get(pk=tiny_world.player.pk).room == tiny_world.hall


def test_a_locked_door_lets_listed_characters_through(tiny_world, alice):
    lock(tiny_world.door_out, ids=[tiny_world.player.pk])
    assert alice.post("move", {"exit": "kitchen door"}).status_code == 200


def test_relationship_rules_naming_an_npc_work(tiny_world, alice):
    """TinyMUD's defect: a rule whose `to` was an NPC could never match. Here it does."""
    lock(tiny_world.door_out, rules=[{"type": "apprentice", "to": tiny_world.npc.pk}])
    assert alice.post("move", {"exit": "kitchen door"}).status_code == 403
    factories.RelationshipFactory(
        world=tiny_world.world, source=tiny_world.player, target=tiny_world.npc, label="Apprentice"
    )
    assert alice.post("move", {"exit": "kitchen door"}).status_code == 200


def test_relationship_rules_naming_a_player_work(tiny_world, alice, play):
    dora = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.kitchen, name="Dora")
    lock(tiny_world.door_out, rules=[{"type": "friend", "to": dora.pk}])
    factories.RelationshipFactory(world=tiny_world.world, source=tiny_world.player, target=dora, label="rival")
    assert alice.post("move", {"exit": "kitchen door"}).status_code == 403  # wrong label
    factories.RelationshipFactory(world=tiny_world.world, source=tiny_world.npc, target=dora, label="friend")
    assert alice.post("move", {"exit": "kitchen door"}).status_code == 403  # someone else's relationship


@pytest.mark.parametrize("rules", [["junk"], [{"type": "friend"}], [{"type": "", "to": 1}], "not a list"])
def test_malformed_lock_rules_deny(tiny_world, alice, rules):
    lock(tiny_world.door_out)
    tiny_world.door_out.lock_allow_relationships = rules
    tiny_world.door_out.save()
    assert alice.post("move", {"exit": "kitchen door"}).status_code == 403


def test_locked_stairs_are_locked_too(tiny_world, alice):
    attic = factories.RoomFactory(world=tiny_world.world, key="attic")
    stairs = factories.ExitFactory(
        world=tiny_world.world, source=tiny_world.hall, destination=attic, name="stairs up", kind=ExitKind.STAIRS_UP
    )
    lock(stairs)
    assert alice.post("move", {"exit": "up"}).status_code == 403


def test_move_requests_a_save_of_the_world(tiny_world, alice):
    """Acceptance 8: the move reaches the persistence façade, as exactly one save request."""
    from tests.persistence.requests import save_requests_made

    assert save_requests_made(tiny_world.world, lambda: alice.post("move", {"exit": "kitchen door"})) == 1


def test_items_carried_are_not_on_the_floor(tiny_world, alice):
    Item.objects.filter(pk=tiny_world.apple.pk).update(room=None, character=tiny_world.player, slot=2)
    assert alice.get("look").json()["items"] == []


def test_join_requests_a_save(tiny_world, monkeypatch):
    from persistence import facade

    requested = []
    monkeypatch.setattr(facade, "save_world", lambda world, **kw: requested.append(world.slug))
    client, headers = client_for(factories.UserFactory())
    client.post("/api/worlds/tiny/play/join", {"name": "Carol"}, content_type="application/json", headers=headers)
    assert requested == ["tiny"]
