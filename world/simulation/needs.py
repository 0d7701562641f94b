"""Needs and action points per tick (TinyMUD's numbers, its defects fixed): pure functions.

Fixed: needs fall in every world, not only with the advanced-GOAP flag (defect 1); sleepers do
not act and recover (12); company, not the absence of players, refills socialization, so a
lonely NPC gets lonely (13); safety lowered by violence recovers slowly instead of never moving (3).
"""

from __future__ import annotations

from dataclasses import dataclass

from world.simulation.snapshot import Being

NEED_THRESHOLD = 25.0
COMPANY_GAIN = 1.0
SAFETY_RECOVERY = 5.0
SLEEP_TICKS = 3


@dataclass(frozen=True)
class Rates:
    hunger: float = 1.0
    thirst: float = 1.0
    social: float = 0.5
    sleep: float = 0.75
    sleep_refill: float = 10.0
    ap_max: int = 3
    player_needs: bool = False


def advance_needs(being: Being, rates: Rates, *, has_company: bool) -> bool:
    """One tick of needs and AP for `being`; True when it woke up this tick."""
    woke = False
    if being.is_dead:
        return False
    if being.is_npc or rates.player_needs:
        being.hunger = being.hunger - rates.hunger
        being.thirst = being.thirst - rates.thirst
        being.socialization = being.socialization + (COMPANY_GAIN if has_company else -rates.social)
        being.safety = being.safety + SAFETY_RECOVERY
        asleep = being.sheet_int("sleeping_ticks", 0)
        if being.is_npc and asleep > 0:
            being.sleep = being.sleep + rates.sleep_refill
            being.sheet["sleeping_ticks"] = asleep - 1
            being.sheet_changed = True
            woke = asleep == 1
        else:
            being.sleep = being.sleep - rates.sleep
    # Always clamped to 0-100: an out-of-range value loaded from a hand-edited file heals here.
    # Spelled out, not a helper: five calls per being per tick were ~40 ms at 10,000 NPCs.
    being.hunger = min(100.0, max(0.0, being.hunger))
    being.thirst = min(100.0, max(0.0, being.thirst))
    being.socialization = min(100.0, max(0.0, being.socialization))
    being.sleep = min(100.0, max(0.0, being.sleep))
    being.safety = min(100.0, max(0.0, being.safety))
    if being.is_npc:
        ap = min(rates.ap_max, max(0, being.sheet_int("action_points", 0)) + 1)
        if ap != being.sheet.get("action_points"):
            being.sheet["action_points"] = ap
            being.sheet_changed = True
    return woke


def is_asleep(being: Being) -> bool:
    return being.sheet_int("sleeping_ticks", 0) > 0


def needy(being: Being) -> bool:
    return min(being.hunger, being.thirst, being.socialization, being.sleep) < NEED_THRESHOLD
