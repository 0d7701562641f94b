"""Turn a race lost against a uniqueness constraint into the same 409 the pre-check gives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction

from world.exceptions import Conflict


@contextmanager
def conflict_on_integrity_error(message: str, *, details: dict[str, Any] | None = None) -> Iterator[None]:
    """Run the block in a savepoint; a constraint violation becomes Conflict(message) instead of a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict(message, details={**(details or {}), "constraint": str(exc)[:200]}) from exc
