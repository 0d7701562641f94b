"""The character sheet's schema (pydantic): what `world.sheet.sheet_errors` checks a sheet against.

Apart from world.sheet because pydantic is heavy to import, and a process that never validates a sheet
(an export, `flush_saves`) does not load it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from world.sheet import MEMORY_LIMIT


class Trait(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    cost: int = Field(ge=-100, le=100)


class PlanStep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tool: str = Field(min_length=1, max_length=64)
    args: dict[str, Any] = Field(default_factory=dict)


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    target_type: str
    target_value: Any = None
    completed: bool = False


class Ambition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    description: str = ""
    milestones: list[Milestone] = Field(default_factory=list)
    current_milestone_idx: int = Field(default=0, ge=0)
    is_completed: bool = False


class Sheet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    high_concept: str = Field(default="", max_length=300)
    trouble: str = Field(default="", max_length=300)
    background: str = Field(default="", max_length=300)
    focus: str = Field(default="", max_length=300)
    destiny_points: int = Field(default=3, ge=0, le=100)
    will: int = Field(default=10, ge=0, le=100)
    perception: int = Field(default=10, ge=0, le=100)
    fp: int = Field(default=10, ge=-100, le=100)
    max_fp: int = Field(default=10, ge=0, le=100)
    wealth_desire: int = Field(default=50, ge=0, le=100)
    social_status: int = Field(default=50, ge=0, le=100)
    action_points: int = Field(default=0, ge=0, le=1000)
    advantages: list[Trait] = Field(default_factory=list)
    disadvantages: list[Trait] = Field(default_factory=list)
    quirks: list[str] = Field(default_factory=list, max_length=5)
    narrative_traits: list[str] = Field(default_factory=list)
    matrix: dict[str, int] = Field(default_factory=dict)
    is_dominant: bool = False
    is_submissive: bool = False
    is_asexual: bool = False
    memories: list[dict[str, Any]] = Field(default_factory=list, max_length=MEMORY_LIMIT)
    plan_queue: list[PlanStep] = Field(default_factory=list)
    ambition: Ambition | None = None
    lifetime_stats: dict[str, int | float] = Field(default_factory=dict)
    # The world clock's per-character state: ticks of sleep left, and the tick each autonomous
    # action last ran (rules below priority 80 fire at most once a game day each).
    sleeping_ticks: int = Field(default=0, ge=0, le=100)
    cooldowns: dict[str, int] = Field(default_factory=dict)
    yielded: bool = False  # combat: an NPC that yielded fights no more
