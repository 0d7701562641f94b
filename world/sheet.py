"""The character sheet's long tail (TinyMUD's CharacterSheet fields with no column of their own).

Stored as JSON on Character.sheet and validated by this schema everywhere it is written:
model validation (admin forms, services calling full_clean) and the API.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

MATRIX_AXES = (
    "sexuality_hom_het",
    "physical_presentation_mas_fem",
    "social_presentation_mas_fem",
    "rage_terror",
    "loathing_admiration",
    "grief_ecstasy",
    "amaze_vigil",
    "auth_egal",
    "cons_lib",
    "spirit_mat",
    "ego_alt",
    "hed_asc",
    "nih_mor",
    "rat_rom",
    "ske_abso",
)
ASPECTS = ("high_concept", "trouble", "background", "focus")
MEMORY_LIMIT = 50


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


def sheet_with_stat(sheet: Any, stat: str, by: int = 1) -> dict[str, Any]:
    """A copy of `sheet` with `lifetime_stats[stat]` raised by `by` (ambitions' milestones read these);
    a missing or malformed sheet or counter starts from nothing."""
    sheet = dict(sheet) if isinstance(sheet, dict) else {}
    stats = sheet.get("lifetime_stats")
    stats = dict(stats) if isinstance(stats, dict) else {}
    current = stats.get(stat, 0)
    stats[stat] = (current if isinstance(current, int) else 0) + by
    sheet["lifetime_stats"] = stats
    return sheet


STAT_NAME = re.compile(r"[a-z_]+")


def sheet_with_stat_sql(vendor: str, stat: str) -> str:
    """An SQL expression for `sheet_with_stat(sheet, stat)` computed from the row's own `sheet` column,
    for an UPDATE that raises one counter without writing back a sheet read earlier (which would undo
    any change committed to the sheet since: a lost update). Same rules: a counter that is not an
    integer, a `lifetime_stats` that is not an object, or a sheet that is not one, start from nothing."""
    if not STAT_NAME.fullmatch(stat):
        raise ValueError(f"not a stat name: {stat!r}")
    if vendor == "postgresql":
        counter = f"sheet #> '{{lifetime_stats,{stat}}}'"
        return f"""CASE
            WHEN jsonb_typeof({counter}) = 'number' AND ({counter})::text ~ '^-?[0-9]+$'
                THEN jsonb_set(sheet, '{{lifetime_stats,{stat}}}', to_jsonb(({counter})::text::bigint + 1))
            WHEN jsonb_typeof(sheet -> 'lifetime_stats') = 'object'
                THEN jsonb_set(sheet, '{{lifetime_stats,{stat}}}', '1')
            WHEN jsonb_typeof(sheet) = 'object'
                THEN jsonb_set(sheet, '{{lifetime_stats}}', '{{"{stat}": 1}}')
            ELSE '{{"lifetime_stats": {{"{stat}": 1}}}}'::jsonb END"""
    path = f"'$.lifetime_stats.{stat}'"
    return f"""CASE
        WHEN json_type(sheet, {path}) = 'integer' THEN json_set(sheet, {path}, json_extract(sheet, {path}) + 1)
        WHEN json_type(sheet, '$.lifetime_stats') = 'object' THEN json_set(sheet, {path}, 1)
        WHEN json_type(sheet) = 'object' THEN json_set(sheet, '$.lifetime_stats', json_object('{stat}', 1))
        ELSE json_object('lifetime_stats', json_object('{stat}', 1)) END"""


def sheet_errors(value: Any) -> list[str]:
    """Every problem with a sheet value, as readable lines (empty when valid)."""
    if not isinstance(value, dict):
        return ["The sheet must be a JSON object."]
    try:
        sheet = Sheet.model_validate(value)
    except PydanticValidationError as exc:
        return [f"{'.'.join(map(str, err['loc'])) or 'sheet'}: {err['msg']}" for err in exc.errors()]
    errors = [f"matrix.{axis}: unknown axis" for axis in sheet.matrix if axis not in MATRIX_AXES]
    errors += [f"matrix.{axis}: must be between -10 and 10" for axis, v in sheet.matrix.items() if not -10 <= v <= 10]
    return errors


def validate_sheet(value: Any) -> None:
    errors = sheet_errors(value)
    if errors:
        raise ValidationError(errors)
