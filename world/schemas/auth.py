"""Schemas of /api/auth."""

from __future__ import annotations

from ninja import Field, Schema

from world.schemas.common import Text


class CredentialsIn(Schema):
    username: Text = Field(min_length=1, max_length=150)
    password: Text = Field(min_length=1, max_length=1024)


class CharacterRefOut(Schema):
    world: str
    name: str


class AccountOut(Schema):
    id: int
    username: str
    is_staff: bool
    characters: list[CharacterRefOut] = Field(default_factory=list)


class LoginOut(Schema):
    token: str = Field(description="Send as 'Authorization: Bearer <token>'. Shown once; only its hash is stored.")
    account: AccountOut
