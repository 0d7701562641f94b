"""`interact with <object>` (TinyMUD §3.5) as three calls: start (the numbered menu), choose, cancel.

The menu follows the object's tags exactly as TinyMUD defines them, in its order. Fixed from
TinyMUD: Pick Up records theft and never leaves an item in two places, Wield equips, Eat and
Drink feed, Sleep restores, Search's randomness can be seeded, an opened container can be
emptied, every failure has its message, and the world is saved through the façade (debounced:
one export per burst of steps, not one per step).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from persistence import facade
from world.consistency import has_tag
from world.exceptions import Conflict, Forbidden, Invalid, NotFound, Throttled
from world.fuzzy import fuzzy_matches, fuzzy_resolve
from world.models import (
    CONTAINER_LARGE_SLOTS,
    CONTAINER_SMALL_SLOTS,
    HAND_SLOTS,
    SLOT_LABELS,
    Carry,
    Character,
    EventKind,
    Exit,
    InteractionSession,
    Item,
    ItemTemplate,
)
from world.selectors import character_room, room_exits
from world.services.events import EventBatch, players_in_rooms
from world.services.items import character_free_slot, inventory_free_slot, theft_facts
from world.services.movement import character_move
from world.services.templates import item_spawn

NUTRITION_TAG = re.compile(r"^(Edible|Drinkable):\s*(\d+)\s*$")
CRAFT_SPOT = "craft spot:"
STEP_AWAY = "Step Away"
CANCEL_WORDS = {"cancel", "back", "exit", "quit", "step away"}
SLEEP_RESTORED_TO = 100.0
LOOT_CHANCE = 0.2

# Search's dice. Tests replace it with a seeded random.Random; production draws from the OS.
loot_rng: random.Random = random.SystemRandom()


def interaction_ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "MUDSITE_INTERACTION_TTL_S", 300))


def craft_cooldown_s() -> float:
    return float(getattr(settings, "MUDSITE_CRAFT_COOLDOWN_S", 2.0))


@dataclass
class Outcome:
    """What a chosen action did: the message for the actor and whether the menu is still open."""

    action: str
    message: str
    closed: bool = True
    data: dict[str, Any] = field(default_factory=dict)


def nutrition(item: Item, kind: str) -> int | None:
    """N from an 'Edible: N' / 'Drinkable: N' tag; None without one (a bare 'Edible' offers nothing)."""
    for tag in item.tags or []:
        match = NUTRITION_TAG.match(str(tag))
        if match and match.group(1) == kind and int(match.group(2)) > 0:
            return int(match.group(2))
    return None


def craft_keys(item: Item) -> list[str]:
    return [str(t)[len(CRAFT_SPOT) :].strip() for t in item.tags or [] if str(t).casefold().startswith(CRAFT_SPOT)]


def craft_labels(item: Item, templates: dict[str, ItemTemplate]) -> dict[str, str]:
    """Menu label → template key for each craft spot tag ("Craft ?" for an empty one)."""
    labels = {}
    for key in craft_keys(item):
        template = templates.get(key.casefold())
        labels[f"Craft {template.name if template else key or '?'}"] = key
    return labels


def item_actions(item: Item, templates: dict[str, ItemTemplate]) -> list[str]:
    """The menu for an item, in TinyMUD's order, always ending with Step Away."""
    actions = []
    if item.carry != Carry.FIXED and item.room_id is not None:
        actions.append("Pick Up")
    if has_tag(item, "weapon"):
        actions.append("Wield")
    if has_tag(item, "bed"):
        actions.append("Sleep")
    if (n := nutrition(item, "Edible")) is not None:
        actions.append(f"Eat (+{n})")
    if (n := nutrition(item, "Drinkable")) is not None:
        actions.append(f"Drink (+{n})")
    if has_tag(item, "container"):
        actions += ["Open", "Search"]
        if item.container_opened:
            actions += [f"Take {content.name}" for content in item.contents.order_by("container_slot")]
    actions += list(craft_labels(item, templates))
    if has_tag(item, "cutting damage"):
        actions.append("Cut")
    return [*actions, STEP_AWAY]


def _templates(world_id: int) -> dict[str, ItemTemplate]:
    return {t.key.casefold(): t for t in ItemTemplate.objects.filter(world_id=world_id)}


def _reachable_items(character: Character) -> list[Item]:
    """What one can interact with: the floor of the room, then what one carries."""
    room = character_room(character=character)
    return list(Item.objects.filter(room=room).order_by("name", "pk")) + list(
        Item.objects.filter(character=character).order_by("slot")
    )


@transaction.atomic
def interaction_start(*, character: Character, object_name: str) -> InteractionSession:
    """Open the menu for an item here or carried, or an exit here; replaces any open interaction."""
    items = _reachable_items(character)
    exits = room_exits(room=character_room(character=character))
    candidates: list[Item | Exit] = [*items, *exits]
    if not fuzzy_matches(object_name, candidates, lambda c: c.name):
        raise NotFound(f"You don't see '{object_name}' here.", details={"query": object_name})
    target = fuzzy_resolve(object_name, candidates, lambda c: c.name, what="object")
    if isinstance(target, Exit):
        actions = ["Move Through", STEP_AWAY]
        link: dict[str, Any] = {"item": None, "exit": target}
    else:
        actions = item_actions(target, _templates(character.world_id))
        link = {"item": target, "exit": None}
    session, _ = InteractionSession.objects.update_or_create(
        character=character, defaults={"target_name": target.name, "actions": actions, **link}
    )
    _room_events(
        character, EventKind.INTERACT, f"{character.name} examines the {target.name}.", {"object": target.name}
    )
    return session


def interaction_current(*, character: Character) -> InteractionSession:
    session = (
        InteractionSession.objects.select_related("item", "exit")
        .filter(character=character, updated_at__gte=timezone.now() - interaction_ttl())
        .first()
    )
    if session is None:  # none, or expired (an expired row is simply replaced by the next start)
        raise Conflict("You are not interacting with anything. Start with interact.", code="no_interaction")
    return session


def choice_resolve(choice: str, actions: list[str]) -> str:
    """A number, an exact label (any case) or a unique prefix; cancel words mean Step Away."""
    wanted = str(choice).strip()
    if wanted.isdigit() and 1 <= int(wanted) <= len(actions):
        return actions[int(wanted) - 1]
    if wanted.casefold() in CANCEL_WORDS:
        return STEP_AWAY
    exact = [a for a in actions if a.casefold() == wanted.casefold()]
    prefixed = [a for a in actions if a.casefold().startswith(wanted.casefold())] if wanted else []
    found = exact or prefixed
    if len(found) == 1:
        return found[0]
    menu = [{"number": n, "label": a} for n, a in enumerate(actions, 1)]
    if len(found) > 1:
        raise Conflict(f"Which one: {', '.join(found)}?", code="ambiguous", details={"actions": menu})
    raise Invalid(
        "I didn't catch that. Choose a number or an action.", code="unknown_choice", details={"actions": menu}
    )


@transaction.atomic
def interaction_choose(*, character: Character, choice: str) -> Outcome:
    session = interaction_current(character=character)
    action = choice_resolve(choice, session.actions)
    if action == STEP_AWAY:
        session.delete()
        return Outcome(STEP_AWAY, f"You step away from the {session.target_name}.")
    if session.exit is not None and session.exit.source_id == character.room_id:
        session.delete()
        exit_ = character_move(character=character, exit_name=session.exit.name)
        return Outcome(action, f"You move through the {exit_.name}.", data={"room": exit_.destination.key})
    item = session.item
    if item is None or not _still_reachable(item, character):
        session.delete()
        raise Conflict(f"The {session.target_name} is no longer here.", code="gone")
    outcome = _perform(action, item, character)
    if outcome.closed:
        session.delete()
    else:
        session.actions = item_actions(Item.objects.get(pk=item.pk), _templates(character.world_id))
        session.save(update_fields=["actions", "updated_at"])
    return outcome


def interaction_cancel(*, character: Character) -> Outcome:
    session = interaction_current(character=character)
    session.delete()
    return Outcome(STEP_AWAY, f"You step away from the {session.target_name}.")


def _still_reachable(item: Item, character: Character) -> bool:
    item.refresh_from_db()
    return item.room_id == character.room_id or item.character_id == character.pk


def _perform(action: str, item: Item, character: Character) -> Outcome:
    if action == "Pick Up":
        return _pick_up(item, character)
    if action == "Wield":
        return _wield(item, character)
    if action == "Sleep":
        return _sleep(item, character)
    if action.startswith(("Eat", "Drink")):
        return _consume(item, character, "Edible" if action.startswith("Eat") else "Drinkable", action)
    if action == "Open":
        return _open(item, character)
    if action == "Search":
        return _search(item, character)
    if action.startswith("Take "):
        return _take_out(item, character, action.removeprefix("Take "))
    if action.startswith("Craft "):
        return _craft(item, character, action)
    if action == "Cut":
        return Outcome(action, f"You attempt to cut the {item.name}.")
    raise Invalid(f"'{action}' cannot be done here.", code="unknown_choice")


def _room_events(
    character: Character, kind: EventKind, text: str, data: dict[str, Any], own: str | None = None
) -> None:
    room_id = character.room_id or 0
    batch = EventBatch(world_id=character.world_id)
    batch.add(
        recipients=players_in_rooms(room_ids=[room_id]).get(room_id, []),
        kind=kind,
        actor=character.name,
        text=text,
        data=data,
        actor_id=character.pk,
        actor_text=own,
    )
    batch.write()


def _carry_into(item: Item, character: Character, slot: int) -> None:
    item.room = None
    item.container = None
    item.container_slot = None
    item.character = character
    item.slot = slot
    item.save(update_fields=["room", "container", "container_slot", "character", "slot"])


def _record_taking(item: Item, character: Character, verb: str, source: str = "") -> None:
    """A take from the floor is seen by the room; taking another's property is seen as theft."""
    owner = item.owner if item.owner_id not in (None, character.pk) else None
    if owner is not None:
        text = f"{character.name} {verb} the {item.name}{source}, which belongs to {owner.name}!"
        room = character_room(character=character)
        _room_events(character, EventKind.THEFT, text, {"item": item.name, "owner": owner.name, **theft_facts(room)})
    else:
        text = f"{character.name} {verb} the {item.name}{source}."
        _room_events(character, EventKind.TAKE, text, {"item": item.name})


def _pick_up(item: Item, character: Character) -> Outcome:
    if item.room_id is None:
        raise Conflict(f"You already have the {item.name}.", code="already_carried")
    if item.carry == Carry.FIXED:
        raise Conflict(f"The {item.name} cannot be picked up.", code="immovable")
    slot = character_free_slot(character=character, carry=item.carry)
    if slot is None:
        size = "large" if item.carry == Carry.LARGE else "small"
        raise Conflict(f"No {size} slot available to stow it, and your hands are full.", code="inventory_full")
    _record_taking(item, character, "picks up")
    _carry_into(item, character, slot)
    facade.save_world(character.world)
    return Outcome("Pick Up", f"You pick up the {item.name}.", data={"slot": slot, "slot_label": SLOT_LABELS[slot]})


def _wield(item: Item, character: Character) -> Outcome:
    if item.character_id == character.pk and item.slot in HAND_SLOTS:
        message = f"You are already holding the {item.name}."
    else:
        if item.carry == Carry.FIXED:
            raise Conflict(f"The {item.name} cannot be held.", code="immovable")
        held = set(Item.objects.filter(character=character, slot__in=HAND_SLOTS).values_list("slot", flat=True))
        hand = next((h for h in reversed(HAND_SLOTS) if h not in held), None)
        if hand is None:
            raise Conflict("Your hands are full.", code="hands_full")
        if item.room_id is not None:
            _record_taking(item, character, "takes up")
        _carry_into(item, character, hand)
        message = f"You wield the {item.name} in your {SLOT_LABELS[hand].lower()}."
    character.equipped_weapon = item
    character.save(update_fields=["equipped_weapon"])
    _room_events(character, EventKind.WIELD, f"{character.name} wields the {item.name}.", {"item": item.name}, message)
    facade.save_world(character.world)
    return Outcome("Wield", message, data={"slot": item.slot})


def _sleep(item: Item, character: Character) -> Outcome:
    if item.room_id != character.room_id:
        raise Conflict("You can't sleep on that: put it down first.", code="not_here")
    if item.owner_id != character.pk:
        raise Forbidden("You can only sleep in a bed you own.", code="not_your_bed")
    character.sleep = SLEEP_RESTORED_TO
    character.home_bed = item
    character.save(update_fields=["sleep", "home_bed"])
    text = f"{character.name} takes a quick rest on their bed."
    message = "You feel well rested. This bed is now where you wake up."
    _room_events(character, EventKind.SLEEP, text, {"item": item.name}, message)
    facade.save_world(character.world)
    return Outcome("Sleep", message, data={"sleep": character.sleep})


def _consume(item: Item, character: Character, kind: str, action: str) -> Outcome:
    amount = nutrition(item, kind)
    if amount is None:
        raise Conflict(f"This item requires a numeric '{kind}: N' tag to be used.", code="no_nutrition")
    need = "hunger" if kind == "Edible" else "thirst"
    setattr(character, need, min(100.0, getattr(character, need) + amount))
    character.save(update_fields=[need])
    templates = _templates(character.world_id)
    room = character_room(character=character)
    leftovers = [
        item_spawn(world=character.world, template=templates[str(key).casefold()], room=room)
        for key in item.deconstruct_recipe or []
        if str(key).casefold() in templates
    ]
    item.delete()
    verb = "eat" if kind == "Edible" else "drink"
    message = f"You {verb} the {item.name}."
    if leftovers:
        message += f" The following appeared on the floor: {', '.join(i.name for i in leftovers)}."
    text = f"{character.name} {verb}s the {item.name}."
    _room_events(character, EventKind.CONSUME, text, {"item": item.name, need: amount}, message)
    facade.save_world(character.world)
    return Outcome(action, message, data={need: getattr(character, need), "leftovers": [i.name for i in leftovers]})


def _contents_text(container: Item) -> str:
    contents = list(container.contents.order_by("container_slot"))
    if not contents:
        return f"You open the {container.name}. It's empty."
    small = [i.name for i in contents if i.container_slot in CONTAINER_SMALL_SLOTS] or ["nothing"]
    large = [i.name for i in contents if i.container_slot in CONTAINER_LARGE_SLOTS] or ["nothing"]
    return f"You open the {container.name}. Inside: Small: {', '.join(small)}; Large: {', '.join(large)}"


def _open(item: Item, character: Character) -> Outcome:
    if not item.container_searched:
        raise Conflict(f"You should search the {item.name} before opening it.", code="not_searched")
    if not item.container_opened:
        item.container_opened = True
        item.save(update_fields=["container_opened"])
        facade.save_world(character.world)
    contents = [i.name for i in item.contents.order_by("container_slot")]
    return Outcome("Open", _contents_text(item), closed=not contents, data={"contents": contents})


def _search(item: Item, character: Character) -> Outcome:
    if item.container_searched:
        raise Conflict(f"You've already searched the {item.name}.", code="already_searched")
    item.container_searched = True
    item.save(update_fields=["container_searched"])
    found = None
    if loot_rng.random() < LOOT_CHANCE:
        hinted = [t for t in _templates(character.world_id).values() if t.loot_hint.casefold() == item.name.casefold()]
        taken = set(item.contents.values_list("container_slot", flat=True))
        fitting = [t for t in sorted(hinted, key=lambda t: t.key) if _container_slot(t.carry, taken) is not None]
        if fitting:
            template = loot_rng.choice(fitting)
            found = item_spawn(
                world=character.world,
                template=template,
                container=item,
                container_slot=_container_slot(template.carry, taken),
            )
    message = f"You search the {item.name}."
    message += f" You find a {found.name}!" if found else " You don't find anything of value."
    text = f"{character.name} searches the {item.name}."
    _room_events(
        character, EventKind.SEARCH, text, {"item": item.name, "found": found.name if found else None}, message
    )
    facade.save_world(character.world)
    return Outcome("Search", message, data={"found": found.name if found else None})


def _container_slot(carry: str, taken: set[int | None]) -> int | None:
    slots = {Carry.SMALL: CONTAINER_SMALL_SLOTS, Carry.LARGE: CONTAINER_LARGE_SLOTS}.get(Carry(carry), ())
    return next((s for s in slots if s not in taken), None)


def _take_out(container: Item, character: Character, name: str) -> Outcome:
    if not container.container_opened:
        raise Conflict(f"The {container.name} is closed.", code="closed")
    item = container.contents.filter(name=name).order_by("container_slot").first()
    if item is None:
        raise Conflict(f"The {name} is no longer in the {container.name}.", code="gone")
    slot = character_free_slot(character=character, carry=item.carry)
    if slot is None:
        raise Conflict(f"You have no room to carry the {item.name}.", code="inventory_full")
    _record_taking(item, character, "takes", f" from the {container.name}")
    _carry_into(item, character, slot)
    facade.save_world(character.world)
    still_inside = container.contents.exists()
    return Outcome(f"Take {name}", f"You take the {item.name} from the {container.name}.", closed=not still_inside)


def _craft(spot: Item, character: Character, action: str) -> Outcome:
    templates = _templates(character.world_id)
    key = craft_labels(spot, templates).get(action, "")
    if not key:
        raise Conflict("This crafting spot is misconfigured or offers nothing to craft.", code="misconfigured")
    template = templates.get(key.casefold())
    if template is None:
        raise Conflict(f"Crafting failed: template '{key}' not found.", code="template_missing")
    if not cache.add(f"mudsite:craft:{character.pk}", 1, timeout=craft_cooldown_s()):
        raise Throttled("You are crafting too quickly. Take a breath and try again.")
    needed = Counter(str(c).casefold() for c in template.crafting_recipe or [])
    carried = list(Item.objects.filter(character=character).order_by("slot"))
    by_name: dict[str, list[Item]] = {}
    for thing in carried:
        by_name.setdefault(thing.name.casefold(), []).append(thing)
    missing = {name: n - len(by_name.get(name, [])) for name, n in needed.items() if len(by_name.get(name, [])) < n}
    if missing:
        names = {str(c).casefold(): str(c) for c in template.crafting_recipe}
        listed = ", ".join(f"{n}x {names[k]}" if n > 1 else names[k] for k, n in missing.items())
        raise Conflict(f"You lack the required components to craft this: {listed}", code="missing_components",
                       details={"missing": {names[k]: n for k, n in missing.items()}})  # fmt: skip
    used = [thing.pk for name, n in needed.items() for thing in by_name[name][:n]]
    Item.objects.filter(pk__in=used).delete()
    occupied = set(Item.objects.filter(character=character).values_list("slot", flat=True))
    slot = inventory_free_slot(carry=template.carry, occupied={s for s in occupied if s is not None})
    if slot is None:
        product = item_spawn(world=character.world, template=template, room=character_room(character=character))
    else:
        product = item_spawn(world=character.world, template=template, character=character, slot=slot)
    message = f"You craft a {product.name}." + ("" if slot is not None else " It lands on the floor.")
    text = f"{character.name} crafts a {product.name}."
    _room_events(character, EventKind.CRAFT, text, {"item": product.name, "used": len(used)}, message)
    facade.save_world(character.world)
    return Outcome(action, message, data={"item": product.name, "slot": slot})
