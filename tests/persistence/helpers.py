"""Reusable persistence test helpers: a world that uses every model and field, and the round trip."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth import get_user_model

from persistence.exporter import export_world
from persistence.facade import write_world_copy
from persistence.files import read_world_file, world_file_path
from persistence.importer import import_world_bytes
from tests import factories
from world import models as w
from world.simulation.ambitions import new_ambition


def build_rich_world(slug: str = "rich") -> w.World:
    """Every world-state model with non-default values in every field."""
    world = factories.WorldFactory(
        slug=slug,
        name="Rich World",
        description="Everything at once.",
        conflict="Two guilds quarrel.",
        safety_level="PG-13",
        advanced_goap=True,
        game_time_ticks=12345,
        offer_ttl_seconds=90,
        permadeath=True,
        combat_allowed=False,
        time_descriptions={"0": "Midnight.", "13": "Early afternoon."},
    )
    hall = factories.RoomFactory(world=world, key="Hall", name="Great Hall", tags=["indoor", "lit"])
    yard = factories.RoomFactory(world=world, key="yard", name="Yard", description="Mud.")
    cellar = factories.RoomFactory(world=world, key="cellar_2", name="")
    world.start_room = hall
    world.setup_complete = True
    world.save()
    alice_account = factories.UserFactory(username="alice")
    builder = factories.UserFactory(username="zed")
    world.builders.add(builder, alice_account)
    alice = factories.CharacterFactory(
        world=world,
        account=alice_account,
        name="Alice",
        room=hall,
        description="Tall.",
        hunger=55.5,
        thirst=12.25,
        socialization=1,
        sleep=99,
        safety=0,
        currency=42,
        responsibility=10,
        aggression=90,
        confidence=11,
        curiosity=12,
        strength=13,
        dexterity=14,
        intelligence=15,
        health=16,
        hp=-2,
        max_hp=17,
        morale=18,
        is_dead=True,
        sheet={
            "high_concept": "Wandering smith",
            "quirks": ["hums"],
            "matrix": {"rage_terror": -3},
            "advantages": [{"name": "Strong", "cost": 10}],
            "memories": [{"text": "saw a dragon", "b": 1}],
            "plan_queue": [{"tool": "walk", "args": {"to": "yard"}}],
        },
    )
    # The world clock's sheet state: an ambition part-way (a milestone done), the counters it reads.
    bob_ambition = new_ambition("peacekeeper")
    bob_ambition["milestones"][0]["completed"] = True
    bob_ambition["current_milestone_idx"] = 1
    bob = factories.NpcFactory(
        world=world, name="bob", room=yard, description="A guard.",
        sheet={"ambition": bob_ambition, "lifetime_stats": {"patrols": 3, "rooms_visited": 7, "combat_wins": 1}},
    )  # fmt: skip
    carol = factories.NpcFactory(world=world, name="Carol", room=cellar)
    guild = factories.FactionFactory(world=world, name="Smiths", description="Hammer.", leader=alice)
    guild.leadership_threshold = 3
    guild.save()
    watch = factories.FactionFactory(world=world, name="city watch")
    thieves = factories.FactionFactory(world=world, name="Thieves")
    hall.faction = guild
    hall.owner = bob
    hall.save()
    sword_t = factories.ItemTemplateFactory(
        world=world,
        key="sword",
        name="Sword",
        description="Sharp.",
        tags=["weapon", "cutting damage"],
        carry="large",
        material="steel",
        value=30,
        durability=100,
        quality="fine",
        crafting_recipe=["steel", "steel"],
        deconstruct_recipe=["scrap"],
        loot_hint="chest",
        weapon_damage=6,
        weapon_type="blade",
        armor_defense=1,
        armor_type="parry",
    )
    factories.ItemTemplateFactory(world=world, key="bread", name="Bread", tags=["Edible: 20"])
    chest = factories.ItemFactory(
        world=world,
        room=yard,
        name="chest",
        carry="fixed",
        tags=["Container"],
        container_opened=True,
        container_searched=True,
        faction=thieves,
    )
    sword = factories.ItemFactory(
        world=world,
        room=None,
        character=alice,
        slot=0,
        name="Sword",
        template=sword_t,
        carry="large",
        owner=alice,
        weapon_damage=6,
        value=30,
    )
    bed = factories.ItemFactory(world=world, room=hall, name="bed", tags=["bed"], carry="fixed")
    factories.ItemFactory(world=world, room=None, container=chest, container_slot=0, name="coin", owner=bob)
    pouch = factories.ItemFactory(world=world, room=None, container=chest, container_slot=2, name="bag", carry="large")
    factories.ItemFactory(world=world, room=None, container=pouch, container_slot=1, name="gem")
    alice.home_bed = bed
    alice.equipped_weapon = sword
    alice.save()
    factories.ExitFactory(
        world=world,
        source=hall,
        destination=yard,
        name="Oak door",
        is_locked=True,
        lock_allow_ids=[alice.pk, bob.pk, 999999],
        lock_allow_relationships=[{"type": "friend", "to": carol.pk}, {"type": "anyone"}],
    )
    factories.ExitFactory(world=world, source=yard, destination=hall, name="oak door")
    factories.ExitFactory(world=world, source=hall, destination=cellar, name="down", kind="stairs_down")
    factories.ExitFactory(world=world, source=cellar, destination=yard, name="shimmer", kind="portal")
    master = w.FactionRank.objects.create(faction=guild, name="Master", level=5)
    w.FactionRank.objects.create(faction=guild, name="apprentice", level=1)
    role = w.FactionRole.objects.create(
        faction=guild,
        key="supplier",
        name="Supplier",
        description="Brings ore.",
        contract_type="resource_contribution",
        contract_config={"item": "ore", "per_day": 2},
    )
    w.FactionMembership.objects.create(faction=guild, character=alice, rank=master, role=role)
    w.FactionMembership.objects.create(faction=watch, character=bob)
    low, high = sorted([guild, thieves], key=lambda f: f.pk)
    w.FactionLink.objects.create(faction_a=low, faction_b=high, stance="rival")
    low, high = sorted([guild, watch], key=lambda f: f.pk)
    w.FactionLink.objects.create(faction_a=low, faction_b=high, stance="ally")
    factories.RelationshipFactory(world=world, source=alice, target=bob, label="sister")
    factories.RelationshipFactory(world=world, source=bob, target=alice, label="brother")
    w.WorldClock.objects.create(
        world=world, enabled=True, tick_seconds=30, seed=42, hunger_rate=2.5, thirst_rate=1.5, social_rate=0.25,
        sleep_rate=0.5, sleep_refill=12.0, ap_max=4, player_needs=True,
    )  # fmt: skip
    duty_faction = w.Faction.objects.filter(world=world).order_by("name").first()
    assert duty_faction is not None
    w.DailyDuty.objects.create(
        world=world, character=bob, faction=duty_faction, role_name="Watch", kind="patrol", resource_tag="ore",
        amount=3, room=w.Room.objects.filter(world=world).order_by("key").first(), issued_tick=24,
        deadline_tick=48, status="failed",
    )  # fmt: skip
    w.DailyDuty.objects.create(
        world=world, character=bob, faction=duty_faction, role_name="Watch", kind="patrol", amount=1,
        room=w.Room.objects.filter(world=world).order_by("key").first(), issued_tick=48, deadline_tick=72,
        status="done",
    )  # fmt: skip
    _rich_missions(world, alice=alice, bob=bob, sword=sword_t, yard=yard)
    return world


def _rich_missions(world: w.World, *, alice, bob, sword, yard) -> None:
    """Mission state is in the world file: one half done with every objective kind, one from staff."""
    when = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    quest = w.Mission.objects.create(
        world=world,
        title="The long road",
        description="Go, fetch, fight.",
        issuer=bob,
        assignee=alice,
        status="active",
        reward_currency=30,
        reward_xp=100,
        reward_items=[sword.key],
        deadline=when,
        rewarded=True,
        created_at=when,
    )
    w.MissionObjective.objects.create(mission=quest, position=0, kind="visit", description="See the yard",
                                      target_room=yard, completed=True, current_count=1)  # fmt: skip
    w.MissionObjective.objects.create(mission=quest, position=1, kind="obtain", target_template=sword,
                                      target_count=3, current_count=2)  # fmt: skip
    w.MissionObjective.objects.create(mission=quest, position=2, kind="kill", target_character=bob)
    w.Mission.objects.create(world=world, title="Staff errand", status="pending", created_at=when)


def current_file_bytes(world: w.World) -> bytes:
    return read_world_file(world_file_path(world.slug))


def assert_round_trip(world: w.World) -> bytes:
    """Export `world`, delete it and its accounts, import the file into the now empty database,
    export again: the two files must be byte-identical. Returns the file."""
    result = export_world(world.pk, force=True)
    assert result.status == "written", result.error
    first = current_file_bytes(world)
    slug = world.slug
    usernames = set(
        w.Character.objects.filter(world=world, account__isnull=False).values_list("account__username", flat=True)
    )
    usernames |= set(world.builders.values_list("username", flat=True))
    world.delete()
    get_user_model().objects.filter(username__in=usernames).delete()
    assert not w.Room.objects.exists()
    imported = import_world_bytes(first)
    assert imported.slug == slug
    result = export_world(imported.pk, force=True)
    assert result.status == "written", result.error
    second = current_file_bytes(imported)
    assert second == first
    assert write_world_copy(imported) == first
    return first
