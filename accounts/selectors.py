"""Reads of the accounts layer.

`accounts` knows nothing of worlds; apps above it (world) register what an account owns there, so
`/api/auth/me` can list an account's characters without `accounts` importing `world`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CharacterSource = Callable[[int], list[dict[str, str]]]

_character_sources: list[CharacterSource] = []


def character_source_register(source: CharacterSource) -> None:
    """Called from an AppConfig.ready(): `source(user_id)` lists that account's characters."""
    if source not in _character_sources:
        _character_sources.append(source)


def account_characters(*, user_id: int) -> list[dict[str, str]]:
    return [ref for source in _character_sources for ref in source(user_id)]


def account_out(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "is_staff": user.is_staff,
        "characters": account_characters(user_id=user.pk),
    }
