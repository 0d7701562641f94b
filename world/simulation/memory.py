"""NPC memories: dicts stamped with the game tick (never the wall clock), the newest 50 kept."""

from __future__ import annotations

from typing import Any

from world.sheet import MEMORY_LIMIT
from world.simulation.snapshot import Being


def memories(being: Being) -> list[dict[str, Any]]:
    found = being.sheet.get("memories")
    return [m for m in found if isinstance(m, dict)] if isinstance(found, list) else []


def remember(being: Being, tick: int, kind: str, **facts: Any) -> None:
    being.sheet["memories"] = [*memories(being), {"type": kind, "tick": tick, **facts}][-MEMORY_LIMIT:]
    being.sheet_changed = True


def recalled(being: Being, kind: str) -> list[dict[str, Any]]:
    return [m for m in memories(being) if m.get("type") == kind]


def bump_stat(being: Being, stat: str, by: int = 1) -> None:
    stats = being.sheet.get("lifetime_stats")
    stats = dict(stats) if isinstance(stats, dict) else {}
    current = stats.get(stat, 0)
    stats[stat] = (current if isinstance(current, int) else 0) + by
    being.sheet["lifetime_stats"] = stats
    being.sheet_changed = True
