"""Domain errors of the world. The classes live in `mudsite.errors` (shared with `accounts`, which may
not import `world`); `WorldError` is the name the world's services and the house rules use."""

from __future__ import annotations

from mudsite.errors import Conflict, Forbidden, Invalid, NotFound, Throttled, Unauthenticated
from mudsite.errors import ServiceError as WorldError

__all__ = ["Conflict", "Forbidden", "Invalid", "NotFound", "Throttled", "Unauthenticated", "WorldError"]
