"""Save statistics count requests once (issue 9.10): a request is one transaction that changed a
world, however many rows it wrote and however many times `save_world` ran in it; the Prometheus
counters get the very same numbers as SaveState."""

from __future__ import annotations

import pytest
from django.db import transaction
from prometheus_client import REGISTRY

from persistence.facade import flush_all_saves, save_world
from persistence.models import SaveState
from tests import factories
from world.services.items import item_take
from world.services.movement import character_move


@pytest.fixture
def counted(world, settings):
    """The committed tiny world, with the Prometheus counters on (in this process's registry)."""
    settings.MUDSITE_PROMETHEUS = True
    return world


def metric(mode: str) -> float:
    return REGISTRY.get_sample_value("mudsite_save_requests_total", {"mode": mode}) or 0.0


def coalesced_metric() -> float:
    return REGISTRY.get_sample_value("mudsite_save_coalesced_total") or 0.0


class Counts:
    """Deltas of the database statistics and the metrics since it was made."""

    def __init__(self, world) -> None:
        self.world = world
        self.before = self.now()

    def now(self) -> dict[str, float]:
        state = SaveState.objects.get(pk=self.world.pk)
        return {
            "debounced": state.requests_debounced,
            "immediate": state.requests_immediate,
            "coalesced": state.coalesced,
            "metric debounced": metric("debounced"),
            "metric immediate": metric("immediate"),
            "metric coalesced": coalesced_metric(),
        }

    def delta(self) -> dict[str, float]:
        return {key: value - self.before[key] for key, value in self.now().items()}


def requests(debounced: int = 0, immediate: int = 0, coalesced: int = 0) -> dict[str, float]:
    return {
        "debounced": debounced,
        "immediate": immediate,
        "coalesced": coalesced,
        "metric debounced": debounced,
        "metric immediate": immediate,
        "metric coalesced": coalesced,
    }


def test_one_move_is_one_save_request(counted, django_capture_on_commit_callbacks):
    counts = Counts(counted.world)
    with django_capture_on_commit_callbacks(execute=True):
        character_move(character=counted.player, exit_name="kitchen door")
    assert counts.delta() == requests(debounced=1)


def test_one_take_is_one_save_request(counted, django_capture_on_commit_callbacks):
    counts = Counts(counted.world)
    with django_capture_on_commit_callbacks(execute=True):
        item_take(character=counted.player, item_name="apple")
    assert counts.delta() == requests(debounced=1)


def test_a_burst_of_writes_in_one_transaction_is_one_request(counted, django_capture_on_commit_callbacks):
    counts = Counts(counted.world)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for i in range(25):
            factories.RoomFactory(world=counted.world, key=f"burst{i}")
        save_world(counted.world)  # an explicit call on top of the signals changes nothing
    assert counts.delta() == requests(debounced=1)


def test_one_immediate_call_makes_the_transactions_one_request_immediate(counted, django_capture_on_commit_callbacks):
    counts = Counts(counted.world)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        counted.hall.name = "Renamed"
        counted.hall.save()
        save_world(counted.world, debounced=False)
    assert counts.delta() == requests(immediate=1)


def test_transactions_arriving_while_a_save_is_pending_are_counted_and_coalesced(
    counted, settings, django_capture_on_commit_callbacks
):
    settings.MUDSITE_SCHEDULER_MODE = "manual"  # requests wait in this process's queue
    counts = Counts(counted.world)
    for name in ("First", "Second", "Third"):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            counted.hall.name = name
            counted.hall.save()
    assert flush_all_saves().ok
    assert counts.delta() == requests(debounced=3, coalesced=2)
