"""The offline faction generator (TinyMUD's Iron Vanguard), in one transaction."""

from __future__ import annotations

import pytest

from tests import factories
from world import models
from world.services import factions as faction_services

pytestmark = pytest.mark.django_db


def test_generates_the_iron_vanguard(build, tiny_world):
    square = factories.RoomFactory(world=tiny_world.world, key="town_square", name="Town Square")
    answer = build.post("factiongen")
    assert answer.status == 201, answer.body
    faction = models.Faction.objects.get(world=tiny_world.world, name="Iron Vanguard")
    assert [(r.name, r.level) for r in faction.ranks.order_by("level")] == [
        ("Recruit", 1),
        ("Soldier", 2),
        ("Captain", 5),
        ("Commander", 10),
    ]
    rooms = {r.key: r for r in models.Room.objects.filter(faction=faction)}
    assert set(rooms) == {"iron_vanguard_hall", "iron_vanguard_bunks", "iron_vanguard_kitchen"}
    hall = rooms["iron_vanguard_hall"]
    doors = {(e.source.key, e.destination.key) for e in models.Exit.objects.filter(world=tiny_world.world)}
    for other in ("iron_vanguard_bunks", "iron_vanguard_kitchen"):
        assert (hall.key, other) in doors
        assert (other, hall.key) in doors
    memberships = models.FactionMembership.objects.filter(faction=faction).select_related("rank", "character")
    assert sorted(m.rank.name for m in memberships) == ["Captain", "Commander", "Soldier"]
    for membership in memberships:
        npc = membership.character
        bed = models.Item.objects.get(owner=npc)
        assert (bed.carry, bed.tags, bed.faction) == ("fixed", ["bed"], faction)
        assert npc.home_bed == bed
    assert faction.leader.name == "Commander Hale"
    kitchen = rooms["iron_vanguard_kitchen"]
    assert models.Item.objects.get(room=kitchen, name="Food Crate").tags == ["Edible: 30"]
    assert models.Item.objects.get(room=kitchen, name="Water Cask").tags == ["Drinkable: 30"]
    path = models.Exit.objects.get(source=square, destination=hall)
    back = models.Exit.objects.get(source=hall, destination=square)
    assert (path.name, back.name) == ("path to Iron Vanguard", "exit to world")
    assert answer.body["anchor"] == "town_square"
    assert models.Relationship.objects.filter(label="comrade").count() == 6


def test_anchor_scoring_prefers_the_best_match(tiny_world):
    world = tiny_world.world
    factories.RoomFactory(world=world, key="inn", name="The Sleepy Inn")
    best = factories.RoomFactory(world=world, key="tavern_square", name="Tavern on the Square")
    factories.RoomFactory(world=world, key="dinner_hall", name="Dinner Hall")  # "inn" inside a word: no match
    assert faction_services.anchor_room(world=world, exclude=set()) == best


def test_without_a_matching_room_the_start_room_is_the_anchor(build, tiny_world):
    answer = build.post("factiongen")
    assert answer.body["anchor"] == "hall"


def test_generation_is_all_or_nothing(build, tiny_world, monkeypatch):
    def fail(**kwargs):
        raise faction_services.Conflict("simulated failure at the last step")

    monkeypatch.setattr(faction_services, "anchor_room", fail)
    assert build.post("factiongen").status == 409
    assert not models.Faction.objects.exists()
    assert models.Room.objects.filter(world=tiny_world.world).count() == 2
    assert models.Character.objects.filter(world=tiny_world.world).count() == 2


def test_a_second_run_is_refused(build, tiny_world):
    assert build.post("factiongen").status == 201
    assert build.post("factiongen").status == 409
