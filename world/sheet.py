"""The character sheet's long tail (TinyMUD's CharacterSheet fields with no column of their own).

Stored as JSON on Character.sheet and validated by its schema (world.sheet_schema) everywhere it is
written: model validation (admin forms, services calling full_clean), the API and world imports.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

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
    # Imported here: pydantic and the schema's models are ~0.1 s of a process's start-up, and the models
    # load with Django (this is their field's validator) in every management command, most of which never
    # validate a sheet (bench/README.md, "Start-up of a management command").
    from pydantic import ValidationError as PydanticValidationError

    from world.sheet_schema import Sheet

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
