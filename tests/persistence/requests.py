"""Count the save requests an action really makes (the statistics, not a mock of save_world)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import TestCase

from persistence.models import SaveState
from tests.persistence.conftest import run_pending_on_commit


def save_requests(world: Any) -> int:
    state = SaveState.objects.filter(pk=world.pk).first()
    return state.requests_debounced + state.requests_immediate if state else 0


def save_requests_made(world: Any, action: Callable[[], Any]) -> int:
    """How many save requests of `world` `action` adds to the statistics once it commits.

    Tests share one transaction: the setup's queued requests run first, then the action's
    on_commit callbacks run as if its own transaction had committed."""
    run_pending_on_commit()
    before = save_requests(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        action()
    return save_requests(world) - before
