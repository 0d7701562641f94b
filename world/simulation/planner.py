"""The offline planner (TinyMUD's `_npc_offline_plan`, server.py:870-971), deterministic and pure.

Goals in TinyMUD's order: safety, hunger, thirst, curiosity, social, sleep, wealth, idle. Each
goal expands to a fixed recipe (walk there, take it, eat it), with routes from `paths.Router`.
Fixed: nothing matching a need means no plan (TinyMUD grabbed "any nutritious object"), an item
without a value is never compared to a number (its TypeError), and NPCs plan only with what they
may use: their own or unowned food and beds, unlocked exits.
"""

from __future__ import annotations

from typing import Any

from world.models import Carry
from world.simulation.memory import recalled
from world.simulation.needs import NEED_THRESHOLD
from world.simulation.paths import Router
from world.simulation.snapshot import BED_TAG, Being, Snapshot, Thing

Step = dict[str, Any]
SAFETY_THRESHOLD = 30


def step(tool: str, **args: Any) -> Step:
    return {"tool": tool, "args": args}


def usable(thing: Thing, being: Being) -> bool:
    return thing.owner_id in (None, being.id)


def investigated(being: Being) -> set[str]:
    return {str(m.get("object")) for m in recalled(being, "investigated_object")}


def first_exit(snapshot: Snapshot, being: Being) -> Step | None:
    for way in snapshot.ways_from.get(being.room_id or 0, []):
        if not way.is_locked or being.id in way.allow_ids:
            return step("move", exit=way.name)
    return None


def consume_plan(snapshot: Snapshot, router: Router, being: Being, kind: str) -> list[Step]:
    """Eat/drink: from the inventory, else here, else the nearest room with something usable."""
    tool = "eat" if kind == "Edible" else "drink"
    for thing in snapshot.things_carried.get(being.id, []):
        if thing.nutrition(kind):
            return [step(tool, item=thing.name)]

    def fits(thing: Thing) -> bool:
        return bool(thing.nutrition(kind)) and usable(thing, being)

    def recipe(thing: Thing) -> list[Step]:
        if thing.carry == Carry.FIXED:
            return [step(tool, item=thing.name)]
        return [step("take", item=thing.name), step(tool, item=thing.name)]

    here = next((t for t in snapshot.things_in_room.get(being.room_id or 0, []) if fits(t)), None)
    if here is not None:
        return recipe(here)
    if being.room_id is None:
        return []
    # Ownership is per NPC, so only unowned supplies make a shared tree; own ones are in `here`
    # or found through the NPC's own tree (rare: NPCs seldom own food far away).
    key = ("supply", kind)
    found = router.route(being.room_id, key, lambda: [
        room for room, things in snapshot.things_in_room.items()
        if any(t.nutrition(kind) and t.owner_id is None for t in things)
    ])  # fmt: skip
    if found is None:
        return []
    ways, room = found
    target = next(t for t in snapshot.things_in_room[room] if fits(t))
    return [step("move", exit=w.name) for w in ways] + recipe(target)


def bed_rooms_by_owner(snapshot: Snapshot) -> dict[int, list[int]]:
    """Owner id → rooms holding a bed they own; one pass per tick, kept on the snapshot."""
    found = snapshot.memo.get("bed_rooms_by_owner")
    if found is None:
        found = {}
        for room, things in snapshot.things_in_room.items():
            for owner in {t.owner_id for t in things if t.owner_id is not None and t.has_tag(BED_TAG)}:
                found.setdefault(owner, []).append(room)
        snapshot.memo["bed_rooms_by_owner"] = found
    return found


def sleep_plan(snapshot: Snapshot, router: Router, being: Being) -> list[Step]:
    """An owned bed (TinyMUD's rule), else claim the nearest unowned one first."""
    if being.room_id is None:
        return []
    here = snapshot.things_in_room.get(being.room_id, [])
    own = next((t for t in here if t.has_tag(BED_TAG) and t.owner_id == being.id), None)
    if own is not None:
        return [step("sleep", item=own.name)]
    own_rooms = bed_rooms_by_owner(snapshot).get(being.id)
    found = router.route(being.room_id, ("own bed", being.id), lambda: own_rooms or []) if own_rooms else None
    if found is not None:
        ways, room = found
        bed = next(t for t in snapshot.things_in_room[room] if t.has_tag(BED_TAG) and t.owner_id == being.id)
        return [step("move", exit=w.name) for w in ways] + [step("sleep", item=bed.name)]
    found = router.route(being.room_id, "free bed", lambda: [
        room for room, things in snapshot.things_in_room.items()
        if any(t.has_tag(BED_TAG) and t.owner_id is None for t in things)
    ])  # fmt: skip
    if found is None:
        return []
    ways, room = found
    bed = next(t for t in snapshot.things_in_room[room] if t.has_tag(BED_TAG) and t.owner_id is None)
    return [step("move", exit=w.name) for w in ways] + [step("claim", item=bed.name), step("sleep", item=bed.name)]


def emote_verb(being: Being) -> str:
    return "glare around the room assertively" if being.aggression > 60 else "hum a tune to themself"


def offline_plan(snapshot: Snapshot, router: Router, being: Being) -> list[Step]:
    """The first goal that applies, as steps; [] means idle (no step, no noise)."""
    wealth_desire = being.sheet_int("wealth_desire", 50)
    here = snapshot.things_in_room.get(being.room_id or 0, [])
    if being.safety < SAFETY_THRESHOLD and (flee := first_exit(snapshot, being)) is not None:
        return [flee]
    if being.hunger < NEED_THRESHOLD and (plan := consume_plan(snapshot, router, being, "Edible")):
        return plan
    if being.thirst < NEED_THRESHOLD and (plan := consume_plan(snapshot, router, being, "Drinkable")):
        return plan
    if being.curiosity > 60 and being.confidence > 40:
        seen = investigated(being)
        unseen = next((t for t in here if t.name not in seen), None)
        if unseen is not None:
            return [step("look", item=unseen.name)]
    if being.socialization < NEED_THRESHOLD:
        return [step("emote", verb=emote_verb(being))]
    if being.sleep < NEED_THRESHOLD and (plan := sleep_plan(snapshot, router, being)):
        return plan
    if wealth_desire > 60 and being.currency < 20:
        valuable = next((t for t in here if (t.value or 0) > 10 and t.owner_id != being.id), None)
        if valuable is not None and being.responsibility > 60:
            return [step("emote", verb=f"eye the {valuable.name} wistfully")]
        if valuable is not None and being.responsibility < 40 and valuable.carry != Carry.FIXED:
            return [step("take", item=valuable.name)]
    return []


def patrol_plan(router: Router, being: Being, room_id: int) -> list[Step]:
    """Walk to a patrol duty's room through unlocked exits (the shared route tree of that room)."""
    if being.room_id is None or being.room_id == room_id:
        return []
    found = router.route(being.room_id, ("duty room", room_id), lambda: [room_id])
    return [step("move", exit=w.name) for w in found[0]] if found else []
