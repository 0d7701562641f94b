"""Plan steps carried out through the services players use (one rulebook, DESIGN §7).

Each step runs in its own savepoint: a refused step (a locked door, a missing item, full hands,
a malformed step from a hand-edited file) rolls back alone, the room sees "X hesitates." and a
grumble, and the rest of that plan is dropped. Nothing here writes a row a player could not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from world.exceptions import WorldError
from world.models import Character, EventKind
from world.selectors import character_room, look_at
from world.services.events import EventBatch, players_in_rooms
from world.services.interactions import interaction_choose, interaction_start
from world.services.items import item_claim, item_drop, item_take
from world.services.movement import character_move
from world.services.speech import speech_gesture, speech_say
from world.simulation.memory import bump_stat, remember
from world.simulation.needs import SLEEP_TICKS
from world.simulation.snapshot import Being

logger = logging.getLogger(__name__)

SAY_GAIN = 10.0
EMOTE_GAIN = 15.0
GRUMBLES = {
    "locked": "Blasted door is locked!",
    "not_found": "Where has it gone? I could have sworn it was here.",
    "gone": "Someone got to it before me!",
    "inventory_full": "I can't carry any more!",
    "hands_full": "My hands are full!",
    "nowhere": "Where am I?",
    "not_your_bed": "That's not my bed.",
    "owned_by_other": "That belongs to someone else.",
    "immovable": "It won't budge!",
}


class StepFailed(WorldError):
    code = "bad_step"


@dataclass
class Turn:
    """What one tick's executor did, for the clock to write once."""

    tick: int
    events: EventBatch
    social_gain: dict[int, float] = field(default_factory=dict)
    thefts: list[tuple[str, int | None, str]] = field(default_factory=list)  # (thief, room id, item)
    entered: dict[int, set[int]] = field(default_factory=dict)  # character id → rooms walked into (patrols)
    acted: int = 0
    failed: int = 0


def _arg(args: Any, name: str) -> str:
    value = args.get(name) if isinstance(args, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise StepFailed(f"I forgot what I meant to {name}.", code="bad_step")
    return value


def _room_line(turn: Turn, character: Character, text: str, data: dict[str, Any] | None = None) -> None:
    room_id = character.room_id or 0
    turn.events.add(
        recipients=players_in_rooms(room_ids=[room_id]).get(room_id, []),
        kind=EventKind.NPC_ACTION,
        actor=character.name,
        text=text,
        data=data or {},
    )


def _use(character: Character, name: str, choice: str) -> None:
    interaction_start(character=character, object_name=name)
    interaction_choose(character=character, choice=choice)


def perform(turn: Turn, character: Character, being: Being, entry: Any) -> None:
    """Carry out one step or raise a WorldError (the caller grumbles)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("tool"), str):
        raise StepFailed("I forgot what I was doing.")
    tool, args = entry["tool"], entry.get("args") or {}
    if character.room_id is None:
        character_room(character=character)  # raises "nowhere"
    if tool == "move":
        room_key = character.room.key if character.room else ""
        exit_ = character_move(character=character, exit_name=_arg(args, "exit"))
        being.room_id = character.room_id
        turn.entered.setdefault(being.id, set()).add(exit_.destination_id)
        bump_stat(being, "rooms_visited")
        if isinstance(args, dict) and args.get("explore"):
            remember(being, turn.tick, "explored_exit", room=room_key, exit=exit_.name)
    elif tool == "take":
        # `/play/take`'s service: a theft is recorded as a player's is (the owner stays the owner).
        taken = item_take(character=character, item_name=_arg(args, "item"))
        if taken.owner_id not in (None, character.pk):
            turn.thefts.append((character.name, character.room_id, taken.name))
            bump_stat(being, "thefts")
    elif tool in ("eat", "drink"):
        _use(character, _arg(args, "item"), "Eat" if tool == "eat" else "Drink")
        being.hunger, being.thirst = character.hunger, character.thirst
    elif tool == "claim":
        item_claim(character=character, item_name=_arg(args, "item"))
    elif tool == "sleep":
        _use(character, _arg(args, "item"), "Sleep")
        being.sleep = character.sleep
        being.sheet["sleeping_ticks"] = SLEEP_TICKS
        being.sheet_changed = True
    elif tool == "drop":
        item_drop(character=character, item_name=_arg(args, "item"))
    elif tool == "say":
        speech_say(character=character, text=_arg(args, "text"))
        turn.social_gain[character.pk] = turn.social_gain.get(character.pk, 0.0) + SAY_GAIN
    elif tool == "emote":
        speech_gesture(character=character, verb=_arg(args, "verb"))
        turn.social_gain[character.pk] = turn.social_gain.get(character.pk, 0.0) + EMOTE_GAIN
    elif tool == "look":
        seen = look_at(character=character, target=_arg(args, "item"))
        _room_line(turn, character, f"{character.name} examines the {seen['name']}.", {"item": seen["name"]})
        remember(being, turn.tick, "investigated_object", object=seen["name"])
    elif tool == "report":
        actor = _arg(args, "actor")
        speech_say(character=character, text=f"Guards! I witnessed a crime by {actor}!")
        remember(being, turn.tick, "reported_crime", actor=actor, crime_tick=args.get("crime_tick"))
        bump_stat(being, "crimes_reported")
        turn.social_gain[character.pk] = turn.social_gain.get(character.pk, 0.0) + SAY_GAIN
    else:
        raise StepFailed(f"I cannot {tool} because I don't know how!")


def grumble(turn: Turn, character: Character, error: Exception) -> None:
    if isinstance(error, WorldError):
        reason = GRUMBLES.get(error.code) or error.message
    else:
        reason = "Something went terribly wrong."
    _room_line(turn, character, f"{character.name} hesitates.", {"failed": True})
    _room_line(turn, character, f'{character.name} grumbles loudly: "{reason}"', {"failed": True})


def run_plan(turn: Turn, character: Character, being: Being) -> None:
    """min(AP, plan length) steps; each costs 1 AP, a failure too, and ends the plan."""
    plan = being.sheet.get("plan_queue")
    plan = list(plan) if isinstance(plan, list) else [plan]
    ap = max(0, being.sheet_int("action_points", 0))
    steps = min(ap, len(plan))
    done = 0
    failed = False
    for entry in plan[:steps]:
        done += 1
        try:
            with transaction.atomic():
                perform(turn, character, being, entry)
            turn.acted += 1
        except Exception as error:  # a bad step must never stop the clock
            if not isinstance(error, WorldError):
                logger.exception("NPC %s: step %r failed", character.name, entry)
            character.refresh_from_db()
            being.room_id = character.room_id
            turn.failed += 1
            grumble(turn, character, error)
            failed = True
            break
    being.sheet["plan_queue"] = [] if failed else plan[done:]
    being.sheet["action_points"] = ap - done
    being.sheet_changed = True
