"""The API's schemas shared by every app, below every app (as `mudsite.errors` is for the errors)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    """Every error: a stable code, a human message, and details (e.g. candidates for an ambiguous name)."""

    code: str = Field(examples=["not_found"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
