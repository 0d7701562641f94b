"""The setup wizard in one call (TinyMUD's setup_service), manual or quick, with its bugs fixed:

- quick mode generates the start room and first NPC deterministically from the world's name and stops there
  (TinyMUD went on through the manual steps and replaced the start room);
- nothing is overwritten: a taken room key is refused (manual) or suffixed (quick);
- the result is saved once, immediately.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from persistence import facade
from world.exceptions import Conflict, Invalid
from world.models import Character, Room, World
from world.services.npcs import npc_create
from world.services.rooms import room_create, room_key_sanitize, room_key_unique
from world.services.worlds import actor_character, goap_flag_parse, goap_mode_set, safety_level_parse
from world.validation import CHARACTER_NAME_MAX, character_name_unique

NPC_TITLES = ("Guardian", "Guide", "Keeper")


@dataclass
class RoomSpec:
    key: str
    description: str
    name: str = ""


@dataclass
class NpcSpec:
    name: str
    description: str


@dataclass
class SetupResult:
    world: World
    start_room: Room
    npc: Character | None
    mode: str


def _validate_text(value: str, *, label: str, low: int, high: int | None = None) -> str:
    text = value.strip()
    if len(text) < low or (high is not None and len(text) > high):
        bound = f"{low}-{high} characters" if high else f"at least {low} characters"
        raise Invalid(f"{label} must be {bound}.", details={label.lower().replace(" ", "_"): value})
    return text


def quick_specs(*, name: str, description: str) -> tuple[RoomSpec, NpcSpec]:
    """The deterministic quick world: the start room is keyed from the name, and the NPC is its Guardian,
    Guide or Keeper depending on the name's length (TinyMUD's offline fallback)."""
    ascii_name = re.sub(r"[^A-Za-z0-9_ ]", "", name).strip()
    key = room_key_sanitize(ascii_name).lower() if ascii_name else "start"
    title = NPC_TITLES[len(name) % len(NPC_TITLES)]
    npc_name = f"{name[: CHARACTER_NAME_MAX - len(title) - 1].strip()} {title}"
    room = RoomSpec(
        key=key,
        name=name,
        description=f"The heart of {name}. {description}",
    )
    npc = NpcSpec(name=npc_name, description=f"The {title.lower()} of {name}, watchful and patient.")
    return room, npc


@transaction.atomic
def world_setup(
    *,
    world: World,
    actor: Any,
    name: str,
    description: str,
    conflict: str,
    safety_level: str = "G",
    advanced_goap: bool | str = False,
    mode: str = "manual",
    start_room: RoomSpec | None = None,
    npc: NpcSpec | None = None,
) -> SetupResult:
    world = World.objects.select_for_update().get(pk=world.pk)
    if world.setup_complete:
        raise Conflict("Setup is already complete. Use purge to reset the world first.", code="setup_complete")
    name = _validate_text(name, label="World name", low=2, high=64)
    description = _validate_text(description, label="Description", low=10)
    conflict = _validate_text(conflict, label="Conflict", low=5)
    level = safety_level_parse(safety_level)
    goap = goap_flag_parse(advanced_goap)
    if mode == "quick":
        if start_room is not None or npc is not None:
            raise Invalid("Quick setup generates the start room and NPC; leave start_room and npc out.")
        room_spec, npc_spec = quick_specs(name=name, description=description)
        room_spec.key = room_key_unique(world=world, base=room_spec.key)
        npc_spec.name = character_name_unique(world_id=world.pk, base=npc_spec.name)
        chosen_npc: NpcSpec | None = npc_spec
    elif mode == "manual":
        if start_room is None:
            raise Invalid("Manual setup needs a start_room {key, description}.")
        room_spec, chosen_npc = start_room, npc
    else:
        raise Invalid("mode must be 'manual' or 'quick'.", details={"mode": mode})

    room = room_create(world=world, key=room_spec.key, name=room_spec.name, description=room_spec.description)
    created_npc = None
    if chosen_npc is not None:
        created_npc = npc_create(world=world, room=room, name=chosen_npc.name, description=chosen_npc.description)
    world.name, world.description, world.conflict, world.safety_level = name, description, conflict, level
    goap_mode_set(world=world, enabled=goap)
    world.start_room = room
    world.setup_complete = True
    world.save()
    mine = actor_character(world=world, user=actor)
    if mine is not None:  # TinyMUD moved the admin into the new start room.
        mine.room = room
        mine.save(update_fields=["room"])
    facade.save_world(world, debounced=False)
    return SetupResult(world=world, start_room=room, npc=created_npc, mode=mode)
