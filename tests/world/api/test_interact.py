"""Interaction API: menus from tags, every action's success and failure message, events, persistence."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from world import models
from world.services import interactions

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(tiny_world):
    return tiny_world.hall


def thing(world, room, name, *, tags=(), carry="small", **fields):
    return factories.ItemFactory(world=world, room=room, name=name, tags=list(tags), carry=carry, **fields)


def start(player, name, status=200):
    response = player.post("interact", {"object": name})
    assert response.status_code == status, response.json()
    return response.json()


def choose(player, choice, status=200):
    response = player.post("interact/choose", {"choice": choice})
    assert response.status_code == status, response.json()
    return response.json()


def labels(menu):
    return [a["label"] for a in menu["actions"]]


# Menus follow the tags exactly, in TinyMUD's order, always ending with Step Away.


def test_menu_for_every_tag(alice, tiny_world):
    t = tiny_world
    thing(t.world, t.hall, "everything", carry="small",
          tags=["weapon", "bed", "Edible: 5", "Drinkable: 7", "Container", "craft spot:gizmo", "cutting damage"])  # fmt: skip
    factories.ItemTemplateFactory(world=t.world, key="gizmo", name="Gizmo")
    menu = start(alice, "everything")
    assert labels(menu) == [
        "Pick Up", "Wield", "Sleep", "Eat (+5)", "Drink (+7)", "Open", "Search", "Craft Gizmo", "Cut", "Step Away",
    ]  # fmt: skip
    assert [a["number"] for a in menu["actions"]] == list(range(1, 11))
    assert menu["message"].startswith("Interactions for everything:\n1. Pick Up")


def test_menu_for_an_exit_is_move_through(alice):
    menu = start(alice, "kitchen door")
    assert menu["kind"] == "exit"
    assert labels(menu) == ["Move Through", "Step Away"]


def test_fixed_items_and_bare_nutrition_tags_offer_less(alice, tiny_world):
    thing(tiny_world.world, tiny_world.hall, "statue", carry="fixed", tags=["Edible", "Drinkable: x"])
    assert labels(start(alice, "statue")) == ["Step Away"]


def test_unknown_and_ambiguous_objects(alice, tiny_world):
    assert start(alice, "unicorn", 404)["code"] == "not_found"
    thing(tiny_world.world, tiny_world.hall, "apple pie")
    assert start(alice, "app", 409)["details"]["candidates"] == ["apple", "apple pie"]


# Choosing


def test_choose_by_number_label_prefix_and_cancel(alice, tiny_world):
    start(alice, "apple")
    assert choose(alice, "eat")["action"] == "Eat (+10)"  # unique prefix, any case
    thing(tiny_world.world, tiny_world.hall, "pear", tags=["Edible: 3"])
    start(alice, "pear")
    assert choose(alice, "STEP AWAY")["message"] == "You step away from the pear."
    start(alice, "pear")
    assert choose(alice, 3)["action"] == "Step Away"
    start(alice, "pear")
    assert choose(alice, "back")["action"] == "Step Away"
    start(alice, "pear")
    assert alice.post("interact/cancel").json()["message"] == "You step away from the pear."


def test_choice_not_understood_keeps_the_menu(alice):
    start(alice, "apple")
    error = choose(alice, "dance", 422)
    assert error["message"].startswith("I didn't catch that")
    assert [a["label"] for a in error["details"]["actions"]] == ["Pick Up", "Eat (+10)", "Step Away"]
    assert choose(alice, 9, 422)["code"] == "unknown_choice"
    assert choose(alice, "1")["action"] == "Pick Up"


def test_no_open_interaction(alice):
    assert choose(alice, 1, 409)["code"] == "no_interaction"
    assert alice.post("interact/cancel").status_code == 409


def test_interaction_expires(alice, settings):
    start(alice, "apple")
    models.InteractionSession.objects.update(updated_at=timezone.now() - timedelta(seconds=301))
    assert choose(alice, 1, 409)["code"] == "no_interaction"
    start(alice, "apple")
    assert choose(alice, 1)["action"] == "Pick Up"


def test_one_open_interaction_per_character(alice, tiny_world):
    thing(tiny_world.world, tiny_world.hall, "stone")
    start(alice, "apple")
    start(alice, "stone")
    assert models.InteractionSession.objects.get().target_name == "stone"


def test_object_gone_before_choice(alice, tiny_world):
    start(alice, "apple")
    tiny_world.apple.delete()
    assert choose(alice, 1, 409)["message"] == "The apple is no longer here."


# Move Through


def test_move_through_an_exit(alice, tiny_world):
    start(alice, "kitchen door")
    result = choose(alice, "Move Through")
    assert result["message"] == "You move through the kitchen door."
    assert models.Character.objects.get(pk=tiny_world.player.pk).room == tiny_world.kitchen


def test_move_through_a_locked_exit(alice, tiny_world):
    models.Exit.objects.filter(pk=tiny_world.door_out.pk).update(is_locked=True)
    start(alice, "kitchen door")
    assert choose(alice, 1, 403)["code"] == "locked"


# Pick Up


def test_pick_up_stows_by_size_then_hands(alice, tiny_world):
    t = tiny_world
    thing(t.world, t.hall, "barrel", carry="large")
    start(alice, "barrel")
    result = choose(alice, "Pick Up")
    assert result["message"] == "You pick up the barrel."
    assert result["data"]["slot"] == 6
    start(alice, "apple")
    assert choose(alice, "Pick Up")["data"]["slot"] == 2
    factories.ItemFactory(world=t.world, room=None, character=t.player, slot=7, carry="large", name="sack")
    thing(t.world, t.hall, "crate", carry="large")
    start(alice, "crate")
    assert choose(alice, 1)["data"]["slot"] == 1  # large slots full: the right hand


def test_pick_up_with_no_room(alice, tiny_world):
    t = tiny_world
    for slot in (0, 1, 6, 7):
        factories.ItemFactory(
            world=t.world, room=None, character=t.player, slot=slot, carry="large", name=f"rock{slot}"
        )
    thing(t.world, t.hall, "anvil", carry="large")
    start(alice, "anvil")
    assert choose(alice, 1, 409)["message"] == "No large slot available to stow it, and your hands are full."


def test_pick_up_someone_elses_item_is_theft(alice, tiny_world, play):
    t = tiny_world
    watcher = play(factories.CharacterFactory(world=t.world, room=t.hall, name="Carol"))
    thing(t.world, t.hall, "purse", owner=t.npc)
    start(alice, "purse")
    choose(alice, "Pick Up")
    item = models.Item.objects.get(name="purse")
    assert (item.character_id, item.room_id) == (t.player.pk, None)  # in one place only
    assert "Alice picks up the purse, which belongs to Bob!" in watcher.feed()
    theft = models.Event.objects.filter(kind="theft", recipient=watcher.character).get()
    assert theft.data == {"item": "purse", "owner": "Bob", "theft": True, "room": "hall"}
    assert item.owner == t.npc  # taking is not owning


def test_pick_up_unowned_is_an_ordinary_take(alice, tiny_world, play):
    watcher = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Carol"))
    start(alice, "apple")
    choose(alice, 1)
    assert "Alice picks up the apple." in watcher.feed()
    assert not models.Event.objects.filter(kind="theft").exists()


def test_carried_items_offer_no_pick_up(alice, tiny_world):
    models.Item.objects.filter(pk=tiny_world.apple.pk).update(room=None, character=tiny_world.player, slot=2)
    assert labels(start(alice, "apple")) == ["Eat (+10)", "Step Away"]


# Wield


def test_wield_from_the_floor_equips(alice, tiny_world):
    thing(tiny_world.world, tiny_world.hall, "sword", tags=["weapon"])
    start(alice, "sword")
    assert choose(alice, "Wield")["message"] == "You wield the sword in your right hand."
    player = models.Character.objects.get(pk=tiny_world.player.pk)
    assert player.equipped_weapon.name == "sword"
    assert player.equipped_weapon.slot == 1
    start(alice, "sword")
    assert choose(alice, "Wield")["message"] == "You are already holding the sword."


def test_wield_from_a_stow_slot_and_full_hands(alice, tiny_world):
    t = tiny_world
    factories.ItemFactory(world=t.world, room=None, character=t.player, slot=3, name="dagger", tags=["weapon"])
    start(alice, "dagger")
    assert choose(alice, "Wield")["message"] == "You wield the dagger in your right hand."
    factories.ItemFactory(world=t.world, room=None, character=t.player, slot=0, name="torch")
    thing(t.world, t.hall, "axe", tags=["weapon"])
    start(alice, "axe")
    assert choose(alice, "Wield", 409)["message"] == "Your hands are full."


# Sleep


def test_sleep_in_own_bed_restores_and_sets_respawn(alice, tiny_world, play):
    t = tiny_world
    watcher = play(factories.CharacterFactory(world=t.world, room=t.hall, name="Carol"))
    models.Character.objects.filter(pk=t.player.pk).update(sleep=20)
    bed = thing(t.world, t.hall, "cot", carry="fixed", tags=["Bed"], owner=t.player)
    start(alice, "cot")
    assert choose(alice, "Sleep")["message"] == "You feel well rested. This bed is now where you wake up."
    player = models.Character.objects.get(pk=t.player.pk)
    assert (player.sleep, player.home_bed) == (100, bed)
    assert "Alice takes a quick rest on their bed." in watcher.feed()


def test_sleep_only_in_your_own_bed(alice, tiny_world):
    thing(tiny_world.world, tiny_world.hall, "cot", carry="fixed", tags=["bed"], owner=tiny_world.npc)
    start(alice, "cot")
    assert choose(alice, "Sleep", 403)["message"] == "You can only sleep in a bed you own."
    thing(tiny_world.world, tiny_world.hall, "mat", carry="fixed", tags=["bed"])
    start(alice, "mat")
    assert choose(alice, "Sleep", 403)["message"] == "You can only sleep in a bed you own."


def test_sleep_on_a_carried_bed(alice, tiny_world):
    t = tiny_world
    factories.ItemFactory(world=t.world, room=None, character=t.player, slot=2, name="bedroll", tags=["bed"],
                          owner=t.player)  # fmt: skip
    start(alice, "bedroll")
    assert choose(alice, "Sleep", 409)["message"] == "You can't sleep on that: put it down first."


# Eat and Drink


def test_eat_raises_hunger_removes_item_and_leaves_outputs(alice, tiny_world):
    t = tiny_world
    factories.ItemTemplateFactory(world=t.world, key="core", name="Apple Core")
    models.Item.objects.filter(pk=t.apple.pk).update(deconstruct_recipe=["core"])
    models.Character.objects.filter(pk=t.player.pk).update(hunger=50)
    start(alice, "apple")
    result = choose(alice, "Eat (+10)")
    assert result["message"] == "You eat the apple. The following appeared on the floor: Apple Core."
    assert models.Character.objects.get(pk=t.player.pk).hunger == 60
    assert not models.Item.objects.filter(pk=t.apple.pk).exists()
    assert models.Item.objects.get(name="Apple Core").room == t.hall


def test_drink_clamps_thirst_at_100(alice, tiny_world):
    t = tiny_world
    models.Character.objects.filter(pk=t.player.pk).update(thirst=95)
    factories.ItemFactory(world=t.world, room=None, character=t.player, slot=2, name="water", tags=["Drinkable: 30"])
    start(alice, "water")
    assert choose(alice, "drink")["message"] == "You drink the water."
    assert models.Character.objects.get(pk=t.player.pk).thirst == 100


# Containers


@pytest.fixture
def chest(tiny_world):
    t = tiny_world
    factories.ItemTemplateFactory(world=t.world, key="ring", name="Ring", loot_hint="Old Chest")
    factories.ItemTemplateFactory(world=t.world, key="helm", name="Helm", carry="large", loot_hint="old chest")
    factories.ItemTemplateFactory(world=t.world, key="shoe", name="Shoe", loot_hint="Wardrobe")
    return thing(t.world, t.hall, "Old Chest", carry="fixed", tags=["Container"])


@pytest.fixture
def lucky(monkeypatch):
    class Always(random.Random):
        def random(self):
            return 0.0  # under any chance: the search finds something

    monkeypatch.setattr(interactions, "loot_rng", Always(7))


@pytest.fixture
def unlucky(monkeypatch):
    class Never(random.Random):
        def random(self):
            return 0.99

    monkeypatch.setattr(interactions, "loot_rng", Never(7))


def test_open_needs_a_search_first(alice, chest):
    start(alice, "chest")
    assert choose(alice, "Open", 409)["message"] == "You should search the Old Chest before opening it."


def test_search_finds_hinted_loot_once(alice, chest, lucky):
    start(alice, "chest")
    result = choose(alice, "Search")
    assert result["data"]["found"] in {"Ring", "Helm"}  # never the Wardrobe's shoe
    assert result["message"] == f"You search the Old Chest. You find a {result['data']['found']}!"
    found = models.Item.objects.get(container=chest)
    assert found.container_slot == (0 if found.carry == "small" else 2)
    start(alice, "chest")
    assert choose(alice, "Search", 409)["message"] == "You've already searched the Old Chest."


def test_search_randomness_is_seedable(alice, chest, tiny_world, monkeypatch):
    def search_with_seed(seed):
        models.Item.objects.filter(pk=chest.pk).update(container_searched=False)
        models.Item.objects.filter(container=chest).delete()
        monkeypatch.setattr(interactions, "loot_rng", random.Random(seed))
        start(alice, "chest")
        return choose(alice, "Search")["data"]["found"]

    outcomes = [search_with_seed(seed) for seed in range(30)]
    assert outcomes == [search_with_seed(seed) for seed in range(30)]
    assert None in outcomes  # mostly nothing (a 20 % chance)...
    assert {"Ring", "Helm"} & set(outcomes)  # ...but sometimes loot


def test_search_finds_nothing(alice, chest, unlucky):
    start(alice, "chest")
    assert choose(alice, "Search")["message"] == "You search the Old Chest. You don't find anything of value."


def test_open_lists_contents_and_they_can_be_taken_out(alice, chest, lucky, tiny_world, play):
    watcher = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Carol"))
    start(alice, "chest")
    found = choose(alice, "Search")["data"]["found"]
    start(alice, "chest")
    opened = choose(alice, "Open")
    size = "Small" if found == "Ring" else "Large"
    assert opened["message"].startswith("You open the Old Chest. Inside:")
    assert f"{size}: {found}" in opened["message"]
    assert opened["closed"] is False
    assert f"Take {found}" in labels(opened)
    taken = choose(alice, f"Take {found}")
    assert taken["message"] == f"You take the {found} from the Old Chest."
    assert models.Item.objects.get(name=found).character_id == tiny_world.player.pk
    assert f"Alice takes the {found} from the Old Chest." in watcher.feed()
    start(alice, "chest")
    assert choose(alice, "Open")["message"] == "You open the Old Chest. It's empty."


# Crafting


@pytest.fixture
def forge(tiny_world):
    t = tiny_world
    factories.ItemTemplateFactory(world=t.world, key="sword", name="Iron Sword", carry="large",
                                  crafting_recipe=["Iron Ingot", "Iron Ingot", "Leather"], tags=["weapon"])  # fmt: skip
    return thing(t.world, t.hall, "forge", carry="fixed", tags=["craft spot:sword"])


def carry(t, name, slot):
    return factories.ItemFactory(world=t.world, room=None, character=t.player, slot=slot, name=name)


def test_craft_consumes_components_and_creates_the_product(alice, tiny_world, forge, play):
    t = tiny_world
    watcher = play(factories.CharacterFactory(world=t.world, room=t.hall, name="Carol"))
    for slot, name in [(2, "Iron Ingot"), (3, "iron ingot"), (4, "Leather"), (5, "Pebble")]:
        carry(t, name, slot)
    start(alice, "forge")
    assert choose(alice, "Craft Iron Sword")["message"] == "You craft a Iron Sword."
    carried = set(models.Item.objects.filter(character=t.player).values_list("name", flat=True))
    assert carried == {"Pebble", "Iron Sword"}
    assert models.Item.objects.get(name="Iron Sword").slot == 6
    assert "Alice crafts a Iron Sword." in watcher.feed()


def test_craft_lists_missing_components(alice, tiny_world, forge):
    carry(tiny_world, "Iron Ingot", 2)
    start(alice, "forge")
    error = choose(alice, "craft", 409)
    assert error["message"] == "You lack the required components to craft this: Iron Ingot, Leather"
    assert error["details"]["missing"] == {"Iron Ingot": 1, "Leather": 1}
    assert models.Item.objects.filter(character=tiny_world.player).count() == 1  # nothing consumed


def test_craft_is_throttled(alice, tiny_world, forge):
    t = tiny_world
    for slot, name in [(2, "Iron Ingot"), (3, "Iron Ingot"), (4, "Leather")]:
        carry(t, name, slot)
    start(alice, "forge")
    choose(alice, "craft")
    start(alice, "forge")
    assert choose(alice, "craft", 429)["code"] == "throttled"


def test_craft_with_a_missing_template(alice, tiny_world):
    thing(tiny_world.world, tiny_world.hall, "old bench", carry="fixed", tags=["craft spot:teapot"])
    start(alice, "bench")
    assert labels(start(alice, "bench")) == ["Craft teapot", "Step Away"]
    assert choose(alice, 1, 409)["message"] == "Crafting failed: template 'teapot' not found."


def test_craft_at_a_misconfigured_spot(alice, tiny_world):
    thing(tiny_world.world, tiny_world.hall, "broken bench", carry="fixed", tags=["craft spot:"])
    start(alice, "broken")
    assert choose(alice, "Craft", 409)["message"] == "This crafting spot is misconfigured or offers nothing to craft."


def test_cut(alice, tiny_world):
    thing(tiny_world.world, tiny_world.hall, "rope", tags=["cutting damage"])
    start(alice, "rope")
    assert choose(alice, "Cut")["message"] == "You attempt to cut the rope."


# Every effect is in the room's feed and saved through the façade, once per burst.


def test_starting_is_seen_by_the_room(alice, tiny_world, play):
    watcher = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Carol"))
    start(alice, "apple")
    assert "Alice examines the apple." in watcher.feed()


def test_effects_request_a_save(alice, tiny_world, monkeypatch):
    requested = []
    monkeypatch.setattr(interactions.facade, "save_world", lambda world, **kw: requested.append((world.pk, kw)))
    start(alice, "apple")
    choose(alice, "Eat")
    assert requested == [(tiny_world.world.pk, {})]  # debounced (the default), never immediate
