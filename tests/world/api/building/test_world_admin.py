"""Teleport, bring, kick, builders, safety, time descriptions and purge (TinyMUD's core admin commands)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.world.api.building.conftest import Api
from world import models

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "level"),
    [("g", "G"), ("HIGH", "G"), ("all-ages", "G"), ("PG", "PG-13"), ("pg_13", "PG-13"), ("medium", "PG-13"),
     ("low", "R"), ("none", "OFF"), ("No Filters", "OFF"), ("safety filters off", "OFF"), ("disabled", "OFF")],
)  # fmt: skip
def test_safety_level_and_its_aliases(build, tiny_world, raw, level):
    answer = build.patch("settings", {"safety_level": raw})
    assert answer.status == 200, answer.body
    assert answer.body["world"]["safety_level"] == level


def test_settings_refusals_and_world_set(build, tiny_world):
    bad = build.patch("settings", {"safety_level": "XXX"})
    assert bad.status == 422
    assert bad.message == "Invalid safety level. Use one of: G, PG-13, R, OFF."
    answer = build.patch("settings", {"name": "Tiny Realm", "conflict": "Mice.", "advanced_goap": "on"})
    assert answer.body["world"]["name"] == "Tiny Realm"
    assert answer.body["world"]["advanced_goap"] is True
    assert build.get("settings").body["conflict"] == "Mice."


def test_switching_goap_mode_clears_plan_queues(build, tiny_world):
    models.Character.objects.filter(pk=tiny_world.npc.pk).update(sheet={"plan_queue": [{"tool": "idle"}]})
    build.patch("settings", {"advanced_goap": True})
    tiny_world.npc.refresh_from_db()
    assert tiny_world.npc.sheet["plan_queue"] == []


def test_hourly_time_descriptions(build, tiny_world):
    assert build.put("timedesc/6", {"text": "Dawn breaks."}).status == 200
    assert build.put("timedesc/23", {"text": "Midnight nears."}).body["world"]["time_descriptions"] == {
        "6": "Dawn breaks.",
        "23": "Midnight nears.",
    }
    assert build.put("timedesc/24", {"text": "Never."}).status == 422
    assert build.delete("timedesc/6").body["world"]["time_descriptions"] == {"23": "Midnight nears."}


def test_teleport_a_character_or_yourself(build, tiny_world, builder):
    answer = build.post("teleport", {"character": "ali", "room": "kitch"})
    assert answer.status == 200, answer.body
    assert answer.message == "Teleport complete: Alice is in 'kitchen'."
    tiny_world.player.refresh_from_db()
    assert tiny_world.player.room == tiny_world.kitchen
    assert build.post("teleport", {"room": "kitchen"}).status == 422  # the builder has no character here
    factories.CharacterFactory(world=tiny_world.world, account=builder, room=tiny_world.hall, name="Mason")
    assert build.post("teleport", {"room": "kitchen"}).body["character"]["name"] == "Mason"
    assert build.post("teleport", {"character": "Alice", "room": "moon"}).status == 404


def test_bring_moves_someone_to_your_room(build, tiny_world, builder):
    assert build.post("bring", {"character": "Bob"}).status == 422
    factories.CharacterFactory(world=tiny_world.world, account=builder, room=tiny_world.kitchen, name="Mason")
    answer = build.post("bring", {"character": "Bob"})
    assert answer.status == 200, answer.body
    tiny_world.npc.refresh_from_db()
    assert tiny_world.npc.room == tiny_world.kitchen


def test_kick_drops_the_player_from_this_world_only(build, tiny_world):
    """Issue 9.5: tokens are account-wide, so a kick must not revoke them (that logged the player out of
    every world). Credentials from before the kick stop acting here; a fresh login comes back."""
    alice = tiny_world.player.account
    elsewhere = factories.WorldFactory(slug="elsewhere")
    room = factories.RoomFactory(world=elsewhere, key="yard")
    factories.CharacterFactory(world=elsewhere, room=room, account=alice, name="Alice")
    before = Api(alice)
    assert before.get("/api/worlds/tiny/play/look").status == 200
    answer = build.post("kick", {"player": "alice"})
    assert answer.status == 200, answer.body
    assert answer.body["tokens_revoked"] == 0
    kicked = before.get("/api/worlds/tiny/play/look")
    assert kicked.status == 401 and kicked.body["code"] == "kicked"
    assert before.post("/api/worlds/tiny/play/say", {"text": "still here?"}).status == 401
    assert before.get("/api/worlds/elsewhere/play/look").status == 200
    assert before.get("/api/auth/me").status == 200
    session = Client()
    session.force_login(alice)  # a session from before the kick has no login time: refused as well
    assert session.get("/api/worlds/tiny/play/look").status_code == 401
    assert Api(alice).get("/api/worlds/tiny/play/look").status == 200  # a new login after the kick


def test_kick_refusals(build, tiny_world, builder):
    assert build.post("kick", {"player": "Bob"}).status == 404  # NPCs are not players
    factories.CharacterFactory(world=tiny_world.world, account=builder, room=tiny_world.hall, name="Mason")
    assert build.post("kick", {"player": "Mason"}).message == "You cannot kick yourself."
    boss = factories.UserFactory(is_staff=True)
    factories.CharacterFactory(world=tiny_world.world, account=boss, room=tiny_world.hall, name="Boss")
    assert build.post("kick", {"player": "Boss"}).status == 403


def test_promote_and_demote_builders(build, tiny_world, builder):
    factories.UserFactory(username="carol")
    assert build.get("builders").body["builders"] == ["mason"]
    promoted = build.post("builders", {"username": "Carol"})
    assert promoted.status == 200
    assert promoted.body["builders"] == ["carol", "mason"]
    assert build.post("builders", {"username": "carol"}).status == 409
    assert build.post("builders", {"username": "nobody"}).status == 404
    assert build.delete("builders/mason").status == 200
    assert tiny_world.world.builders.count() == 1
    last = Api(factories.UserFactory(is_staff=True)).delete("/api/worlds/tiny/build/builders/carol")
    assert last.status == 409
    assert last.message == "Cannot demote the last remaining builder."


def test_purge_needs_the_slug_as_confirmation(build, tiny_world):
    assert build.post("purge", {"confirm": "yes"}).status == 422
    assert build.post("purge", {}).status == 422
    assert models.Room.objects.filter(world=tiny_world.world).count() == 2


def test_purge_resets_the_world_and_saves_at_once(build, tiny_world, builder, monkeypatch):
    t = tiny_world
    faction = factories.FactionFactory(world=t.world)
    models.FactionMembership.objects.create(faction=faction, character=t.npc)
    other_faction = factories.FactionFactory(world=t.world)
    models.FactionLink.objects.create(
        faction_a=min(faction, other_faction, key=lambda f: f.pk),
        faction_b=max(faction, other_faction, key=lambda f: f.pk),
        stance="ally",
    )
    factories.RelationshipFactory(world=t.world, source=t.npc, target=t.player)
    factories.ItemTemplateFactory(world=t.world)
    bystander = factories.WorldFactory(slug="bystander")
    factories.RoomFactory(world=bystander)
    models.World.objects.filter(pk=t.world.pk).update(safety_level="R", time_descriptions={"5": "x"})
    saves = []
    monkeypatch.setattr("persistence.facade.save_world", lambda world, *, debounced=True: saves.append(debounced))

    answer = build.post("purge", {"confirm": "tiny"})

    assert answer.status == 200, answer.body
    assert answer.message == "World purged and reset to factory default."
    assert answer.body["removed"]["rooms"] == 2
    assert answer.body["removed"]["characters"] == 2
    assert False in saves  # an immediate save, not a debounced one
    for model in (models.Room, models.Exit, models.Character, models.Item, models.ItemTemplate, models.Relationship):
        assert not model.objects.filter(world=t.world).exists(), model
    assert not models.Faction.objects.filter(world=t.world).exists()
    assert not models.FactionLink.objects.exists()
    world = models.World.objects.get(pk=t.world.pk)
    assert (world.setup_complete, world.start_room, world.safety_level, world.time_descriptions) == (
        False,
        None,
        "G",
        {},
    )
    assert list(world.builders.all()) == [builder]  # the world and its builders stay
    assert models.Room.objects.filter(world=bystander).count() == 1  # other worlds untouched
    # After the purge the world is built afresh; only post-purge state exists in the database.
    assert build.post("rooms", {"key": "hall"}).status == 201
    assert list(models.Room.objects.filter(world=t.world).values_list("key", flat=True)) == ["hall"]


def test_a_failed_purge_changes_nothing(build, tiny_world, monkeypatch):
    def explode(world, *, debounced=True):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("persistence.facade.save_world", explode)
    assert build.post("purge", {"confirm": "tiny"}).status == 500  # the envelope, logged
    assert models.Room.objects.filter(world=tiny_world.world).count() == 2  # one transaction: all or nothing
