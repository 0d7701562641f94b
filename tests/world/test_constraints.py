"""Every database constraint of the world model, broken on purpose: the database must refuse.

Writes go through QuerySet.update/create, which skip model validation, so only the database
stands between the bad row and the table.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tests import factories
from world import models
from world.db_triggers import scope_rules

pytestmark = pytest.mark.django_db


def refused(action) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_world_slug_is_unique_and_well_formed():
    factories.WorldFactory(slug="alpha")
    refused(lambda: models.World.objects.create(slug="alpha", name="Again"))
    refused(lambda: models.World.objects.create(slug="Not A Slug", name="Bad"))


def test_world_name_and_safety_level(tiny_world):
    refused(lambda: models.World.objects.filter(pk=tiny_world.world.pk).update(name=""))
    refused(lambda: models.World.objects.filter(pk=tiny_world.world.pk).update(safety_level="XXX"))


def test_world_start_room_must_be_its_own(tiny_world):
    elsewhere = factories.RoomFactory()
    refused(lambda: models.World.objects.filter(pk=tiny_world.world.pk).update(start_room=elsewhere))


def test_room_key_unique_per_world_case_insensitively(tiny_world):
    refused(lambda: models.Room.objects.create(world=tiny_world.world, key="HALL"))
    other = factories.WorldFactory()
    assert models.Room.objects.create(world=other, key="hall").pk  # same key, other world: fine


def test_room_key_format(tiny_world):
    refused(lambda: models.Room.objects.create(world=tiny_world.world, key="no spaces"))


def test_exit_name_unique_per_source_room_case_insensitively(tiny_world):
    t = tiny_world
    refused(
        lambda: models.Exit.objects.create(world=t.world, source=t.hall, destination=t.kitchen, name="KITCHEN DOOR")
    )


def test_exit_name_and_kind(tiny_world):
    refused(lambda: models.Exit.objects.filter(pk=tiny_world.door_out.pk).update(name=""))
    refused(lambda: models.Exit.objects.filter(pk=tiny_world.door_out.pk).update(kind="trapdoor"))


def test_one_stairs_per_direction(tiny_world):
    t = tiny_world
    models.Exit.objects.create(world=t.world, source=t.hall, destination=t.kitchen, name="up", kind="stairs_up")
    refused(
        lambda: models.Exit.objects.create(
            world=t.world, source=t.hall, destination=t.kitchen, name="ladder", kind="stairs_up"
        )
    )


@pytest.mark.parametrize("end", ["source", "destination"])
def test_exit_rooms_in_its_own_world(tiny_world, end):
    foreign_room = factories.RoomFactory()
    refused(lambda: models.Exit.objects.filter(pk=tiny_world.door_out.pk).update(**{end: foreign_room}))
    kwargs = {"source": tiny_world.hall, "destination": tiny_world.kitchen, end: foreign_room}
    refused(lambda: models.Exit.objects.create(world=tiny_world.world, name="odd door", **kwargs))


def test_character_name_unique_per_world_case_insensitively(tiny_world):
    refused(lambda: models.Character.objects.create(world=tiny_world.world, is_npc=True, name="ALICE"))


def test_one_character_per_account_per_world(tiny_world):
    account = tiny_world.player.account
    refused(lambda: models.Character.objects.create(world=tiny_world.world, account=account, name="Alice2"))


def test_npc_has_no_account_and_player_has_one(tiny_world):
    refused(lambda: models.Character.objects.create(world=tiny_world.world, is_npc=False, name="Ghost"))
    user = factories.UserFactory()
    refused(lambda: models.Character.objects.create(world=tiny_world.world, is_npc=True, account=user, name="Odd"))


def test_currency_never_negative(tiny_world):
    refused(lambda: models.Character.objects.filter(pk=tiny_world.player.pk).update(currency=-1))


@pytest.mark.parametrize("need", models.NEED_FIELDS)
@pytest.mark.parametrize("value", [-0.5, 100.5])
def test_needs_within_0_100(tiny_world, need, value):
    refused(lambda: models.Character.objects.filter(pk=tiny_world.player.pk).update(**{need: value}))


@pytest.mark.parametrize("trait", ["responsibility", "aggression", "confidence", "curiosity", "morale"])
def test_personality_within_0_100(tiny_world, trait):
    refused(lambda: models.Character.objects.filter(pk=tiny_world.player.pk).update(**{trait: 101}))


def test_character_room_in_its_own_world(tiny_world):
    refused(lambda: models.Character.objects.filter(pk=tiny_world.npc.pk).update(room=factories.RoomFactory()))


def test_template_key_unique_per_world_case_insensitively(tiny_world):
    factories.ItemTemplateFactory(world=tiny_world.world, key="bread")
    refused(lambda: models.ItemTemplate.objects.create(world=tiny_world.world, key="BREAD", name="Bread"))
    refused(lambda: models.ItemTemplate.objects.create(world=tiny_world.world, key="bad key", name="Bad"))
    refused(lambda: models.ItemTemplate.objects.create(world=tiny_world.world, key="k", name="K", carry="huge"))


def test_item_needs_exactly_one_location(tiny_world):
    t = tiny_world
    refused(lambda: models.Item.objects.create(world=t.world, name="nowhere"))
    refused(lambda: models.Item.objects.create(world=t.world, name="twice", room=t.hall, character=t.player, slot=0))
    box = factories.ItemFactory(world=t.world, room=t.hall, name="box", tags=["Container"], carry="fixed")
    refused(lambda: models.Item.objects.filter(pk=t.apple.pk).update(container=box, container_slot=0))


def test_item_slot_goes_with_inventory(tiny_world):
    t = tiny_world
    refused(lambda: models.Item.objects.create(world=t.world, name="floating", character=t.player))
    refused(lambda: models.Item.objects.filter(pk=t.apple.pk).update(slot=0))


@pytest.mark.parametrize(
    ("carry", "slot"), [("small", 8), ("fixed", 0), ("fixed", 1), ("large", 2), ("large", 5), ("small", 6)]
)
def test_inventory_slot_rules(tiny_world, carry, slot):
    t = tiny_world
    refused(lambda: models.Item.objects.create(world=t.world, name="x", carry=carry, character=t.player, slot=slot))


@pytest.mark.parametrize(("carry", "slot"), [("small", 0), ("large", 1), ("small", 3), ("large", 7)])
def test_inventory_slot_rules_allow_what_tinymud_allows(tiny_world, carry, slot):
    t = tiny_world
    assert models.Item.objects.create(world=t.world, name="x", carry=carry, character=t.player, slot=slot).pk


def test_one_item_per_inventory_slot(tiny_world):
    t = tiny_world
    models.Item.objects.create(world=t.world, name="sword", character=t.player, slot=1)
    refused(lambda: models.Item.objects.create(world=t.world, name="shield", character=t.player, slot=1))


@pytest.mark.parametrize(("carry", "slot"), [("small", 4), ("large", 0), ("small", 2), ("fixed", 0)])
def test_container_slot_rules(tiny_world, carry, slot):
    t = tiny_world
    box = factories.ItemFactory(world=t.world, room=t.hall, name="box", carry="fixed")
    refused(
        lambda: models.Item.objects.create(world=t.world, name="x", carry=carry, container=box, container_slot=slot)
    )


def test_one_item_per_container_slot_and_not_inside_itself(tiny_world):
    t = tiny_world
    box = factories.ItemFactory(world=t.world, room=t.hall, name="box", carry="fixed")
    models.Item.objects.create(world=t.world, name="coin", container=box, container_slot=0)
    refused(lambda: models.Item.objects.create(world=t.world, name="gem", container=box, container_slot=0))
    bag = factories.ItemFactory(world=t.world, room=t.hall, name="bag")
    refused(lambda: models.Item.objects.filter(pk=bag.pk).update(room=None, container=bag, container_slot=1))


@pytest.mark.parametrize("field", ["room", "template", "owner", "faction"])
def test_item_links_stay_in_its_world(tiny_world, field):
    other = factories.WorldFactory()
    target = {
        "room": lambda: factories.RoomFactory(world=other),
        "template": lambda: factories.ItemTemplateFactory(world=other),
        "owner": lambda: factories.NpcFactory(world=other),
        "faction": lambda: factories.FactionFactory(world=other),
    }[field]()
    refused(lambda: models.Item.objects.filter(pk=tiny_world.apple.pk).update(**{field: target}))


def test_item_in_foreign_inventory_or_container_refused(tiny_world):
    other = factories.WorldFactory()
    stranger = factories.NpcFactory(world=other)
    box = factories.ItemFactory(world=other, name="box", carry="fixed")
    refused(lambda: models.Item.objects.filter(pk=tiny_world.apple.pk).update(room=None, character=stranger, slot=0))
    refused(
        lambda: models.Item.objects.filter(pk=tiny_world.apple.pk).update(room=None, container=box, container_slot=0)
    )


def test_faction_name_unique_per_world_case_insensitively(tiny_world):
    factories.FactionFactory(world=tiny_world.world, name="Guild")
    refused(lambda: models.Faction.objects.create(world=tiny_world.world, name="GUILD"))
    refused(lambda: models.Faction.objects.create(world=tiny_world.world, name=""))


def test_faction_ranks_and_roles_unique_per_faction(tiny_world):
    guild = factories.FactionFactory(world=tiny_world.world)
    models.FactionRank.objects.create(faction=guild, name="Recruit", level=1)
    refused(lambda: models.FactionRank.objects.create(faction=guild, name="recruit", level=2))
    models.FactionRole.objects.create(faction=guild, key="cook", name="Cook")
    refused(lambda: models.FactionRole.objects.create(faction=guild, key="COOK", name="Cook 2"))
    refused(lambda: models.FactionRole.objects.create(faction=guild, key="x", name="X", contract_type="bribe"))


def test_membership_once_per_faction_and_same_world(tiny_world):
    guild = factories.FactionFactory(world=tiny_world.world)
    models.FactionMembership.objects.create(faction=guild, character=tiny_world.npc)
    refused(lambda: models.FactionMembership.objects.create(faction=guild, character=tiny_world.npc))
    stranger = factories.NpcFactory()
    refused(lambda: models.FactionMembership.objects.create(faction=guild, character=stranger))


def test_membership_rank_and_role_belong_to_its_faction(tiny_world):
    guild = factories.FactionFactory(world=tiny_world.world)
    other = factories.FactionFactory(world=tiny_world.world)
    foreign_rank = models.FactionRank.objects.create(faction=other, name="Boss", level=9)
    foreign_role = models.FactionRole.objects.create(faction=other, key="spy", name="Spy")
    member = models.FactionMembership.objects.create(faction=guild, character=tiny_world.npc)
    refused(lambda: models.FactionMembership.objects.filter(pk=member.pk).update(rank=foreign_rank))
    refused(lambda: models.FactionMembership.objects.filter(pk=member.pk).update(role=foreign_role))


def test_faction_links_symmetric_single_never_self(tiny_world):
    a = factories.FactionFactory(world=tiny_world.world)
    b = factories.FactionFactory(world=tiny_world.world)
    low, high = sorted([a, b], key=lambda f: f.pk)
    models.FactionLink.objects.create(faction_a=low, faction_b=high, stance="ally")
    refused(lambda: models.FactionLink.objects.create(faction_a=low, faction_b=high, stance="rival"))  # never both
    refused(lambda: models.FactionLink.objects.create(faction_a=high, faction_b=low, stance="rival"))  # one order
    refused(lambda: models.FactionLink.objects.create(faction_a=low, faction_b=low, stance="ally"))  # never itself
    c = factories.FactionFactory(world=tiny_world.world)
    refused(lambda: models.FactionLink.objects.create(faction_a=low, faction_b=c, stance="enemy"))
    foreign = factories.FactionFactory()
    refused(lambda: models.FactionLink.objects.create(faction_a=low, faction_b=foreign, stance="ally"))


def test_faction_leader_in_its_world(tiny_world):
    guild = factories.FactionFactory(world=tiny_world.world)
    refused(lambda: models.Faction.objects.filter(pk=guild.pk).update(leader=factories.NpcFactory()))


def test_relationship_one_per_pair_not_self_not_blank_same_world(tiny_world):
    t = tiny_world
    models.Relationship.objects.create(world=t.world, source=t.player, target=t.npc, label="friend")
    refused(lambda: models.Relationship.objects.create(world=t.world, source=t.player, target=t.npc, label="foe"))
    refused(lambda: models.Relationship.objects.create(world=t.world, source=t.npc, target=t.npc, label="self"))
    refused(lambda: models.Relationship.objects.create(world=t.world, source=t.npc, target=t.player, label=""))
    refused(
        lambda: models.Relationship.objects.create(
            world=t.world, source=t.npc, target=factories.NpcFactory(), label="pen pal"
        )
    )


def test_room_owner_and_faction_in_its_world(tiny_world):
    refused(lambda: models.Room.objects.filter(pk=tiny_world.hall.pk).update(owner=factories.NpcFactory()))
    refused(lambda: models.Room.objects.filter(pk=tiny_world.hall.pk).update(faction=factories.FactionFactory()))


def test_character_bed_and_weapon_in_its_world(tiny_world):
    foreign_item = factories.ItemFactory()
    refused(lambda: models.Character.objects.filter(pk=tiny_world.npc.pk).update(home_bed=foreign_item))
    refused(lambda: models.Character.objects.filter(pk=tiny_world.npc.pk).update(equipped_weapon=foreign_item))


def test_every_cross_world_link_has_a_trigger():
    """Adding a foreign key between world-scoped models must not silently skip the same-world rule."""
    covered = {(rule.table, rule.column) for rule in scope_rules()}
    for table, column in [
        ("world_exit", "source_id"),
        ("world_exit", "destination_id"),
        ("world_item", "container_id"),
        ("world_character", "room_id"),
        ("world_world", "start_room_id"),
        ("world_factionmembership", "rank_id"),
    ]:
        assert (table, column) in covered
