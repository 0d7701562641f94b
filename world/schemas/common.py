"""Shared pieces of every API schema: text that the database can store, the one error envelope."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from mudsite.schemas import ErrorOut
from world.validation import schema_text

__all__ = ["ErrorOut", "Text"]

# Text that may be stored and exported (world.validation.text_problem): a 422 otherwise.
Text = Annotated[str, AfterValidator(schema_text)]
