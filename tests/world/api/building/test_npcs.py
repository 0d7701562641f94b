"""NPCs and relationships (TinyMUD's /npc ...), deletions that leave nothing dangling, the family generator."""

from __future__ import annotations

import pytest

from tests import factories
from world import models

pytestmark = pytest.mark.django_db


def test_add_list_and_read(build, tiny_world):
    answer = build.post("npcs", {"room": "kitchen", "name": "Cook", "description": "Flour to the elbows."})
    assert answer.status == 201, answer.body
    assert answer.body["character"]["room"] == "kitchen"
    assert [n["name"] for n in build.get("npcs").body["items"]] == ["Bob", "Cook"]  # players are not NPCs
    assert build.get("npcs", search="co").body["count"] == 1
    sheet = build.get("npcs/cook").body
    assert sheet["description"] == "Flour to the elbows."
    assert sheet["stats"]["strength"] == 10


def test_names_are_unique_per_world_players_included(build, tiny_world):
    assert build.post("npcs", {"room": "hall", "name": "BOB"}).status == 409
    assert build.post("npcs", {"room": "hall", "name": "alice"}).status == 409
    assert build.post("npcs", {"room": "hall", "name": "X"}).status == 422
    assert build.post("npcs", {"room": "nowhere", "name": "Zed"}).status == 404


def test_move_remove_from_room_and_describe(build, tiny_world):
    moved = build.patch("npcs/Bob", {"room": "kitchen", "description": "Now in the kitchen."})
    assert moved.status == 200, moved.body
    assert moved.body["character"]["room"] == "kitchen"
    out = build.patch("npcs/Bob", {"remove_from_room": True})
    assert out.body["character"]["room"] is None
    assert models.Character.objects.filter(name="Bob").exists()  # removed from the room, not deleted
    assert build.patch("npcs/Bob", {"description": "x" * 301}).status == 422


def test_attributes_aspects_and_matrix_with_range_checks(build, tiny_world):
    answer = build.patch(
        "npcs/Bob",
        {
            "attributes": {"strength": 14, "will": 12, "currency": 50},
            "aspects": {"high_concept": "Retired sellsword", "trouble": "Owes the guild"},
            "matrix": {"rage_terror": -3},
        },
    )
    assert answer.status == 200, answer.body
    bob = models.Character.objects.get(name="Bob")
    assert (bob.strength, bob.currency) == (14, 50)
    assert bob.sheet["will"] == 12
    assert bob.sheet["high_concept"] == "Retired sellsword"
    assert bob.sheet["matrix"] == {"rage_terror": -3}


@pytest.mark.parametrize(
    "change",
    [
        {"attributes": {"strength": 0}},
        {"attributes": {"charm": 5}},
        {"attributes": {"fp": 101}},
        {"aspects": {"motto": "x"}},
        {"matrix": {"rage_terror": 11}},
        {"matrix": {"strength": 5}},  # TinyMUD accepted any int attribute as an axis
    ],
)
def test_out_of_range_edits_are_refused_and_nothing_changes(build, tiny_world, change):
    answer = build.patch("npcs/Bob", {"description": "changed", **change})
    assert answer.status == 422, answer.body
    bob = models.Character.objects.get(name="Bob")
    assert bob.description != "changed"  # all or nothing
    assert bob.strength == 10


def test_delete_cleans_relationships_memberships_ownerships_and_locks(build, tiny_world):
    t = tiny_world
    bob = t.npc
    factories.RelationshipFactory(world=t.world, source=bob, target=t.player, label="friend")
    factories.RelationshipFactory(world=t.world, source=t.player, target=bob, label="friend")
    faction = factories.FactionFactory(world=t.world, leader=None)
    models.FactionMembership.objects.create(faction=faction, character=bob)
    faction.leader = bob
    faction.save()
    models.Item.objects.filter(pk=t.apple.pk).update(owner=bob)
    models.Room.objects.filter(pk=t.kitchen.pk).update(owner=bob)
    carried = factories.ItemFactory(world=t.world, room=None, character=bob, slot=0, name="ladle")
    models.Exit.objects.filter(pk=t.door_out.pk).update(
        is_locked=True,
        lock_allow_ids=[bob.pk, t.player.pk],
        lock_allow_relationships=[{"type": "friend", "to": bob.pk}],
    )
    answer = build.delete("npcs/bob")
    assert answer.status == 200, answer.body
    assert answer.body["relationships"] == 2
    assert answer.body["memberships"] == 1
    assert answer.body["dropped_items"] == 1
    assert not models.Character.objects.filter(pk=bob.pk).exists()
    assert not models.Relationship.objects.exists()
    assert not models.FactionMembership.objects.exists()
    faction.refresh_from_db()
    assert faction.leader is None
    t.apple.refresh_from_db()
    assert t.apple.owner is None
    carried.refresh_from_db()
    assert (carried.room, carried.character) == (t.hall, None)  # fell to the floor
    t.door_out.refresh_from_db()
    assert t.door_out.lock_allow_ids == [t.player.pk]
    assert t.door_out.lock_allow_relationships == []


def test_delete_needs_the_exact_name_and_an_npc(build, tiny_world):
    assert build.delete("npcs/Bo").status == 404
    assert build.delete("npcs/Alice").status == 404


def test_relationships_set_mutual_and_removed(build, tiny_world):
    one_way = build.post("relationships", {"source": "Alice", "type": "employer", "target": "bob"})
    assert one_way.status == 200, one_way.body
    assert one_way.body["relationships"] == [{"source": "Alice", "type": "employer", "target": "Bob"}]
    mutual = build.post("relationships", {"source": "Alice", "type": "sibling", "target": "Bob", "mutual": True})
    labels = {(r["source"], r["type"]) for r in mutual.body["relationships"]}
    assert labels == {("Alice", "sibling"), ("Bob", "sibling")}  # the old label was replaced
    assert build.post("relationships", {"source": "Bob", "type": "x", "target": "Bob"}).status == 422
    removed = build.post("relationships/remove", {"a": "bob", "b": "alice"})
    assert removed.status == 200
    assert not models.Relationship.objects.exists()
    again = build.post("relationships/remove", {"a": "bob", "b": "alice"})
    assert again.status == 404
    assert again.message == "No relationships existed to remove."


def test_offline_family_generator(build, tiny_world):
    answer = build.post("familygen", {"room": "kitchen", "target": "Bob", "relationship": "sister"})
    assert answer.status == 201, answer.body
    assert answer.body["character"]["name"] == "Bob's Sister"
    assert answer.body["character"]["room"] == "kitchen"
    sister = models.Character.objects.get(name="Bob's Sister")
    assert set(models.Relationship.objects.values_list("source__name", "target__name", "label")) == {
        ("Bob's Sister", "Bob", "sister"),
        ("Bob", "Bob's Sister", "sister"),
    }
    assert sister.is_npc
    second = build.post("familygen", {"room": "kitchen", "target": "Bob", "relationship": "sister"})
    assert second.body["character"]["name"] == "Bob's Sister 2"  # unique-suffixed
