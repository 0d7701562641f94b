"""Shared pieces of every API schema: text that the database can store, the one error envelope."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from mudsite.errors import ErrorOut

__all__ = ["ErrorOut", "Text"]


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it at the door rather than as a database error.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
