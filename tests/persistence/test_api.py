"""/api/saves (staff only)."""

import orjson
import pytest

from accounts.services.tokens import token_issue
from persistence.models import SaveState
from tests import factories


@pytest.fixture
def staff_headers(db):
    staff = factories.UserFactory(username="staffer", is_staff=True)
    raw = token_issue(user=staff)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_stats_flush_and_download(world, client, staff_headers):
    SaveState.objects.filter(pk=world.world.pk).update(dirty_version=4)
    stats = client.get("/api/saves", **staff_headers).json()
    assert stats["dirty_worlds"] == 1
    assert stats["worlds"][0]["slug"] == "tiny"
    flushed = client.post("/api/saves/flush", **staff_headers).json()
    assert flushed["ok"] is True
    assert flushed["results"][0]["status"] == "written"
    assert flushed["results"][0]["version"] == 4
    download = client.get("/api/saves/tiny/export", **staff_headers)
    assert download.status_code == 200
    assert orjson.loads(download.content)["world"]["slug"] == "tiny"


def test_saves_are_staff_only(world, client):
    player = world.player.account
    raw = token_issue(user=player)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.get("/api/saves", **headers)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client.get("/api/saves").status_code == 401
    assert client.get("/api/saves/nowhere/export", **headers).status_code == 403
