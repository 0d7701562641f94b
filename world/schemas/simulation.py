"""Schemas of the world clock: game time in play responses, simulation settings, manual ticks."""

from __future__ import annotations

from ninja import Field, Schema


class GameTimeOut(Schema):
    ticks: int = Field(description="Ticks since the world began; 1 tick = 1 game hour.")
    day: int
    hour: int = Field(description="0-23")
    text: str = Field(description='"It is currently H:00." and the hour\'s description.')
