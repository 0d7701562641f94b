"""Generate the benchmark world: 10,000 rooms, 20,000 exits, 30,000 items, 1,000 characters
(+ 50 templates, 20 factions with ranks and roles, 1,000 memberships, 2,000 relationships).

Usage: DATABASE_URL=sqlite:///abs/path.sqlite3 python bench/generate_world.py [SLUG] [--rooms N]

--rooms N scales the world (the scaling curve of bench/README.md): N rooms, 2N exits, 3N items,
N/10 characters with as many memberships and twice as many relationships, one chest per 20 rooms;
the 50 templates and 20 factions stay.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mudsite.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from persistence.facade import save_world  # noqa: E402
from world import models as w  # noqa: E402

ROOMS, EXITS_PER_ROOM, ITEMS, CHARACTERS = 10_000, 2, 30_000, 1_000
BATCH = 2000
DESCRIPTION = "A plain stone room with a wooden floor, a draughty window and a smell of old bread."


def generate(
    slug: str, *, head_count: int | None = None, players: int | None = None, room_count: int = ROOMS
) -> w.World:
    """`players` of the `head_count` characters have accounts (default: half); the rest are NPCs.
    `room_count` scales the rooms, exits, items and (by default) characters together."""
    rng = random.Random(1)
    scale = room_count / ROOMS
    head_count = round(CHARACTERS * scale) if head_count is None else head_count
    item_count, chest_count = round(ITEMS * scale), room_count // 20
    players = head_count // 2 if players is None else players
    User = get_user_model()
    password = make_password("bench-password")
    with transaction.atomic():
        world = w.World.objects.create(slug=slug, name="Bench World", description="Generated.", setup_complete=True)
        factions = w.Faction.objects.bulk_create(
            [w.Faction(world=world, name=f"Faction {i}", description="A guild.") for i in range(20)]
        )
        ranks = w.FactionRank.objects.bulk_create(
            [w.FactionRank(faction=f, name=f"Rank {lvl}", level=lvl) for f in factions for lvl in range(1, 4)]
        )
        w.FactionRole.objects.bulk_create(
            [w.FactionRole(faction=f, key="guard", name="Guard", contract_type="patrol") for f in factions]
        )
        rooms = w.Room.objects.bulk_create(
            [
                w.Room(
                    world=world,
                    key=f"room_{i:05d}",
                    name=f"Room {i}",
                    description=DESCRIPTION,
                    tags=["indoor"] if i % 3 else [],
                    faction=factions[i % 20] if i % 10 == 0 else None,
                )
                for i in range(room_count)
            ],
            batch_size=BATCH,
        )
        w.Exit.objects.bulk_create(
            [
                w.Exit(
                    world=world,
                    source=rooms[i],
                    destination=rooms[(i + step) % room_count],
                    name=name,
                    is_locked=(i % 50 == 0),
                )
                for i in range(room_count)
                for step, name in ((1, "east door"), (room_count - 1, "west door"))[:EXITS_PER_ROOM]
            ],
            batch_size=BATCH,
        )
        users = User.objects.bulk_create(
            [User(username=f"player{i:04d}", password=password) for i in range(players)], batch_size=BATCH
        )
        characters = w.Character.objects.bulk_create(
            [
                w.Character(
                    world=world,
                    account=users[i] if i < len(users) else None,
                    is_npc=i >= len(users),
                    name=f"Char{i:04d}",
                    description="A nondescript adventurer.",
                    room=rooms[rng.randrange(room_count)],
                    hunger=rng.uniform(0, 100),
                    currency=rng.randrange(1000),
                    sheet={"high_concept": "Traveller", "quirks": ["hums"]},
                )
                for i in range(head_count)
            ],
            batch_size=BATCH,
        )
        templates = w.ItemTemplate.objects.bulk_create(
            [w.ItemTemplate(world=world, key=f"thing_{i}", name=f"Thing {i}", value=i) for i in range(50)]
        )
        chests = w.Item.objects.bulk_create(
            [
                w.Item(world=world, name="chest", carry="fixed", tags=["Container"], room=rooms[i * 20])
                for i in range(chest_count)
            ],
            batch_size=BATCH,
        )
        loose = max(0, item_count - len(chests) - 2 * len(chests) - head_count)
        w.Item.objects.bulk_create(
            [
                *(
                    w.Item(world=world, name="coin", container=chest, container_slot=slot)
                    for chest in chests
                    for slot in (0, 1)
                ),
                *(w.Item(world=world, name="knife", character=c, slot=0, tags=["weapon"]) for c in characters),
                *(
                    w.Item(
                        world=world,
                        name=f"pebble {i}",
                        description="A smooth grey pebble.",
                        template=templates[i % 50],
                        room=rooms[rng.randrange(room_count)],
                        value=i % 100,
                    )
                    for i in range(loose)
                ),
            ],
            batch_size=BATCH,
        )
        w.FactionMembership.objects.bulk_create(
            [
                w.FactionMembership(faction=factions[i % 20], character=c, rank=ranks[(i % 20) * 3])
                for i, c in enumerate(characters)
            ],
            batch_size=BATCH,
        )
        w.Relationship.objects.bulk_create(
            [
                w.Relationship(world=world, source=c, target=characters[(i + k) % len(characters)], label="friend")
                for i, c in enumerate(characters)
                for k in (1, 2)
            ],
            batch_size=BATCH,
        )
        save_world(world)
    return world


if __name__ == "__main__":
    started = time.perf_counter()
    args = sys.argv[1:]
    size = ROOMS
    if "--rooms" in args:
        at = args.index("--rooms")
        size = int(args[at + 1])
        del args[at : at + 2]
    world = generate(args[0] if args else "bench", room_count=size)
    counts = {m.__name__: m.objects.count() for m in (w.Room, w.Exit, w.Item, w.Character)}
    print(f"generated {world.slug}: {counts} in {time.perf_counter() - started:.1f} s")
