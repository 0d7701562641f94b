"""Schemas of /api/worlds/{world}/play/interact."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from world.schemas.common import Text


class InteractIn(Schema):
    object: Text = Field(max_length=200, description="An item here or carried, or an exit here (fuzzy).")


class ActionOut(Schema):
    number: int
    label: str


class InteractOut(Schema):
    object: str
    kind: str = Field(description="item or exit")
    actions: list[ActionOut] = Field(description="Numbered; always ends with Step Away.")
    message: str


class ChooseIn(Schema):
    choice: Text | int = Field(description="A number, an exact label, or a unique prefix of one.")


class ChooseOut(Schema):
    action: str
    message: str
    closed: bool = Field(description="False while the menu stays open (e.g. an opened container).")
    actions: list[ActionOut] = Field(default_factory=list, description="The menu now, when still open.")
    data: dict[str, Any] = Field(default_factory=dict)
