"""Item templates (all of TinyMUD's wizard fields) and items spawned into rooms, inventories and containers."""

from __future__ import annotations

import pytest

from tests import factories
from world import models

pytestmark = pytest.mark.django_db

SWORD = {
    "key": "iron sword",
    "name": "Iron Sword",
    "description": "A plain, well-balanced blade.",
    "tags": ["weapon", "cutting damage", "large"],
    "material": "iron",
    "value": 25,
    "durability": 80,
    "quality": "average",
    "loot_hint": "Weapon Rack",
    "crafting_recipe": ["iron ingot", "iron ingot", "leather strip"],
    "deconstruct_recipe": [],
    "weapon_damage": 6,
    "weapon_type": "sword",
}


def test_template_crud_with_every_field(build, tiny_world):
    created = build.post("templates", SWORD)
    assert created.status == 201, created.body
    template = created.body["template"]
    assert template["key"] == "iron_sword"
    assert template["carry"] == "large"  # TinyMUD's carry tag became the field
    assert template["tags"] == ["weapon", "cutting damage"]
    assert template["crafting_recipe"] == ["iron ingot", "iron ingot", "leather strip"]
    assert build.get("templates/IRON_SWORD").body["weapon_damage"] == 6
    assert build.get("templates").body["count"] == 1
    updated = build.patch("templates/iron_sword", {"value": 30, "armor_defense": 1, "armor_type": "parry"})
    assert updated.status == 200
    assert (updated.body["template"]["value"], updated.body["template"]["armor_type"]) == (30, "parry")
    assert updated.body["template"]["tags"] == ["weapon", "cutting damage"]  # untouched by a partial update
    assert build.delete("templates/iron_sword").status == 200
    assert build.get("templates/iron_sword").status == 404


def test_satiation_and_hydration_become_tags(build, tiny_world):
    body = {"key": "stew", "name": "Stew", "description": "Thick and hot.", "satiation": 20, "hydration": 5}
    template = build.post("templates", body).body["template"]
    assert template["tags"] == ["Edible: 20", "Drinkable: 5"]
    assert template["carry"] == "small"


@pytest.mark.parametrize(
    "change",
    [
        {"key": "Iron_Sword"},  # duplicate, case-insensitively
        {"description": ""},
        {"tags": ["Edible: lots"]},
        {"tags": ["Travel Point"]},
        {"value": -1},
        {"carry": "huge"},
    ],
)
def test_template_refusals(build, tiny_world, change):
    build.post("templates", SWORD)
    answer = build.post("templates", {**SWORD, "key": "other", **change})
    assert answer.status in (409, 422), answer.body


def test_spawn_from_a_template_into_a_room_with_overrides(build, tiny_world):
    build.post("templates", SWORD)
    answer = build.post("items", {"template": "iron_sword", "room": "kitchen", "name": "Notched Sword"})
    assert answer.status == 201, answer.body
    item = models.Item.objects.get(uuid=answer.body["item"]["uuid"])
    assert (item.name, item.room, item.template.key, item.weapon_damage) == (
        "Notched Sword",
        tiny_world.kitchen,
        "iron_sword",
        6,
    )
    assert "from template 'iron_sword'" in answer.message


def test_spawn_ad_hoc_into_an_inventory_slot(build, tiny_world):
    answer = build.post("items", {"name": "coin purse", "character": "alice"})
    assert answer.status == 201, answer.body
    assert (answer.body["item"]["character"], answer.body["item"]["slot"]) == ("Alice", 2)  # first small slot
    hands = build.post("items", {"name": "torch", "character": "Alice", "slot": 0})
    assert hands.body["item"]["slot"] == 0
    assert build.post("items", {"name": "rock", "character": "Alice", "slot": 0}).status == 409
    assert build.post("items", {"name": "cart", "carry": "large", "character": "Alice", "slot": 3}).status == 422
    assert build.post("items", {"name": "anvil", "carry": "fixed", "character": "Alice"}).status == 422


def test_inventory_fills_up(build, tiny_world):
    for _ in range(6):  # four small slots, then two hands
        assert build.post("items", {"name": "pebble", "character": "Alice"}).status == 201
    assert build.post("items", {"name": "pebble", "character": "Alice"}).status == 409


def test_spawn_into_a_container(build, tiny_world):
    chest = factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, name="chest", tags=["Container"])
    answer = build.post("items", {"name": "ring", "container": str(chest.uuid)})
    assert answer.status == 201, answer.body
    assert answer.body["item"]["container_slot"] == 0
    big = build.post("items", {"name": "shield", "carry": "large", "container": str(chest.uuid)})
    assert big.body["item"]["container_slot"] == 2
    not_a_box = build.post("items", {"name": "ring", "container": str(tiny_world.apple.uuid)})
    assert not_a_box.status == 422


def test_spawn_needs_exactly_one_place_and_a_name(build, tiny_world):
    assert build.post("items", {"name": "x"}).status == 422
    assert build.post("items", {"name": "x", "room": "hall", "character": "Alice"}).status == 422
    assert build.post("items", {"room": "hall"}).status == 422
    assert build.post("items", {"template": "nothing", "room": "hall"}).status == 404


def test_list_read_and_delete_items(build, tiny_world):
    chest = factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, name="chest", tags=["Container"])
    build.post("items", {"name": "ring", "container": str(chest.uuid)})
    listed = build.get("items", room="hall")
    assert sorted(i["name"] for i in listed.body["items"]) == ["apple", "chest"]
    assert build.get(f"items/{chest.uuid}").body["name"] == "chest"
    gone = build.delete(f"items/{chest.uuid}")
    assert gone.body["removed"] == 2  # the chest and the ring inside
    assert not models.Item.objects.filter(name="ring").exists()
