"""NPC and relationship writes (TinyMUD's /npc ...), with deletions that leave nothing dangling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from world.exceptions import Invalid, NotFound
from world.models import Character, Faction, Item, Relationship, Room, World
from world.services.conflicts import conflict_on_integrity_error
from world.services.exits import locks_forget_character
from world.sheet import ASPECTS, MATRIX_AXES, sheet_errors
from world.validation import (
    CHARACTER_DESCRIPTION_MAX,
    CHARACTER_NAME_MIN,
    character_name_check_free,
    character_name_clean,
    character_name_unique,
    text_clean,
)

# attribute → (where it lives, lowest, highest). Sheet ranges mirror world.sheet_schema.Sheet.
ATTRIBUTES: dict[str, tuple[str, int, int]] = {
    "strength": ("column", 1, 100),
    "dexterity": ("column", 1, 100),
    "intelligence": ("column", 1, 100),
    "health": ("column", 1, 100),
    "hp": ("column", -100, 1000),
    "max_hp": ("column", 1, 1000),
    "morale": ("column", 0, 100),
    "responsibility": ("column", 0, 100),
    "aggression": ("column", 0, 100),
    "confidence": ("column", 0, 100),
    "curiosity": ("column", 0, 100),
    "hunger": ("column", 0, 100),
    "thirst": ("column", 0, 100),
    "socialization": ("column", 0, 100),
    "sleep": ("column", 0, 100),
    "safety": ("column", 0, 100),
    # TinyMUD's setattr refused currency, so no coin ever entered a world; builders may mint here.
    "currency": ("column", 0, 1_000_000_000),
    "will": ("sheet", 0, 100),
    "perception": ("sheet", 0, 100),
    "fp": ("sheet", -100, 100),
    "max_fp": ("sheet", 0, 100),
    "destiny_points": ("sheet", 0, 100),
    "wealth_desire": ("sheet", 0, 100),
    "social_status": ("sheet", 0, 100),
}


def description_clean(raw: str) -> str:
    return text_clean(raw, field="description", max_length=CHARACTER_DESCRIPTION_MAX)


@transaction.atomic
def npc_create(*, world: World, room: Room | None, name: str, description: str = "", **attributes: Any) -> Character:
    clean = character_name_clean(name)
    character_name_check_free(world_id=world.pk, name=clean)
    npc = Character(
        world=world,
        is_npc=True,
        name=clean,
        room=room,
        description=description_clean(description) or "A nondescript adventurer.",
        **attributes,
    )
    with conflict_on_integrity_error(f"A character named '{clean}' already exists.", details={"name": clean}):
        npc.save()
    return npc


@transaction.atomic
def npc_move(*, npc: Character, room: Room | None) -> Character:
    """Place an NPC in `room`; None takes it out of every room (TinyMUD's /npc remove) without deleting it."""
    npc.room = room
    npc.save(update_fields=["room"])
    return npc


@transaction.atomic
def npc_describe(*, npc: Character, description: str) -> Character:
    npc.description = description_clean(description)
    npc.save(update_fields=["description"])
    return npc


@transaction.atomic
def npc_rename(*, npc: Character, name: str) -> Character:
    clean = character_name_clean(name)
    character_name_check_free(world_id=npc.world_id, name=clean, exclude_id=npc.pk)
    npc.name = clean
    with conflict_on_integrity_error(f"A character named '{clean}' already exists.", details={"name": clean}):
        npc.save(update_fields=["name"])
    return npc


def _sheet_save(npc: Character, sheet: dict[str, Any]) -> None:
    errors = sheet_errors(sheet)
    if errors:
        raise Invalid("; ".join(errors), details={"errors": errors})
    npc.sheet = sheet
    npc.save(update_fields=["sheet"])


@transaction.atomic
def npc_set_attribute(*, npc: Character, attribute: str, value: int) -> Character:
    spec = ATTRIBUTES.get(attribute)
    if spec is None:
        raise Invalid(
            f"Invalid attribute. Valid: {', '.join(ATTRIBUTES)}.",
            details={"attribute": attribute, "choices": list(ATTRIBUTES)},
        )
    where, low, high = spec
    if not low <= value <= high:
        raise Invalid(
            f"{attribute} must be between {low} and {high}.",
            details={"attribute": attribute, "min": low, "max": high},
        )
    if where == "column":
        setattr(npc, attribute, value)
        npc.save(update_fields=[attribute])
    else:
        _sheet_save(npc, {**npc.sheet, attribute: value})
    return npc


@transaction.atomic
def npc_set_aspect(*, npc: Character, aspect: str, text: str) -> Character:
    if aspect not in ASPECTS:
        raise Invalid(f"Aspect must be one of: {', '.join(ASPECTS)}.", details={"aspect": aspect})
    _sheet_save(npc, {**npc.sheet, aspect: text.strip()})
    return npc


@transaction.atomic
def npc_set_matrix(*, npc: Character, axis: str, value: int) -> Character:
    """Only the 15 psychosocial axes, each -10..10 (TinyMUD accepted any int attribute as an "axis")."""
    if axis not in MATRIX_AXES:
        raise Invalid(f"Axis must be one of: {', '.join(MATRIX_AXES)}.", details={"axis": axis})
    if not -10 <= value <= 10:
        raise Invalid("Matrix values are between -10 and 10.", details={"axis": axis, "value": value})
    matrix = {**(npc.sheet.get("matrix") or {}), axis: value}
    _sheet_save(npc, {**npc.sheet, "matrix": dict(sorted(matrix.items()))})
    return npc


@transaction.atomic
def npc_edit(
    *,
    npc: Character,
    name: str | None = None,
    description: str | None = None,
    room: Room | None = None,
    remove_from_room: bool = False,
    attributes: dict[str, int] | None = None,
    aspects: dict[str, str] | None = None,
    matrix: dict[str, int] | None = None,
) -> Character:
    """Several edits in one transaction: the first invalid one rolls all of them back."""
    if name is not None and name.strip() != npc.name:
        npc_rename(npc=npc, name=name)
    if description is not None:
        npc_describe(npc=npc, description=description)
    if room is not None:
        npc_move(npc=npc, room=room)
    elif remove_from_room:
        npc_move(npc=npc, room=None)
    for attribute, value in (attributes or {}).items():
        npc_set_attribute(npc=npc, attribute=attribute, value=value)
    for aspect, text in (aspects or {}).items():
        npc_set_aspect(npc=npc, aspect=aspect, text=text)
    for axis, value in (matrix or {}).items():
        npc_set_matrix(npc=npc, axis=axis, value=value)
    return npc


@dataclass
class NpcDeletion:
    name: str
    relationships: int
    memberships: int
    owned_items: int
    owned_rooms: int
    dropped_items: int
    locks_updated: int
    led_factions: int


@transaction.atomic
def npc_delete(*, npc: Character) -> NpcDeletion:
    """Delete an NPC everywhere: relationships and memberships go (cascade), what it owned becomes unowned,
    what it carried falls to the floor, and no lock policy keeps its id."""
    if not npc.is_npc:
        raise Invalid(f"'{npc.name}' is a player, not an NPC.", details={"name": npc.name})
    world = npc.world
    dropped = 0
    if npc.room_id is not None:
        for item in Item.objects.filter(character=npc).order_by("slot"):
            item.character, item.slot, item.room_id = None, None, npc.room_id
            item.save(update_fields=["character", "slot", "room"])
            dropped += 1
    result = NpcDeletion(
        name=npc.name,
        relationships=Relationship.objects.filter(source=npc).count() + Relationship.objects.filter(target=npc).count(),
        memberships=npc.memberships.count(),
        owned_items=npc.owned_items.count(),
        owned_rooms=npc.owned_rooms.count(),
        dropped_items=dropped,
        locks_updated=locks_forget_character(world=world, character_id=npc.pk),
        led_factions=Faction.objects.filter(leader=npc).count(),
    )
    npc.delete()
    return result


def relationship_label_clean(raw: str) -> str:
    label = " ".join(raw.split())
    if not label or len(label) > 64:
        raise Invalid("A relationship type is 1-64 characters.", details={"type": raw})
    return label


@transaction.atomic
def relationship_set(
    *, world: World, source: Character, target: Character, label: str, mutual: bool = False
) -> list[Relationship]:
    """TinyMUD's setrelation: `source` is `label` to `target` (and back, when mutual). Replaces any old label."""
    if source.pk == target.pk:
        raise Invalid("A character cannot have a relationship with itself.", details={"name": source.name})
    clean = relationship_label_clean(label)
    pairs = [(source, target), (target, source)] if mutual else [(source, target)]
    written = []
    for a, b in pairs:
        relationship, _ = Relationship.objects.update_or_create(
            world=world, source=a, target=b, defaults={"label": clean}
        )
        written.append(relationship)
    return written


@transaction.atomic
def relationship_remove(*, source: Character, target: Character) -> int:
    """TinyMUD's removerelations: both directions."""
    removed = 0
    for relationship in Relationship.objects.filter(source=source, target=target) | Relationship.objects.filter(
        source=target, target=source
    ):
        relationship.delete()
        removed += 1
    if not removed:
        raise NotFound("No relationships existed to remove.", details={"a": source.name, "b": target.name})
    return removed


@transaction.atomic
def npc_family_generate(*, world: World, room: Room, target: Character, relationship: str) -> Character:
    """TinyMUD's offline familygen: `<Target>'s <Relationship>`, unique-suffixed, with a mutual label."""
    label = relationship_label_clean(relationship)
    base = f"{target.name}'s {label.title()}"
    name = character_name_unique(world_id=world.pk, base=base)
    if len(name) < CHARACTER_NAME_MIN:  # pragma: no cover - a target name is at least 2 characters
        raise Invalid("Cannot build a name for the relative.")
    npc = npc_create(
        world=world,
        room=room,
        name=name,
        description=f"The {label.lower()} of {target.name}."[:CHARACTER_DESCRIPTION_MAX],
    )
    relationship_set(world=world, source=npc, target=target, label=label, mutual=True)
    return npc
