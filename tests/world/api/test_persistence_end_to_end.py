"""Game and build actions reach the world file through the persistence façade (the real one, no spies)."""

from __future__ import annotations

import orjson
import pytest
from django.core.management import call_command

from accounts.services.tokens import token_issue
from persistence.facade import flush_all_saves
from persistence.files import read_world_file, world_file_path
from persistence.models import SaveState
from tests import factories
from tests.persistence.conftest import run_pending_on_commit
from tests.persistence.helpers import assert_round_trip
from world import models

pytestmark = pytest.mark.django_db


def world_file(slug: str = "tiny") -> dict:
    return orjson.loads(read_world_file(world_file_path(slug)))


def character_row(document: dict, name: str) -> dict:
    return next(c for c in document["characters"] if c["name"] == name)


@pytest.fixture
def committed(tiny_world):
    run_pending_on_commit()  # the setup as if committed and exported
    return tiny_world


def test_a_move_is_in_the_next_export(committed, alice, django_capture_on_commit_callbacks):
    assert character_row(world_file(), "Alice")["room"] == "hall"
    with django_capture_on_commit_callbacks(execute=True):
        assert alice.post("move", {"exit": "kitchen door"}).status_code == 200
    assert character_row(world_file(), "Alice")["room"] == "kitchen"


def test_a_burst_of_interaction_steps_gives_one_export(committed, alice, settings, django_capture_on_commit_callbacks):
    settings.MUDSITE_SCHEDULER_MODE = "manual"  # requests queue as in a live process; the flush is the timer firing
    before = SaveState.objects.get(pk=committed.world.pk).export_count
    factories.ItemFactory(world=committed.world, room=committed.hall, name="pear", tags=["Edible: 5"])
    for body in [("interact", {"object": "apple"}), ("interact/choose", {"choice": "Pick Up"}),
                 ("interact", {"object": "pear"}), ("interact/choose", {"choice": "Eat"})]:  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            assert alice.post(*body).status_code == 200
    flush_all_saves()
    assert SaveState.objects.get(pk=committed.world.pk).export_count == before + 1
    document = world_file()
    assert not any(i["name"] == "pear" for i in document["items"])
    apple = next(i for i in document["items"] if i["name"] == "apple")
    assert apple.get("character") == "Alice"


def test_purge_then_change_leaves_only_post_purge_state_in_the_file(
    committed, client, django_capture_on_commit_callbacks
):
    staff = factories.UserFactory(is_staff=True)
    headers = {"Authorization": f"Bearer {token_issue(user=staff)}"}
    base = "/api/worlds/tiny/build"
    assert "hall" in {r["key"] for r in world_file()["rooms"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/purge", {"confirm": "tiny"}, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.json()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/rooms", {"key": "fresh_start"}, content_type="application/json",
                               headers=headers)  # fmt: skip
    assert response.status_code == 201, response.json()
    flush_all_saves()
    document = world_file()
    assert [r["key"] for r in document["rooms"]] == ["fresh_start"]
    assert document["characters"] == []
    assert document["items"] == []


def test_the_demo_world_round_trips_byte_identical():
    call_command("seed_world")
    assert_round_trip(models.World.objects.get(slug="demo"))
