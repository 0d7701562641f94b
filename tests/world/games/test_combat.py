"""Combat: TinyMUD's formula and morale, deaths, flee through unlocked exits, every refusal a 4xx."""

from __future__ import annotations

import random

import pytest

from tests import factories
from world.models import Character, Item, Violence
from world.services import combat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded(monkeypatch):
    monkeypatch.setattr(combat, "combat_rng", random.Random(1))


@pytest.fixture
def mara(tiny_world):
    return factories.NpcFactory(world=tiny_world.world, room=tiny_world.hall, name="Captain Mara", hp=20, max_hp=20)


def test_damage_formula_with_weapon_and_armour(tiny_world, alice, mara):
    sword = factories.ItemFactory(
        world=tiny_world.world, character=tiny_world.player, slot=1, room=None, name="sword", weapon_damage=4
    )
    Character.objects.filter(pk=tiny_world.player.pk).update(equipped_weapon=sword, strength=12)
    factories.ItemFactory(world=tiny_world.world, character=mara, slot=0, room=None, name="shield", armor_defense=3)
    response = alice.post("attack", {"target": "Captain Mara"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["damage"] == 12 // 2 + 4 - 3
    assert body["target"]["hp"] == 13
    assert Violence.objects.filter(attacker=tiny_world.player, target=mara, damage=7).exists()


def test_full_and_fuzzy_names(tiny_world, alice, mara):
    assert alice.post("attack", {"target": "captain ma"}).json()["target"]["name"] == "Captain Mara"


def test_npc_yields_at_thirty_percent_then_is_refused(tiny_world, alice, mara):
    Character.objects.filter(pk=mara.pk).update(hp=8)
    body = alice.post("attack", {"target": "Mara"}).json()
    assert body["yielded"] and "yields" in body["message"]
    again = alice.post("attack", {"target": "Mara"})
    assert again.status_code == 409 and again.json()["code"] == "target_yielded"


def test_slain_npc_leaves_play_and_drops_its_inventory(tiny_world, alice, mara):
    Character.objects.filter(pk=mara.pk).update(hp=1)
    factories.ItemFactory(world=tiny_world.world, character=mara, slot=2, room=None, name="coin purse")
    slain = []
    combat.character_slain.connect(lambda **kw: slain.append((kw["killer"].name, kw["victim"].name)), weak=False)
    body = alice.post("attack", {"target": "Mara"}).json()
    assert body["killed"] and body["dropped"] == ["coin purse"]
    mara.refresh_from_db()
    assert mara.is_dead and mara.room is None
    assert Item.objects.get(name="coin purse").room == tiny_world.hall
    assert slain[-1] == ("Alice", "Captain Mara")
    assert alice.post("attack", {"target": "Mara"}).status_code == 404


def test_player_respawns_at_start_room(tiny_world, alice, play):
    carol_row = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.kitchen, name="Carol", hp=1)
    Character.objects.filter(pk=tiny_world.player.pk).update(room=tiny_world.kitchen)
    body = alice.post("attack", {"target": "Carol"}).json()
    assert body["killed"] and body["respawned_in"]["key"] == "hall"
    carol_row.refresh_from_db()
    assert not carol_row.is_dead and carol_row.hp == carol_row.max_hp and carol_row.room == tiny_world.hall
    assert any("hits you" in line for line in play(carol_row).feed())


def test_permadeath(tiny_world, alice, settings):
    settings.MUDSITE_PERMADEATH = True
    carol = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Carol", hp=1)
    assert alice.post("attack", {"target": "Carol"}).json()["killed"]
    carol.refresh_from_db()
    assert carol.is_dead
    assert alice.post("attack", {"target": "Carol"}).json()["code"] == "target_dead"


@pytest.mark.parametrize(
    ("target", "status", "code"), [("Alice", 422, "attack_self"), ("Nobody", 404, "not_found"), ("", 422, None)]
)
def test_refusals_change_nothing(tiny_world, alice, target, status, code):
    response = alice.post("attack", {"target": target})
    assert response.status_code in (status, 404), response.json()
    if code:
        assert response.json()["code"] == code
    assert not Violence.objects.exists()


def test_dead_cannot_attack_and_safe_rooms_forbid(tiny_world, alice, mara):
    Character.objects.filter(pk=tiny_world.player.pk).update(is_dead=True)
    assert alice.post("attack", {"target": "Mara"}).json()["code"] == "dead"
    Character.objects.filter(pk=tiny_world.player.pk).update(is_dead=False)
    tiny_world.hall.tags = ["safe"]
    tiny_world.hall.save()
    response = alice.post("attack", {"target": "Mara"})
    assert response.status_code == 403 and response.json()["code"] == "safe_room"


def test_witnesses_see_the_blow(tiny_world, alice, play, mara):
    carol = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Carol"))
    alice.post("attack", {"target": "Mara"})
    assert any(line.startswith("Alice hits Captain Mara") for line in carol.feed())
    assert any(line.startswith("You hit Captain Mara") for line in alice.feed())


def test_flee_goes_through_an_unlocked_exit_only(tiny_world, alice, play):
    locked = factories.RoomFactory(world=tiny_world.world, key="vault")
    factories.ExitFactory(
        world=tiny_world.world, source=tiny_world.hall, destination=locked, name="vault door", is_locked=True
    )
    for _ in range(5):
        Character.objects.filter(pk=tiny_world.player.pk).update(room=tiny_world.hall)
        response = alice.post("flee")
        assert response.status_code == 200, response.json()
        assert response.json()["room"]["key"] == "kitchen"
    tiny_world.player.refresh_from_db()
    assert tiny_world.player.room == tiny_world.kitchen
    assert Violence.objects.filter(kind="flee").count() == 5


def test_flee_with_every_exit_locked_is_409(tiny_world, alice):
    tiny_world.door_out.is_locked = True
    tiny_world.door_out.save()
    response = alice.post("flee")
    assert response.status_code == 409 and response.json()["code"] == "no_escape"
