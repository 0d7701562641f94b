"""Ambitions (TinyMUD's ambition_service.py): the Maslow gate, the daily epiphany, milestones.

Pure functions over a tick's snapshot. Each ambition is defined once, here (TinyMUD defined
`evaluate_epiphany` twice, defect 8), and every milestone reads a value that really moves
(TinyMUD never wrote `lifetime_stats`, defect 7): `stat_<name>` milestones read
`sheet.lifetime_stats[<name>]`, which the executor, the combat service and the duty check bump
where the event happens.
"""

from __future__ import annotations

from typing import Any

from world.models import EventKind
from world.services.events import EventBatch
from world.simulation.memory import recalled
from world.simulation.planner import Step, step
from world.simulation.snapshot import Being, Snapshot, Way

MASLOW_GATE = 30.0
MILESTONE_STATUS_GAIN = 20
STAT_PREFIX = "stat_"

# (id, name, description, milestones as (description, target type, target value)), in the order
# the epiphany tries them. Kinds with no counter in mudsite (TinyMUD's friends made, parties hosted,
# thanks received) are replaced by ones that move: crimes reported, a rare find, a faction role.
AMBITIONS: dict[str, tuple[str, str, tuple[tuple[str, str, Any], ...]]] = {
    "tycoon": (
        "Merchant Tycoon",
        "I want to amass a fortune.",
        (("Earn first 100 gold", "currency", 100), ("Earn 500 gold", "currency", 500),
         ("Earn 1000 gold", "currency", 1000)),
    ),
    "warlord": (
        "Warlord",
        "I want to prove my strength in combat.",
        (("Win a duel", "stat_combat_wins", 1), ("Defeat 3 enemies", "stat_combat_wins", 3),
         ("Become a Faction Guard", "role", "Guard")),
    ),
    "explorer": (
        "Master Explorer",
        "I want to see the world.",
        (("Visit 5 rooms", "stat_rooms_visited", 5), ("Find a rare artifact", "item_tag", "rare"),
         ("Visit 10 rooms", "stat_rooms_visited", 10)),
    ),
    "high_society": (
        "High Society",
        "I want to be respected by everyone.",
        (("Report a crime", "stat_crimes_reported", 1), ("Earn 100 gold", "currency", 100),
         ("Become Faction Leader", "role", "Leader")),
    ),
    "peacekeeper": (
        "Peacekeeper",
        "I want to ensure safety for my community.",
        (("Patrol 3 times", "stat_patrols", 3), ("Report a crime", "stat_crimes_reported", 1),
         ("Patrol 10 times", "stat_patrols", 10)),
    ),
}  # fmt: skip


def gate_open(being: Being) -> bool:
    """TinyMUD's Maslow gate: dreams wait until hunger, thirst, safety and sleep are all >= 30."""
    return min(being.hunger, being.thirst, being.safety, being.sleep) >= MASLOW_GATE


def new_ambition(ambition_id: str) -> dict[str, Any]:
    """The sheet's `Ambition` (world.sheet) for one of `AMBITIONS`, as the JSON the sheet holds."""
    name, description, milestones = AMBITIONS[ambition_id]
    return {
        "id": ambition_id,
        "name": name,
        "description": description,
        "milestones": [
            {"description": text, "target_type": kind, "target_value": value, "completed": False}
            for text, kind, value in milestones
        ],
        "current_milestone_idx": 0,
        "is_completed": False,
    }


def ambition_for(being: Being) -> str:
    """The first ambition whose trait matches (TinyMUD's order and thresholds)."""
    if being.sheet_int("wealth_desire", 50) > 70:
        return "tycoon"
    if being.aggression > 60:
        return "warlord"
    if being.curiosity > 60:
        return "explorer"
    if being.sheet_int("social_status", 50) > 60:
        return "high_society"
    return "peacekeeper"


def ambition_of(being: Being) -> dict[str, Any] | None:
    """The sheet's ambition when it is well-formed enough to act on (a hand-edited file may not be)."""
    ambition = being.sheet.get("ambition")
    if not isinstance(ambition, dict) or not isinstance(ambition.get("milestones"), list):
        return None
    return ambition


def current_milestone(ambition: dict[str, Any]) -> dict[str, Any] | None:
    index = ambition.get("current_milestone_idx", 0)
    milestones = ambition["milestones"]
    if ambition.get("is_completed") or not isinstance(index, int) or not 0 <= index < len(milestones):
        return None
    milestone = milestones[index]
    return milestone if isinstance(milestone, dict) else None


def stat(being: Being, name: str) -> int | float:
    stats = being.sheet.get("lifetime_stats")
    value = stats.get(name, 0) if isinstance(stats, dict) else 0
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def milestone_met(snapshot: Snapshot, being: Being, milestone: dict[str, Any]) -> bool:
    kind, target = milestone.get("target_type"), milestone.get("target_value")
    if not isinstance(kind, str):
        return False
    if kind == "currency":
        return isinstance(target, int) and being.currency >= target
    if kind.startswith(STAT_PREFIX):
        return isinstance(target, int) and stat(being, kind.removeprefix(STAT_PREFIX)) >= target
    if kind == "item_tag":
        return any(t.has_tag(str(target).casefold()) for t in snapshot.things_carried.get(being.id, []))
    if kind == "role":
        return str(target).casefold() in snapshot.roles_of.get(being.id, set())
    return False


def epiphany(snapshot: Snapshot, being: Being) -> bool:
    """At dawn: an NPC with an open gate and no ambition (or a finished one) finds one; True if so.

    NPCs only, as in TinyMUD (its epiphany walks `npc_sheets`): a player's ambition is theirs or a
    builder's to set; once set, its milestones are checked like an NPC's."""
    if not being.is_npc or being.is_dead or not gate_open(being):
        return False
    ambition = ambition_of(being)
    if ambition is not None and not ambition.get("is_completed"):
        return False
    being.sheet["ambition"] = new_ambition(ambition_for(being))
    being.sheet_changed = True
    return True


def advance_milestones(snapshot: Snapshot, being: Being, events: EventBatch) -> int:
    """Complete every met milestone in order (social status +20 each, clamped); the count completed."""
    ambition = ambition_of(being)
    if ambition is None or being.is_dead:
        return 0
    done = 0
    while (milestone := current_milestone(ambition)) is not None and milestone_met(snapshot, being, milestone):
        milestone["completed"] = True
        ambition["current_milestone_idx"] = ambition.get("current_milestone_idx", 0) + 1
        ambition["is_completed"] = ambition["current_milestone_idx"] >= len(ambition["milestones"])
        being.change_social_status(MILESTONE_STATUS_GAIN)
        done += 1
        finished = " Your ambition is fulfilled!" if ambition["is_completed"] else ""
        being.tell(
            events,
            kind=EventKind.NOTICE,
            text=f"Milestone reached: {milestone.get('description', '')}.{finished}",
            data={"ambition": ambition.get("name", ""), "milestone": milestone.get("description", "")},
        )
    return done


PURSUIT_PRIORITY = 55  # below reporting a crime (60), above idle chatter and curiosity


def pursuit(snapshot: Snapshot, being: Being, exits: list[Way]) -> tuple[int, str, Step] | None:
    """What the NPC does for its current milestone, only through the Maslow gate: an explorer walks
    on. Other milestones have no action of their own (mudsite has no jobs to work; NPCs start no
    fights to win one): their counters move through what the NPC does anyway, and patrols through
    its duties (the planner walks NPCs to their patrol rooms)."""
    if not being.is_npc or not gate_open(being):
        return None
    ambition = ambition_of(being)
    milestone = current_milestone(ambition) if ambition is not None else None
    if milestone is None or milestone.get("target_type") != "stat_rooms_visited" or not exits:
        return None
    # Exits not taken before first (the executor remembers explored exits), so an explorer sees
    # new rooms instead of pacing between two.
    explored = {(m.get("room"), m.get("exit")) for m in recalled(being, "explored_exit")}
    here = snapshot.rooms.get(being.room_id or 0, ("", ()))[0]
    way = next((w for w in exits if (here, w.name) not in explored), exits[0])
    return PURSUIT_PRIORITY, "pursue_ambition", step("move", exit=way.name, explore=True)
