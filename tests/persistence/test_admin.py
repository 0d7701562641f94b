"""The Save statistics admin page."""

import pytest
from django.urls import reverse

from persistence.files import world_file_path
from persistence.models import SaveState
from tests import factories


@pytest.fixture
def staff_client(client, db):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_statistics_page_shows_counts_and_the_last_error_with_its_cause(world, staff_client, settings, tmp_path):
    (tmp_path / "blocker").write_text("x")
    settings.MUDSITE_STATE_DIR = tmp_path / "blocker" / "worlds"
    response = staff_client.post(
        reverse("admin:persistence_savestate_changelist"),
        {"action": "save_now", "_selected_action": [world.world.pk]},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tiny: FAILED: NotADirectoryError" in page  # the action's message (capitalised by the admin)
    assert "NotADirectoryError" in page  # the list's last error column and the totals
    assert "Flush all" in page
    state = SaveState.objects.get(pk=world.world.pk)
    assert state.error_count == 1


def test_flush_all_exports_dirty_worlds(world, staff_client):
    SaveState.objects.filter(pk=world.world.pk).update(dirty_version=9)
    response = staff_client.post(reverse("admin:persistence_savestate_flush_all"), follow=True)
    assert "Tiny: written version 9" in response.content.decode()
    assert b'"world_version":9' in world_file_path("tiny").read_bytes()


def test_flush_all_needs_post_and_permission(world, client):
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    client.force_login(viewer)
    assert client.get(reverse("admin:persistence_savestate_flush_all")).status_code in {403, 405}
    assert client.post(reverse("admin:persistence_savestate_flush_all")).status_code == 403


def test_page_is_read_only(world, staff_client):
    url = reverse("admin:persistence_savestate_change", args=[world.world.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert staff_client.get(reverse("admin:persistence_savestate_add")).status_code == 403
