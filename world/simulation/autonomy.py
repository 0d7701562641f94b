"""Autonomy rules (TinyMUD's autonomous_npc_service.py, reference §4.5) with every trigger live.

Fixed: every priority counts, not only those above 80 (defect 2): urgent ones (> 80) replace the
plan at once, the others run when an NPC has nothing planned and no pressing need. Rivals are
found through real faction memberships; threats and crimes come from theft and violence the NPC
witnessed (events and the clock's own record); explored exits are remembered; flee rules react
to violence. A rule that is not about a need fires at most once per its cooldown (game ticks),
so a boastful NPC boasts daily, not hourly.
"""

from __future__ import annotations

from dataclasses import dataclass

from world.models import Carry
from world.simulation.ambitions import pursuit
from world.simulation.memory import recalled
from world.simulation.planner import Step, investigated, step
from world.simulation.snapshot import VIOLENT_KINDS, Being, Snapshot, Way

URGENT = 80
COOLDOWN_TICKS = {
    "insult_rival": 24,
    "boast_achievements": 24,
    "offer_help": 24,
    "challenge_competitor": 24,
    "steal_object": 12,
    "petty_theft": 12,
    "explore_area": 3,
    "pursue_ambition": 2,
}
CRIME_MEMORY_TICKS = 24


@dataclass(frozen=True)
class Candidate:
    priority: int
    action: str
    steps: tuple[Step, ...]


def passable(way: Way, being: Being) -> bool:
    return not way.is_locked or being.id in way.allow_ids


def on_cooldown(being: Being, action: str, tick: int) -> bool:
    cooldowns = being.sheet.get("cooldowns")
    last = cooldowns.get(action) if isinstance(cooldowns, dict) else None
    wait = COOLDOWN_TICKS.get(action, 0)
    return isinstance(last, int) and wait > 0 and tick - last < wait


def unreported_crimes(being: Being, tick: int) -> list[dict]:
    reported = {(m.get("actor"), m.get("crime_tick")) for m in recalled(being, "reported_crime")}
    return [
        m
        for m in recalled(being, "witnessed_crime")
        if tick - int(m.get("tick", 0) or 0) <= CRIME_MEMORY_TICKS and (m.get("actor"), m.get("tick")) not in reported
    ]


def violence_here(snapshot: Snapshot, being: Being) -> list[str]:
    return [c.actor for c in snapshot.crimes if c.kind in VIOLENT_KINDS and c.room_id == being.room_id]


def evaluate(snapshot: Snapshot, being: Being) -> list[Candidate]:
    """Every rule that fires for `being` now, highest priority first (ties: rule order)."""
    tick = snapshot.tick
    room = being.room_id or 0
    others = [b for b in snapshot.by_room.get(room, []) if b.id != being.id]
    here = snapshot.things_in_room.get(room, [])
    exits = [w for w in snapshot.ways_from.get(room, []) if passable(w, being)]
    wealth_desire = being.sheet_int("wealth_desire", 50)
    social_status = being.sheet_int("social_status", 50)
    found: list[Candidate] = []
    # Each rule tests its cheap facts about the NPC before looking around (run per NPC per tick).

    def add(priority: int, action: str, *steps: Step) -> None:
        if steps and not on_cooldown(being, action, tick):
            found.append(Candidate(priority, action, steps))

    rival = next((o for o in others if snapshot.rival(being, o)), None) if others else None
    if rival is not None:
        add(96, "insult_rival", step("emote", verb=f"sneer at {rival.name}, a sworn rival"))
    if being.safety < 30 and exits:
        threats = [o for o in others if o.aggression > 70] or violence_here(snapshot, being)
        if threats:
            add(90, "flee_danger", step("move", exit=exits[0].name))
    if being.safety < 30:
        guarded = [w for w in exits if any(b.responsibility > 80 for b in snapshot.by_room.get(w.destination_id, []))]
        if guarded:
            add(60, "move_to_safety", step("move", exit=guarded[0].name))
    if wealth_desire > 70 and being.responsibility < 40 and being.currency < 50:
        valuables = [t for t in here if (t.value or 0) > 10 and t.owner_id != being.id and t.carry != Carry.FIXED]
        if valuables:
            add(50 + (70 - being.responsibility), "steal_object", step("take", item=valuables[0].name))
    if social_status < 40 and being.confidence > 60:
        add(40, "boast_achievements", step("emote", verb="boast loudly about past deeds"))
    if social_status < 40 and others:
        hurt = next((o for o in others if not o.is_npc and o.max_hp > 0 and o.hp * 2 < o.max_hp), None)
        if hurt is not None:
            add(35, "offer_help", step("say", text=f"You look hurt, {hurt.name}. Can I help?"))
    if being.responsibility < 30 and len(others) < 2:
        trinkets = [t for t in here if (t.value or 0) > 5 and t.owner_id is None and t.carry != Carry.FIXED]
        if trinkets:
            add(30 + (30 - being.responsibility), "petty_theft", step("take", item=trinkets[0].name))
    crimes = unreported_crimes(being, tick) if being.responsibility > 70 else []
    if crimes:
        crime = crimes[0]
        add(60, "report_crime", step("report", actor=str(crime.get("actor")), crime_tick=crime.get("tick")))
    if being.aggression > 60 and being.confidence > 40 and others:
        hungry_rival = next((o for o in others if o.is_npc and (o.hunger < 40 or o.thirst < 40)), None)
        if hungry_rival is not None:
            add(45 + (being.aggression - 60), "challenge_competitor",
                step("say", text=f"Back off, {hungry_rival.name}. What's here is mine."))  # fmt: skip
    if being.aggression < 20 and violence_here(snapshot, being) and exits:
        add(70, "flee_conflict", step("move", exit=exits[0].name))
    if being.curiosity > 60:
        seen = investigated(being)
        unseen = next((t for t in here if t.name not in seen), None)
        if unseen is not None:
            add(25, "investigate_object", step("look", item=unseen.name))
        explored = {(m.get("room"), m.get("exit")) for m in recalled(being, "explored_exit")}
        key = snapshot.rooms.get(room, ("", ()))[0]
        fresh = [w for w in exits if (key, w.name) not in explored]
        if being.confidence > 40 and fresh:
            add(20, "explore_area", step("move", exit=fresh[0].name, explore=True))
    if (pursued := pursuit(snapshot, being, exits)) is not None:
        add(pursued[0], pursued[1], pursued[2])
    found.sort(key=lambda c: -c.priority)  # stable: equal priorities keep rule order
    return found
