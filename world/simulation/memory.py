"""NPC memories: dicts stamped with the game tick (never the wall clock), the newest 50 kept."""

from __future__ import annotations

from typing import Any

from world.sheet import MEMORY_LIMIT, sheet_with_stat
from world.simulation.snapshot import Being


def memories(being: Being) -> list[dict[str, Any]]:
    found = being.sheet.get("memories")
    return [m for m in found if isinstance(m, dict)] if isinstance(found, list) else []


def remember(being: Being, tick: int, kind: str, **facts: Any) -> None:
    being.sheet["memories"] = [*memories(being), {"type": kind, "tick": tick, **facts}][-MEMORY_LIMIT:]
    being.sheet_changed = True


def forget_beyond_limit(being: Being) -> None:
    """Keep the newest `MEMORY_LIMIT` of a sheet that holds more (a raw write or an old file: the
    sheet's validation refuses more, `remember` never keeps more)."""
    found = being.sheet.get("memories")
    if isinstance(found, list) and len(found) > MEMORY_LIMIT:
        being.sheet["memories"] = found[-MEMORY_LIMIT:]
        being.sheet_changed = True


def recalled(being: Being, kind: str) -> list[dict[str, Any]]:
    return [m for m in memories(being) if m.get("type") == kind]


def bump_stat(being: Being, stat: str, by: int = 1) -> None:
    being.sheet["lifetime_stats"] = sheet_with_stat(being.sheet, stat, by)["lifetime_stats"]
    being.sheet_changed = True
