"""Game time: one tick is one game hour, 24 ticks a day; day 1 starts at tick 0 (midnight)."""

from __future__ import annotations

from typing import Any

DAY_TICKS = 24
EXTERNAL_TAG = "external"

# One line per hour (moon at midnight, dawn at 6, noon at 12, sunset at 18); a world's
# `time_descriptions` overrides any hour.
DEFAULT_TIME_TEXTS = (
    "The moon hangs high in the night sky.",
    "The night is deep and still.",
    "Stars wheel slowly overhead.",
    "The darkest hour of the night has come.",
    "A faint chill settles before morning.",
    "The eastern sky begins to pale.",
    "Dawn breaks, painting the sky in soft gold.",
    "The morning sun climbs over the horizon.",
    "Morning light warms the land.",
    "The day is bright and busy.",
    "The sun rises towards its peak.",
    "It is nearly noon.",
    "The sun stands at its highest point: it is noon.",
    "The afternoon begins, warm and slow.",
    "Long afternoon shadows stretch across the ground.",
    "The afternoon wears on.",
    "The light turns amber as evening nears.",
    "The sun sinks low in the west.",
    "The sun sets in a blaze of red and orange.",
    "Dusk gathers; the first stars appear.",
    "Evening has fallen.",
    "Night settles over the land.",
    "The night grows late.",
    "Midnight approaches under a dark sky.",
)


def hour_of(ticks: int) -> int:
    return ticks % DAY_TICKS


def day_of(ticks: int) -> int:
    return ticks // DAY_TICKS + 1


def is_new_day(ticks: int) -> bool:
    """Did the tick that reached `ticks` start a new day?"""
    return ticks > 0 and hour_of(ticks) == 0


def time_text(ticks: int, overrides: Any) -> str:
    hour = hour_of(ticks)
    custom = overrides.get(str(hour)) if isinstance(overrides, dict) else None
    text = custom if isinstance(custom, str) and custom.strip() else DEFAULT_TIME_TEXTS[hour]
    return f"It is currently {hour}:00. {text}"


def game_time(ticks: int, overrides: Any = None) -> dict[str, Any]:
    """What `look` and `me` show about the clock."""
    return {"ticks": ticks, "day": day_of(ticks), "hour": hour_of(ticks), "text": time_text(ticks, overrides)}


def room_is_external(tags: Any) -> bool:
    return isinstance(tags, list) and any(str(t).strip().casefold() == EXTERNAL_TAG for t in tags)
