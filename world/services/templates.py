"""Item templates and item spawning (TinyMUD's /object createobject, the template wizard, list/delete).

TinyMUD's carry tags (small / large / Immovable) become `carry`; its satiation and hydration fields become
`Edible: N` / `Drinkable: N` tags, which take precedence there anyway.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from world.exceptions import Conflict, Invalid
from world.models import (
    CONTAINER_LARGE_SLOTS,
    CONTAINER_SMALL_SLOTS,
    HAND_SLOTS,
    ITEM_FIELDS,
    LARGE_SLOTS,
    SMALL_SLOTS,
    Carry,
    Character,
    Item,
    ItemTemplate,
    Room,
    World,
)
from world.services.conflicts import conflict_on_integrity_error
from world.services.rooms import room_key_sanitize
from world.validation import key_check_free, tags_clean, text_check, text_clean

CARRY_TAGS = {"small": Carry.SMALL, "large": Carry.LARGE, "immovable": Carry.FIXED}
TEXT_MAX = {"material": 64, "quality": 64, "loot_hint": 128, "weapon_type": 32, "armor_type": 32}
NUMBER_MAX = {"value": 2_147_483_647, "durability": 2_147_483_647, "weapon_damage": 32_767, "armor_defense": 32_767}
NUTRITION_TAG = re.compile(r"^(Edible|Drinkable):\s*(-?\d+)$")


def item_fields_clean(fields: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate and normalise template/item fields; TinyMUD's carry tags and nutrition numbers fold in."""
    clean = {k: v for k, v in fields.items() if v is not None}
    unknown = set(clean) - set(ITEM_FIELDS) - {"satiation", "hydration"}
    if unknown:
        raise Invalid(f"Unknown item fields: {', '.join(sorted(unknown))}.", details={"fields": sorted(unknown)})
    if "name" in clean or not partial:
        name = " ".join(text_check(str(clean.get("name", "")), field="name").split())
        if not name or len(name) > 128:
            raise Invalid("Display name required (at most 128 characters).", details={"name": clean.get("name")})
        clean["name"] = name
    if "tags" in clean or "satiation" in clean or "hydration" in clean or not partial:
        clean.update(
            _item_tags_fold(tags_clean(clean.get("tags")), clean.pop("satiation", None), clean.pop("hydration", None))
        )
        if "carry" in fields and fields["carry"] is not None:
            clean["carry"] = fields["carry"]
    if "carry" in clean and clean["carry"] not in Carry.values:
        raise Invalid("carry must be small, large or fixed.", details={"carry": clean["carry"]})
    for recipe in ("crafting_recipe", "deconstruct_recipe"):
        if recipe in clean:
            value = clean[recipe]
            if isinstance(value, str):  # TinyMUD accepted a csv string.
                value = [part.strip() for part in value.split(",") if part.strip()]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise Invalid(f"{recipe} must be a list of names.", details={recipe: clean[recipe]})
            clean[recipe] = [v.strip() for v in value]
    for number in ("value", "durability", "weapon_damage", "armor_defense"):
        if number in clean and (not isinstance(clean[number], int) or clean[number] < 0):
            raise Invalid(f"{number} must be a whole number of at least 0.", details={number: clean[number]})
    for number, high in NUMBER_MAX.items():
        if number in clean and clean[number] > high:
            raise Invalid(f"{number} must be at most {high}.", details={number: clean[number]})
    for text in ("description", "material", "quality", "loot_hint", "weapon_type", "armor_type"):
        if text in clean:
            clean[text] = text_clean(str(clean[text]), field=text)
            if text in TEXT_MAX and len(clean[text]) > TEXT_MAX[text]:
                raise Invalid(f"{text} is at most {TEXT_MAX[text]} characters.", details={text: clean[text][:80]})
    return clean


def _item_tags_fold(tags: list[str], satiation: int | None, hydration: int | None) -> dict[str, Any]:
    """TinyMUD's carry tags become `carry`, nutrition tags are checked; `tags` are already clean."""
    out: list[str] = []
    carry: str | None = None
    for tag in tags:
        if tag.casefold() in CARRY_TAGS:
            carry = CARRY_TAGS[tag.casefold()] if carry != Carry.FIXED else carry
            continue
        if tag.casefold() == "travel point":
            raise Invalid("Travel points are exits: create a door or portal instead.", details={"tag": tag})
        match = NUTRITION_TAG.match(tag)
        if tag.split(":")[0] in ("Edible", "Drinkable") and (match is None or int(match.group(2)) < 0):
            raise Invalid(f"'{tag}' needs a whole number of at least 0, like 'Edible: 10'.", details={"tag": tag})
        if tag not in out:
            out.append(tag)
    for label, amount in (("Edible", satiation), ("Drinkable", hydration)):
        if amount is None:
            continue
        if amount < 0:
            raise Invalid(f"{label} value must be at least 0.", details={label.lower(): amount})
        out = [t for t in out if not t.startswith(f"{label}:")] + [f"{label}: {amount}"]
    result: dict[str, Any] = {"tags": out}
    if carry is not None:
        result["carry"] = carry
    return result


@transaction.atomic
def template_create(*, world: World, key: str, **fields: Any) -> ItemTemplate:
    clean_key = room_key_sanitize(key)
    key_check_free(
        ItemTemplate.objects.filter(world=world),
        field="key",
        value=clean_key,
        message=f"Template '{clean_key}' already exists.",
    )
    clean = item_fields_clean(fields)
    if not clean.get("description"):
        raise Invalid("A template needs a description.", details={"key": clean_key})
    with conflict_on_integrity_error(f"Template '{clean_key}' already exists.", details={"key": clean_key}):
        return ItemTemplate.objects.create(world=world, key=clean_key, **clean)


@transaction.atomic
def template_update(*, template: ItemTemplate, **fields: Any) -> ItemTemplate:
    clean = item_fields_clean(fields, partial=True)
    if "description" in clean and not clean["description"]:
        raise Invalid("A template needs a description.", details={"key": template.key})
    for name, value in clean.items():
        setattr(template, name, value)
    if clean:
        template.save(update_fields=list(clean))
    return template


@transaction.atomic
def template_delete(*, template: ItemTemplate) -> int:
    """Delete a template; items made from it keep their copied fields. Returns how many items it had made."""
    made = template.items.count()
    template.delete()
    return made


def _slot_accepts(slot: int, carry: str) -> bool:
    if carry == Carry.FIXED:
        return False
    if slot in HAND_SLOTS:
        return True
    return (slot in SMALL_SLOTS and carry == Carry.SMALL) or (slot in LARGE_SLOTS and carry == Carry.LARGE)


def inventory_slot_pick(*, character: Character, carry: str, slot: int | None) -> int:
    """A free inventory slot that can hold `carry`: stowed first (small 2-5, large 6-7), then the hands."""
    if carry == Carry.FIXED:
        raise Invalid("That is immovable: it can only stand in a room.", details={"carry": carry})
    used = set(Item.objects.filter(character=character).values_list("slot", flat=True))
    if slot is not None:
        if not 0 <= slot <= 7 or not _slot_accepts(slot, carry):
            raise Invalid(f"Slot {slot} cannot hold a {carry} item.", details={"slot": slot, "carry": carry})
        if slot in used:
            raise Conflict(f"{character.name}'s slot {slot} is taken.", details={"slot": slot})
        return slot
    preferred = (SMALL_SLOTS if carry == Carry.SMALL else LARGE_SLOTS) + HAND_SLOTS
    for candidate in preferred:
        if candidate not in used:
            return candidate
    raise Conflict(f"{character.name} has no free slot for that.", details={"character": character.name})


def container_slot_pick(*, container: Item, carry: str, slot: int | None) -> int:
    if not any(t.casefold() == "container" for t in container.tags):
        raise Invalid(f"'{container.name}' is not a container.", details={"container": str(container.uuid)})
    if carry == Carry.FIXED:
        raise Invalid("That is immovable: it can only stand in a room.", details={"carry": carry})
    allowed = CONTAINER_SMALL_SLOTS if carry == Carry.SMALL else CONTAINER_LARGE_SLOTS
    used = set(Item.objects.filter(container=container).values_list("container_slot", flat=True))
    if slot is not None:
        if slot not in allowed:
            raise Invalid(f"Container slot {slot} cannot hold a {carry} item.", details={"slot": slot})
        if slot in used:
            raise Conflict(f"Slot {slot} of '{container.name}' is taken.", details={"slot": slot})
        return slot
    for candidate in allowed:
        if candidate not in used:
            return candidate
    raise Conflict(f"'{container.name}' has no free {carry} slot.", details={"container": str(container.uuid)})


@transaction.atomic
def item_spawn(
    *,
    world: World,
    template: ItemTemplate | None = None,
    room: Room | None = None,
    character: Character | None = None,
    slot: int | None = None,
    container: Item | None = None,
    container_slot: int | None = None,
    **overrides: Any,
) -> Item:
    """Create an item from a template (fields copied, overrides applied) or ad hoc, in exactly one place."""
    places = [p for p in (room, character, container) if p is not None]
    if len(places) != 1:
        raise Invalid("Put the item in exactly one place: a room, a character or a container.")
    if template is not None:
        base = {name: getattr(template, name) for name in ITEM_FIELDS}
        clean = {**base, **item_fields_clean(overrides, partial=True)}
    else:
        clean = item_fields_clean(overrides)
    if slot is not None and character is None:
        raise Invalid("An inventory slot needs a character.", details={"slot": slot})
    if container_slot is not None and container is None:
        raise Invalid("A container slot needs a container.", details={"container_slot": container_slot})
    item = Item(world=world, template=template, **clean)
    if room is not None:
        item.room = room
    elif character is not None:
        item.character = character
        item.slot = inventory_slot_pick(character=character, carry=item.carry, slot=slot)
    elif container is not None:
        item.container = container
        item.container_slot = container_slot_pick(container=container, carry=item.carry, slot=container_slot)
    with conflict_on_integrity_error("That slot was just taken; try again."):
        item.save()
    return item


@transaction.atomic
def item_delete(*, item: Item) -> int:
    """Delete an item and whatever it contains. Returns how many rows went."""
    contained = item.contents.count()
    item.delete()
    return 1 + contained
