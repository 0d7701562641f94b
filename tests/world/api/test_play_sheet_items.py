"""The sheet (rename, describe) and carrying things (take, drop, give, claim, unclaim)."""

from __future__ import annotations

import pytest

from tests import factories
from world.models import Carry, Character, Item
from world.services.items import inventory_free_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora(tiny_world, play):
    return play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Dora"))


def test_sheet(tiny_world, alice):
    factories.RelationshipFactory(world=tiny_world.world, source=tiny_world.player, target=tiny_world.npc, label="ward")
    body = alice.get("me").json()
    assert body["name"] == "Alice"
    assert body["world"] == "tiny"
    assert body["room"]["key"] == "hall"
    assert body["needs"] == {"hunger": 100, "thirst": 100, "socialization": 100, "sleep": 100, "safety": 100}
    assert body["currency"] == 0
    assert [s["label"] for s in body["inventory"]] == [
        "Left Hand", "Right Hand", "Small 1", "Small 2", "Small 3", "Small 4", "Large 1", "Large 2",
    ]  # fmt: skip
    assert all(s["item"] is None for s in body["inventory"])
    assert body["relationships"] == {"outgoing": [{"name": "Bob", "label": "ward"}], "incoming": []}


def test_rename_keeps_names_unique_in_the_world(tiny_world, alice, dora):
    assert alice.patch("me", {"name": "bob"}).status_code == 409  # an NPC's name, other case
    assert alice.patch("me", {"name": "DORA"}).status_code == 409
    response = alice.patch("me", {"name": "Alicia"})
    assert response.status_code == 200
    assert response.json()["name"] == "Alicia"
    assert "Alice is now known as Alicia." in dora.feed()
    assert alice.patch("me", {"name": "ALICIA"}).json()["name"] == "ALICIA"  # own name, new case: fine
    assert alice.patch("me", {"name": "A"}).status_code == 422


def test_describe_is_limited_to_300_characters(tiny_world, alice):
    assert alice.patch("me", {"description": "x" * 301}).status_code == 422
    response = alice.patch("me", {"description": "y" * 300})
    assert response.status_code == 200
    assert Character.objects.get(pk=tiny_world.player.pk).description == "y" * 300


@pytest.mark.parametrize(
    ("carry", "occupied", "slot"),
    [
        (Carry.SMALL, set(), 2),
        (Carry.SMALL, {2, 3, 4}, 5),
        (Carry.SMALL, {2, 3, 4, 5}, 1),
        (Carry.SMALL, {1, 2, 3, 4, 5}, 0),
        (Carry.SMALL, {0, 1, 2, 3, 4, 5, 6, 7}, None),
        (Carry.LARGE, set(), 6),
        (Carry.LARGE, {6}, 7),
        (Carry.LARGE, {6, 7}, 1),
        (Carry.LARGE, {0, 1, 6, 7}, None),
        (Carry.FIXED, set(), None),
    ],
)
def test_free_slot_rule(carry, occupied, slot):
    assert inventory_free_slot(carry=carry, occupied=occupied) == slot


def test_take_stows_by_size_then_hands(tiny_world, alice, dora):
    response = alice.post("take", {"item": "app"})
    assert response.status_code == 200, response.json()
    apple = Item.objects.get(pk=tiny_world.apple.pk)
    assert (apple.character_id, apple.slot, apple.room_id) == (tiny_world.player.pk, 2, None)
    assert response.json()["inventory"][2]["item"]["name"] == "apple"
    assert "Alice picks up the apple." in dora.feed()
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, name="crate", carry=Carry.LARGE)
    alice.post("take", {"item": "crate"})
    assert Item.objects.get(name="crate").slot == 6


def test_immovable_items_are_never_carried(tiny_world, alice):
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, name="anvil", carry=Carry.FIXED)
    response = alice.post("take", {"item": "anvil"})
    assert response.status_code == 409
    assert response.json()["code"] == "immovable"


def test_take_with_a_full_inventory_is_409(tiny_world, alice):
    for slot in (0, 1, 2, 3, 4, 5):
        factories.ItemFactory(world=tiny_world.world, room=None, character=tiny_world.player, slot=slot)
    response = alice.post("take", {"item": "apple"})
    assert response.status_code == 409
    assert response.json()["code"] == "inventory_full"
    assert Item.objects.get(pk=tiny_world.apple.pk).room == tiny_world.hall


def test_take_something_not_here_is_404(tiny_world, alice):
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.kitchen, name="pan")
    assert alice.post("take", {"item": "pan"}).status_code == 404


def test_drop_puts_it_on_the_floor(tiny_world, alice, dora):
    alice.post("take", {"item": "apple"})
    response = alice.post("drop", {"item": "apple"})
    assert response.status_code == 200
    apple = Item.objects.get(pk=tiny_world.apple.pk)
    assert (apple.room_id, apple.character_id, apple.slot) == (tiny_world.hall.pk, None, None)
    assert "Alice drops the apple." in dora.feed()
    assert alice.post("drop", {"item": "apple"}).status_code == 404


def test_give_needs_the_target_in_the_same_room(tiny_world, alice, dora):
    alice.post("take", {"item": "apple"})
    Item.objects.filter(pk=tiny_world.apple.pk).update(owner=tiny_world.player)
    response = alice.post("give", {"item": "apple", "target": "dora"})
    assert response.status_code == 200, response.json()
    apple = Item.objects.get(pk=tiny_world.apple.pk)
    assert (apple.character_id, apple.slot, apple.owner_id) == (dora.character.pk, 2, dora.character.pk)
    assert "Alice gives you the apple." in dora.feed()
    Character.objects.filter(pk=dora.character.pk).update(room=tiny_world.kitchen)
    dora.post("drop", {"item": "apple"})
    factories.ItemFactory(world=tiny_world.world, room=None, character=tiny_world.player, slot=3, name="coin")
    assert alice.post("give", {"item": "coin", "target": "dora"}).status_code == 404


def test_give_to_someone_with_no_room_is_409(tiny_world, alice, dora):
    factories.ItemFactory(world=tiny_world.world, room=None, character=tiny_world.player, slot=6, name="barrel",
                          carry=Carry.LARGE)  # fmt: skip
    for slot in (0, 1, 6, 7):
        factories.ItemFactory(world=tiny_world.world, room=None, character=dora.character, slot=slot,
                              carry=Carry.LARGE if slot >= 6 else Carry.SMALL)  # fmt: skip
    assert alice.post("give", {"item": "barrel", "target": "dora"}).status_code == 409


def test_give_to_an_npc(tiny_world, alice):
    alice.post("take", {"item": "apple"})
    assert alice.post("give", {"item": "apple", "target": "bob"}).status_code == 200
    assert Item.objects.get(pk=tiny_world.apple.pk).character_id == tiny_world.npc.pk


def test_claim_only_unowned_or_your_own(tiny_world, alice, dora):
    response = alice.post("claim", {"item": "apple"})
    assert response.status_code == 200
    assert response.json()["item"]["owner"] == "Alice"
    assert alice.post("claim", {"item": "apple"}).status_code == 200  # yours already: fine
    taken = dora.post("claim", {"item": "apple"})
    assert taken.status_code == 403
    assert taken.json()["code"] == "owned_by_other"
    assert dora.post("unclaim", {"item": "apple"}).status_code == 403
    assert Item.objects.get(pk=tiny_world.apple.pk).owner_id == tiny_world.player.pk
    assert alice.post("unclaim", {"item": "apple"}).json()["item"]["owner"] is None
    assert alice.post("unclaim", {"item": "apple"}).status_code == 409


def test_claim_fixed_items_and_carried_items(tiny_world, alice):
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, name="bed", carry=Carry.FIXED, tags=["bed"])
    assert alice.post("claim", {"item": "bed"}).status_code == 200
    factories.ItemFactory(world=tiny_world.world, room=None, character=tiny_world.player, slot=0, name="ring")
    assert alice.post("claim", {"item": "ring"}).status_code == 200
    assert alice.post("claim", {"item": "crown"}).status_code == 404


def test_inventory_lists_the_slots(tiny_world, alice):
    alice.post("take", {"item": "apple"})
    body = alice.get("inventory").json()
    assert body["slots"][2]["item"]["name"] == "apple"
    assert "Small 1: apple" in body["message"]
    assert "Left Hand: [empty]" in body["message"]


def test_item_changes_request_a_save(tiny_world, alice):
    from tests.persistence.requests import save_requests_made

    for call in (
        lambda: alice.post("take", {"item": "apple"}),
        lambda: alice.post("drop", {"item": "apple"}),
        lambda: alice.post("claim", {"item": "apple"}),
        lambda: alice.patch("me", {"description": "new"}),
    ):
        assert save_requests_made(tiny_world.world, call) == 1  # one each, never two


def test_taking_someone_elses_item_is_seen_and_keeps_the_owner(tiny_world, alice, dora):
    Item.objects.filter(pk=tiny_world.apple.pk).update(owner=dora.character)
    assert alice.post("take", {"item": "apple"}).status_code == 200
    assert "Alice picks up the apple, which belongs to Dora." in dora.feed()
    assert Item.objects.get(pk=tiny_world.apple.pk).owner_id == dora.character.pk
