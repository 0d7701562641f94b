"""TinyMUD world_state.json reader (schema versions 0-4). Not implemented yet."""

from __future__ import annotations

from typing import Any


def looks_like_tinymud(data: bytes) -> bool:
    return False


def convert(data: bytes) -> dict[str, Any]:
    raise NotImplementedError
