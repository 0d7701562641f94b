"""Shared pieces of every API schema: text that the database can store, the one error envelope."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator

from world.validation import schema_text

# Text that may be stored and exported (world.validation.text_problem): a 422 otherwise.
Text = Annotated[str, AfterValidator(schema_text)]


class ErrorOut(Schema):
    """Every error: a stable code, a human message, and details (e.g. candidates for an ambiguous name)."""

    code: str = Field(examples=["not_found"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
