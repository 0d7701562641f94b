"""`check_world`: every broken invariant the database cannot hold on its own.

The groups follow TinyMUD's World.validate (reference §2.18) where they still apply: what its
validate checked about uuids, slot rules, uniqueness and dangling ids is a database constraint
here, so what is left is the meaning of the data: reciprocal exits, well-formed locks, tags that
name things that exist, sheets, faction leadership.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from world.models import (
    Character,
    Exit,
    ExitKind,
    Faction,
    FactionMembership,
    Item,
    ItemTemplate,
    Relationship,
    World,
)
from world.sheet import sheet_errors

NUMERIC_TAG = re.compile(r"^(Edible|Drinkable):\s*(-?\d+)\s*$")
CRAFT_SPOT = "craft spot:"
MIRROR = {ExitKind.STAIRS_UP: ExitKind.STAIRS_DOWN, ExitKind.STAIRS_DOWN: ExitKind.STAIRS_UP}


@dataclass(frozen=True)
class Problem:
    group: str
    message: str

    def __str__(self) -> str:
        return f"[{self.group}] {self.message}"


def world_problems(world: World) -> list[Problem]:
    """Every problem found in `world`, in a stable order."""
    checks = (world_settings, exit_problems, lock_problems, character_problems, item_problems, faction_problems)
    return [problem for check in checks for problem in check(world)]


def world_settings(world: World) -> Iterator[Problem]:
    if world.setup_complete and world.start_room_id is None:
        yield Problem("world", "Setup is complete but the world has no start room.")
    if not isinstance(world.time_descriptions, dict):
        yield Problem("world", "time_descriptions is not an object of hour → text.")
        return
    for hour in world.time_descriptions:
        if not str(hour).isdigit() or not 0 <= int(hour) <= 23:
            yield Problem("world", f"time_descriptions has hour {hour!r}; hours are 0-23.")


def exit_problems(world: World) -> Iterator[Problem]:
    exits = list(Exit.objects.filter(world=world).select_related("source", "destination").order_by("source__key"))
    links = {(e.source_id, e.destination_id, e.kind) for e in exits}
    for e in exits:
        where = f"'{e.name}' in {e.source.key}"
        if e.kind == ExitKind.DOOR and (e.destination_id, e.source_id, ExitKind.DOOR) not in links:
            yield Problem("doors", f"Door {where} leads to {e.destination.key}, which has no door back.")
        if e.kind in MIRROR and (e.destination_id, e.source_id, MIRROR[ExitKind(e.kind)]) not in links:
            back = "down" if e.kind == ExitKind.STAIRS_UP else "up"
            yield Problem("stairs", f"Stairs {where} reach {e.destination.key}, whose stairs {back} do not lead back.")
        if e.source_id == e.destination_id:
            yield Problem("doors", f"Exit {where} leads back into the same room.")


def lock_problems(world: World) -> Iterator[Problem]:
    character_ids = set(Character.objects.filter(world=world).values_list("pk", flat=True))
    for e in Exit.objects.filter(world=world).select_related("source").order_by("source__key", "name"):
        where = f"Lock on '{e.name}' in {e.source.key}"
        ids = e.lock_allow_ids
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            yield Problem("locks", f"{where}: allow list must be a list of character ids.")
        else:
            for missing in sorted(set(ids) - character_ids):
                yield Problem("locks", f"{where}: allows character {missing}, who is not in this world.")
        rules = e.lock_allow_relationships
        if not isinstance(rules, list):
            yield Problem("locks", f"{where}: relationship rules must be a list.")
            continue
        for rule in rules:
            if not (isinstance(rule, dict) and isinstance(rule.get("type"), str) and isinstance(rule.get("to"), int)):
                yield Problem("locks", f"{where}: malformed relationship rule {rule!r}.")
            elif rule["to"] not in character_ids:
                yield Problem("locks", f"{where}: rule names character {rule['to']}, who is not in this world.")
        if (ids or rules) and not e.is_locked:
            yield Problem("locks", f"{where}: has an allow list but is not locked.")


def character_problems(world: World) -> Iterator[Problem]:
    characters = Character.objects.filter(world=world).select_related("home_bed", "equipped_weapon")
    for c in characters.order_by("name"):
        if not c.is_npc and c.room_id is None:
            yield Problem("characters", f"Player {c.name} is in no room.")
        for line in sheet_errors(c.sheet):
            yield Problem("sheets", f"{c.name}: {line}")
        if c.hp > c.max_hp:
            yield Problem("characters", f"{c.name} has {c.hp} hp, more than max_hp {c.max_hp}.")
        bed = c.home_bed
        if bed is not None and (not has_tag(bed, "bed") or bed.owner_id != c.pk):
            yield Problem("characters", f"{c.name}'s respawn point '{bed.name}' is not a bed they own.")
        weapon = c.equipped_weapon
        if weapon is not None and (weapon.character_id != c.pk or weapon.slot not in (0, 1)):
            yield Problem("characters", f"{c.name} has '{weapon.name}' equipped but is not holding it.")
        if weapon is not None and not has_tag(weapon, "weapon"):
            yield Problem("characters", f"{c.name} has '{weapon.name}' equipped, which is not a weapon.")
    for r in Relationship.objects.filter(world=world).select_related("source", "target").order_by("pk"):
        if not r.label.strip():
            yield Problem("relationships", f"{r.source.name} → {r.target.name} has a blank label.")


def has_tag(item: Item | ItemTemplate, tag: str) -> bool:
    return any(isinstance(t, str) and t.casefold() == tag.casefold() for t in item.tags or [])


def item_problems(world: World) -> Iterator[Problem]:
    templates = {t.key.casefold(): t for t in ItemTemplate.objects.filter(world=world)}
    template_names = {t.name.casefold() for t in templates.values()}
    items = list(Item.objects.filter(world=world).select_related("container").order_by("name", "pk"))
    container_names = {i.name.casefold() for i in items if has_tag(i, "container")}
    container_names |= {t.name.casefold() for t in templates.values() if has_tag(t, "container")}
    things: list[tuple[str, Item | ItemTemplate]] = [(f"template {t.key}", t) for t in templates.values()]
    things += [(f"item '{i.name}'", i) for i in items]
    for label, thing in things:
        if not isinstance(thing.tags, list) or not all(isinstance(t, str) for t in thing.tags):
            yield Problem("tags", f"{label}: tags must be a list of strings.")
            continue
        for tag in thing.tags:
            if tag.split(":")[0].strip() in {"Edible", "Drinkable"} and not NUMERIC_TAG.match(tag):
                yield Problem("tags", f"{label}: '{tag}' needs a number, like 'Edible: 10'.")
            if tag.casefold().startswith(CRAFT_SPOT) and tag[len(CRAFT_SPOT) :].strip().casefold() not in templates:
                yield Problem("crafting", f"{label}: '{tag}' names no template of this world.")
        for component in thing.crafting_recipe or []:
            if str(component).casefold() not in template_names:
                yield Problem("crafting", f"{label}: recipe component '{component}' is no template's name.")
        for output in thing.deconstruct_recipe or []:
            if str(output).casefold() not in templates:
                yield Problem("crafting", f"{label}: deconstructs into '{output}', which is no template key.")
        if thing.loot_hint and thing.loot_hint.casefold() not in container_names:
            yield Problem("loot", f"{label}: loot hint '{thing.loot_hint}' names no container.")
    for item in items:
        if item.container is not None and not has_tag(item.container, "container"):
            yield Problem("containers", f"'{item.name}' is stored in '{item.container.name}', which is no container.")
        if item.container is not None and item.container.container_id == item.pk:
            yield Problem("containers", f"'{item.name}' and '{item.container.name}' are inside each other.")


def faction_problems(world: World) -> Iterator[Problem]:
    members: dict[int, set[int]] = defaultdict(set)
    for faction_id, character_id in FactionMembership.objects.filter(faction__world=world).values_list(
        "faction_id", "character_id"
    ):
        members[faction_id].add(character_id)
    for faction in Faction.objects.filter(world=world).select_related("leader").order_by("name"):
        if faction.leader is not None and faction.leader_id not in members[faction.pk]:
            yield Problem("factions", f"{faction.name}: leader {faction.leader.name} is not a member.")
