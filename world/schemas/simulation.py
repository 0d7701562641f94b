"""Schemas of the world clock: game time in play responses, simulation settings, manual ticks."""

from __future__ import annotations

from ninja import Field, Schema


class GameTimeOut(Schema):
    ticks: int = Field(description="Ticks since the world began; 1 tick = 1 game hour.")
    day: int
    hour: int = Field(description="0-23")
    text: str = Field(description='"It is currently H:00." and the hour\'s description.')


RATE = Field(ge=0, le=100)


class SimulationOut(Schema):
    enabled: bool = Field(description="Does `run_world` tick this world?")
    tick_seconds: int = Field(description="Real seconds per tick (one game hour).")
    seed: int
    hunger_rate: float
    thirst_rate: float
    social_rate: float
    sleep_rate: float
    sleep_refill: float
    ap_max: int
    player_needs: bool
    game_time: GameTimeOut


class SimulationIn(Schema):
    enabled: bool | None = None
    tick_seconds: int | None = Field(None, ge=1, le=86_400)
    seed: int | None = Field(None, ge=-(2**63), le=2**63 - 1)
    hunger_rate: float | None = Field(None, ge=0, le=100)
    thirst_rate: float | None = Field(None, ge=0, le=100)
    social_rate: float | None = Field(None, ge=0, le=100)
    sleep_rate: float | None = Field(None, ge=0, le=100)
    sleep_refill: float | None = Field(None, ge=0, le=100)
    ap_max: int | None = Field(None, ge=0, le=20)
    player_needs: bool | None = None


class TickIn(Schema):
    ticks: int = Field(1, ge=1, le=100, description="How many ticks to run now (1-100), each one transaction.")


class TickOut(Schema):
    message: str
    ticks: int = Field(description="Ticks run.")
    acted: int = Field(description="NPC steps carried out.")
    failed: int = Field(description="NPC steps that failed (hesitations).")
    game_time: GameTimeOut
