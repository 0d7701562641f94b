"""Schemas of /api/auth."""

from __future__ import annotations

from ninja import Field, Schema


class CredentialsIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)


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
    expires_in_seconds: int = Field(
        description="Lifetime of the token: from its last use (sliding, the default) or from the login (fixed)."
    )
    account: AccountOut


class PasswordChangeIn(Schema):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class PasswordChangeOut(Schema):
    token: str = Field(description="A new bearer token: every older token of the account was revoked.")


class ResetRequestIn(Schema):
    username: str = Field(min_length=1, max_length=150)


class ResetCodeOut(Schema):
    username: str
    code: str = Field(description="Hand it to the player; valid once, for `expires_in_seconds`.")
    expires_in_seconds: int


class ResetConfirmIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    code: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=1024)


class MessageOut(Schema):
    message: str
