"""Schemas of /play/missions and /build/missions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from world.games.models import MAX_COINS
from world.schemas.common import Text


class ObjectiveOut(Schema):
    kind: str = Field(description="kill, obtain or visit")
    description: str
    target: str | None = Field(description="The character's name, item template key or room key.")
    target_count: int
    current_count: int
    completed: bool


class MissionOut(Schema):
    id: UUID
    title: str
    description: str
    status: str = Field(description="pending, active, completed, failed or expired")
    issuer: str | None = Field(description="Empty: issued by staff.")
    assignee: str | None
    reward_currency: int
    reward_xp: int
    reward_items: list[str]
    deadline: datetime | None
    seconds_left: int | None = Field(description="Until the deadline (0 once past); empty without one.")
    rewarded: bool
    objectives: list[ObjectiveOut]


class MissionResultOut(Schema):
    mission: MissionOut
    message: str


class MissionsOut(Schema):
    missions: list[MissionOut]
    message: str


class MissionOfferOut(MissionResultOut):
    accepted: bool | None = Field(description="An NPC's answer; empty when a player decides later.")


class AskIn(Schema):
    npc: Text = Field(min_length=1, max_length=64, description="An NPC in your room.")


class MissionOfferIn(Schema):
    target: Text = Field(min_length=1, max_length=64, description="A player or NPC in your room.")


class ObjectiveIn(Schema):
    kind: str = Field(pattern="^(kill|obtain|visit)$")
    target: Text = Field(
        min_length=1, max_length=128, description="kill: a character's name; obtain: a template key; visit: a room key."
    )
    count: int = Field(default=1, ge=1, le=1000)
    description: Text = Field(default="", max_length=200)


class MissionIn(Schema):
    title: Text = Field(min_length=1, max_length=128)
    description: Text = Field(default="", max_length=2000)
    issuer: Text | None = Field(default=None, max_length=64, description="A character's name; empty: staff.")
    assignee: Text | None = Field(default=None, max_length=64, description="A character's name.")
    status: str = Field(default="pending", pattern="^(pending|active|completed|failed|expired)$")
    objectives: list[ObjectiveIn] = Field(default_factory=list, max_length=20)
    reward_currency: int = Field(default=0, ge=0, le=MAX_COINS)
    reward_xp: int = Field(default=0, ge=0, le=MAX_COINS)
    reward_items: list[Text] = Field(default_factory=list, max_length=8, description="Item template keys.")
    deadline: datetime | None = None


class MissionStatusIn(Schema):
    status: str = Field(pattern="^(pending|active|completed|failed|expired)$")
