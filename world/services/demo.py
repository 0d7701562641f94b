"""The demo world (`manage.py seed_world`): a small town every feature is tried on by hand.

Idempotent: every row is found by its natural key (items by a uuid derived from their name)
and brought back to the state written here, so a second run changes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from persistence.facade import save_world
from world.models import (
    ITEM_FIELDS,
    Carry,
    Character,
    Exit,
    ExitKind,
    Faction,
    FactionMembership,
    FactionRank,
    Item,
    ItemTemplate,
    Relationship,
    Room,
    World,
    WorldClock,
)

DEMO_SLUG = "demo"
ITEM_NAMESPACE = uuid.UUID("6f1c3a52-2d5e-4f8e-9a53-5b0c1f7d2e10")

ROOMS = {
    "square": ("Town Square", "Cobbles ring a dry fountain. Lanterns hang from iron posts, most of them dark."),
    "tavern": ("The Gilded Tankard", "A low, warm taproom that smells of smoke, hops and wet wool."),
    "loft": ("Tavern Loft", "Sloped rafters over a row of narrow beds and an old sea chest."),
    "kitchen": ("Tavern Kitchen", "Copper pots, a bread oven and a cask of water by the back door."),
    "market": ("Market Row", "Empty stalls under torn awnings; a few traders still lay out their wares."),
    "smithy": ("Finn's Smithy", "A cold forge, a scarred anvil and racks of half-finished blades."),
    "guildhall": ("Lantern Guild Hall", "Long tables under a great brass lantern that no longer burns."),
}

# (room, door name, other room, door name back)
DOORS = [
    ("square", "tavern door", "tavern", "square door"),
    ("square", "market gate", "market", "square gate"),
    ("market", "smithy door", "smithy", "market door"),
    ("square", "guild door", "guildhall", "square door"),
    ("tavern", "kitchen door", "kitchen", "taproom door"),
]
STAIRS = [("tavern", "loft")]  # (lower room, upper room)
OUTDOOR_ROOMS = ["square", "market"]  # tagged external: `look` shows the time of day there

NPCS: dict[str, dict[str, Any]] = {
    "Old Tom": {
        "room": "tavern",
        "description": "The barkeep: broad, bald and slow to smile.",
        "needs": {"hunger": 70, "thirst": 55, "socialization": 90, "sleep": 60},
        "personality": {"responsibility": 80, "aggression": 15, "confidence": 60, "curiosity": 35},
        "currency": 40,
    },
    "Pip": {
        "room": "kitchen",
        "description": "A wiry cook with flour to the elbows, who forgets to eat.",
        "needs": {"hunger": 30, "thirst": 80, "socialization": 40, "sleep": 35},
        "personality": {"responsibility": 55, "aggression": 20, "confidence": 35, "curiosity": 85},
        "currency": 5,
    },
    "Finn": {
        "room": "smithy",
        "description": "The smith's apprentice, soot on his cheek and a hammer in his belt.",
        "needs": {"hunger": 40, "thirst": 45, "socialization": 65, "sleep": 75},
        "personality": {"responsibility": 60, "aggression": 40, "confidence": 45, "curiosity": 70},
        "currency": 12,
    },
    "Captain Mara": {
        "room": "guildhall",
        "description": "Captain of the Lantern Guild; her coat is patched but her boots shine.",
        "needs": {"hunger": 85, "thirst": 90, "socialization": 50, "sleep": 50, "safety": 70},
        "personality": {"responsibility": 90, "aggression": 55, "confidence": 85, "curiosity": 40},
        "currency": 120,
        "sheet": {"high_concept": "Last captain of a dying guild", "trouble": "Cannot ask for help"},
    },
}
RELATIONSHIPS = [("Finn", "apprentice", "Captain Mara"), ("Pip", "friend", "Old Tom"), ("Old Tom", "friend", "Pip")]

TEMPLATES: dict[str, dict[str, Any]] = {
    "bread": {"name": "Loaf of Bread", "tags": ["Edible: 20"], "value": 2, "deconstruct_recipe": ["crumbs"]},
    "crumbs": {"name": "Crumbs", "tags": [], "value": 0},
    "ale": {"name": "Mug of Ale", "tags": ["Drinkable: 15"], "value": 3, "deconstruct_recipe": ["empty_mug"]},
    "empty_mug": {"name": "Empty Mug", "tags": [], "material": "pewter", "value": 1},
    "bed": {"name": "Narrow Bed", "tags": ["bed"], "carry": Carry.FIXED, "material": "pine"},
    "sea_chest": {"name": "Old Sea Chest", "tags": ["Container"], "carry": Carry.FIXED, "material": "oak"},
    "gold_ring": {"name": "Gold Ring", "tags": [], "value": 50, "material": "gold", "loot_hint": "Old Sea Chest"},
    "rusty_dagger": {
        "name": "Rusty Dagger",
        "tags": ["weapon", "cutting damage"],
        "value": 4,
        "weapon_damage": 2,
        "weapon_type": "cut",
        "loot_hint": "Old Sea Chest",
    },
    "iron_ingot": {"name": "Iron Ingot", "tags": [], "value": 5, "material": "iron"},
    "leather_strip": {"name": "Leather Strip", "tags": [], "value": 1, "material": "leather"},
    "iron_sword": {
        "name": "Iron Sword",
        "tags": ["weapon", "cutting damage"],
        "carry": Carry.LARGE,
        "value": 30,
        "material": "iron",
        "durability": 100,
        "quality": "average",
        "weapon_damage": 6,
        "weapon_type": "cut",
        "crafting_recipe": ["Iron Ingot", "Iron Ingot", "Leather Strip"],
    },
    "anvil": {"name": "Scarred Anvil", "tags": ["craft spot:iron_sword"], "carry": Carry.FIXED, "material": "iron"},
    "water_cask": {"name": "Water Cask", "tags": ["Drinkable: 30"], "carry": Carry.FIXED},
}

# name → (template, where, owner); where is ("room", key) or ("container", item name, slot)
ITEMS: dict[str, tuple[str, tuple, str | None]] = {
    "Loaf of Bread": ("bread", ("room", "kitchen"), None),
    "Mug of Ale": ("ale", ("room", "tavern"), None),
    "Water Cask": ("water_cask", ("room", "kitchen"), None),
    "Tom's Bed": ("bed", ("room", "loft"), "Old Tom"),
    "Spare Bed": ("bed", ("room", "loft"), None),
    "Old Sea Chest": ("sea_chest", ("room", "loft"), None),
    "Gold Ring": ("gold_ring", ("container", "Old Sea Chest", 0), None),
    "Iron Sword": ("iron_sword", ("room", "guildhall"), "Captain Mara"),
    "Iron Ingot": ("iron_ingot", ("room", "smithy"), None),
    "Second Iron Ingot": ("iron_ingot", ("room", "market"), None),
    "Leather Strip": ("leather_strip", ("room", "market"), None),
    "Scarred Anvil": ("anvil", ("room", "smithy"), "Finn"),
}
ITEM_NAME_OVERRIDES = {"Second Iron Ingot": "Iron Ingot"}

FACTION: dict[str, Any] = {
    "name": "Lantern Guild",
    "description": "Keepers of the town's lanterns, now few and unpaid.",
    "ranks": {"Initiate": 1, "Warden": 3, "Captain": 5},
    "members": {"Captain Mara": "Captain", "Finn": "Initiate"},
    "leader": "Captain Mara",
    "rooms": ["guildhall"],
}


def item_uuid(name: str) -> uuid.UUID:
    return uuid.uuid5(ITEM_NAMESPACE, f"{DEMO_SLUG}:{name}")


@transaction.atomic
def demo_world_seed() -> World:
    world, _ = World.objects.update_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Lanternfall",
            "description": "A river town whose lanterns are going out one by one.",
            "conflict": "Someone is stealing the lantern oil, and the guild cannot pay its wardens.",
            "safety_level": "PG-13",
            "time_descriptions": {"6": "Grey dawn light creeps over the rooftops.", "21": "The few lanterns flicker."},
        },
    )
    rooms = {
        key: Room.objects.update_or_create(world=world, key=key, defaults={"name": name, "description": text})[0]
        for key, (name, text) in ROOMS.items()
    }
    for a, door_a, b, door_b in DOORS:
        link(world, rooms[a], door_a, rooms[b], ExitKind.DOOR)
        link(world, rooms[b], door_b, rooms[a], ExitKind.DOOR)
    for lower, upper in STAIRS:
        link(world, rooms[lower], "stairs up", rooms[upper], ExitKind.STAIRS_UP)
        link(world, rooms[upper], "stairs down", rooms[lower], ExitKind.STAIRS_DOWN)

    npcs = {}
    for name, spec in NPCS.items():
        npcs[name], _ = Character.objects.update_or_create(
            world=world,
            name=name,
            defaults={
                "is_npc": True,
                "account": None,
                "room": rooms[spec["room"]],
                "description": spec["description"],
                "currency": spec["currency"],
                "sheet": spec.get("sheet", {}),
                **spec["needs"],
                **spec["personality"],
            },
        )
    for source, label, target in RELATIONSHIPS:
        Relationship.objects.update_or_create(
            world=world, source=npcs[source], target=npcs[target], defaults={"label": label}
        )

    # The guild door lets the captain through, and anyone who is her apprentice.
    Exit.objects.filter(source=rooms["square"], name="guild door").update(
        is_locked=True,
        lock_allow_ids=[npcs["Captain Mara"].pk],
        lock_allow_relationships=[{"type": "apprentice", "to": npcs["Captain Mara"].pk}],
    )

    templates = {
        key: ItemTemplate.objects.update_or_create(
            world=world, key=key, defaults={"carry": Carry.SMALL, "description": "", **spec}
        )[0]
        for key, spec in TEMPLATES.items()
    }
    items: dict[str, Item] = {}
    for label, (template_key, where, owner) in ITEMS.items():
        items[label] = place_item(world, label, templates[template_key], where, items, rooms, npcs.get(owner or ""))

    faction, _ = Faction.objects.update_or_create(
        world=world, name=FACTION["name"], defaults={"description": FACTION["description"]}
    )
    ranks = {
        name: FactionRank.objects.update_or_create(faction=faction, name=name, defaults={"level": level})[0]
        for name, level in FACTION["ranks"].items()
    }
    for member, rank in FACTION["members"].items():
        FactionMembership.objects.update_or_create(
            faction=faction, character=npcs[member], defaults={"rank": ranks[rank]}
        )
    faction.leader = npcs[FACTION["leader"]]
    faction.save(update_fields=["leader"])
    Room.objects.filter(world=world, key__in=FACTION["rooms"]).update(faction=faction)
    Item.objects.filter(world=world, uuid=item_uuid("Iron Sword")).update(faction=faction)
    Character.objects.filter(pk=npcs["Old Tom"].pk).update(home_bed=items["Tom's Bed"])

    Room.objects.filter(world=world, key__in=OUTDOOR_ROOMS).update(tags=["external"])
    WorldClock.objects.update_or_create(world=world, defaults={"enabled": True})  # the demo lives

    world.start_room = rooms["square"]
    world.setup_complete = True
    world.save(update_fields=["start_room", "setup_complete", "updated_at"])
    save_world(world, debounced=False)
    return world


def link(world: World, source: Room, name: str, destination: Room, kind: str) -> Exit:
    return Exit.objects.update_or_create(
        world=world, source=source, name=name, defaults={"destination": destination, "kind": kind}
    )[0]


def place_item(
    world: World,
    label: str,
    template: ItemTemplate,
    where: tuple,
    placed: dict[str, Item],
    rooms: dict[str, Room],
    owner: Character | None,
) -> Item:
    copied = {name: getattr(template, name) for name in ITEM_FIELDS}
    copied["name"] = ITEM_NAME_OVERRIDES.get(label, label)
    location: dict[str, Any] = {
        "room": None,
        "character": None,
        "slot": None,
        "container": None,
        "container_slot": None,
    }
    if where[0] == "room":
        location["room"] = rooms[where[1]]
    else:
        location |= {"container": placed[where[1]], "container_slot": where[2]}
    item, _ = Item.objects.update_or_create(
        uuid=item_uuid(label),
        defaults={"world": world, "template": template, "owner": owner, **copied, **location},
    )
    return item
