"""Simulation settings and manual ticks: build API and admin (issue 14.10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.world.api.building.conftest import Api
from world import models

pytestmark = pytest.mark.django_db


def test_simulation_settings_default_then_change(build, tiny_world):
    answer = build.get("simulation")
    assert answer.status == 200, answer.body
    assert answer.body["enabled"] is False and answer.body["tick_seconds"] == 60
    assert answer.body["hunger_rate"] == 1.0 and answer.body["game_time"]["day"] == 1
    changed = build.patch("simulation", {"enabled": True, "tick_seconds": 5, "hunger_rate": 2.5})
    assert changed.status == 200, changed.body
    clock = models.WorldClock.objects.get(world=tiny_world.world)
    assert (clock.enabled, clock.tick_seconds, clock.hunger_rate, clock.thirst_rate) == (True, 5, 2.5, 1.0)


@pytest.mark.parametrize(
    "body",
    [{"tick_seconds": 0}, {"hunger_rate": 101}, {"ap_max": -1}, {"enabled": "sometimes"}, {"hunger_rate": "x"}],
)
def test_bad_simulation_settings_are_422(build, tiny_world, body):
    answer = build.patch("simulation", body)
    assert answer.status == 422, answer.body
    assert set(answer.body) >= {"code", "message", "details"}
    assert not models.WorldClock.objects.filter(world=tiny_world.world).exists()


def test_tick_advances_the_clock_and_reports(staff, tiny_world):
    answer = Api(staff).post("/api/worlds/tiny/build/tick", {"ticks": 3})
    assert answer.status == 200, answer.body
    assert answer.body["ticks"] == 3 and answer.body["game_time"]["ticks"] == 3
    assert models.World.objects.get(pk=tiny_world.world.pk).game_time_ticks == 3


@pytest.mark.parametrize("body", [{"ticks": 0}, {"ticks": 101}, {"ticks": "many"}, {"ticks": None}])
def test_tick_bounds_are_422(build, tiny_world, body):
    answer = build.post("tick", body)
    assert answer.status == 422, answer.body
    assert models.World.objects.get(pk=tiny_world.world.pk).game_time_ticks == 0


def test_admin_advances_one_tick_and_shows_the_clock_inline(client, tiny_world):
    staff = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(reverse("admin:world_world_change", args=[tiny_world.world.pk]))
    assert page.status_code == 200 and b"hunger_rate" in page.content
    answer = client.post(
        reverse("admin:world_world_changelist"),
        {"action": "advance_one_tick", "_selected_action": [tiny_world.world.pk]},
        follow=True,
    )
    assert answer.status_code == 200
    assert models.World.objects.get(pk=tiny_world.world.pk).game_time_ticks == 1
    shown = [str(m) for m in answer.context["messages"]]
    assert any(m.startswith("tiny: tick 1") for m in shown), shown
