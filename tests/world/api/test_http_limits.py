"""Limits and protocol errors answer with the envelope and the right status (issue 9.3): an oversized body
is 413, a wrong method 405, a write without a valid token 401 (never CSRF's 403), pagination beyond int64
is 422."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.services.tokens import token_issue
from tests import factories

pytestmark = pytest.mark.django_db


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] == code, body
    assert body["message"]
    return body


@pytest.fixture
def small_bodies(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def big_json(size: int) -> str:
    return json.dumps({"username": "someone", "password": "x" * size})


def test_oversized_anonymous_register_is_413(small_bodies):
    response = Client().post("/api/auth/register", big_json(small_bodies), content_type="application/json")
    body = assert_envelope(response, 413, "too_large")
    assert body["details"]["limit"] == small_bodies


def test_oversized_authenticated_write_is_413(tiny_world, small_bodies):
    token = token_issue(user=tiny_world.player.account)
    response = Client().post(
        "/api/worlds/tiny/play/say",
        json.dumps({"text": "x" * small_bodies * 2}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_envelope(response, 413, "too_large")


def test_wrong_method_is_405_with_envelope_and_allow_header(db):
    response = Client().put("/api/auth/register", "{}", content_type="application/json")
    body = assert_envelope(response, 405, "method_not_allowed")
    assert body["details"]["allowed"] == ["POST"]
    assert response["Allow"] == "POST"


def test_wrong_method_on_a_world_path_is_405(tiny_world):
    response = Client().delete("/api/worlds/tiny/play/say")
    assert_envelope(response, 405, "method_not_allowed")


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a real browser request would meet it."""
    return Client(enforce_csrf_checks=True)


def test_anonymous_write_is_401_not_csrf_403(tiny_world, csrf_client):
    response = csrf_client.post("/api/worlds/tiny/play/say", {"text": "hi"}, content_type="application/json")
    assert_envelope(response, 401, "unauthenticated")


def test_anonymous_logout_is_401(db, csrf_client):
    assert_envelope(csrf_client.post("/api/auth/logout"), 401, "unauthenticated")


def test_bad_token_is_401_even_with_a_session_cookie(tiny_world, csrf_client):
    csrf_client.force_login(tiny_world.player.account)
    response = csrf_client.post(
        "/api/worlds/tiny/play/say",
        {"text": "hi"},
        content_type="application/json",
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert_envelope(response, 401, "unauthenticated")


def test_session_write_without_csrf_token_is_403_csrf_failed(tiny_world, csrf_client):
    csrf_client.force_login(tiny_world.player.account)
    response = csrf_client.post("/api/worlds/tiny/play/say", {"text": "hi"}, content_type="application/json")
    assert_envelope(response, 403, "csrf_failed")


def test_session_write_with_csrf_token_works(tiny_world, csrf_client):
    csrf_client.force_login(tiny_world.player.account)
    csrf_client.get("/admin/login/")  # a page with a form hands out the CSRF cookie
    response = csrf_client.post(
        "/api/worlds/tiny/play/say",
        {"text": "hi"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf_client.cookies["csrftoken"].value},
    )
    assert response.status_code == 200, response.json()


def test_valid_token_write_needs_no_csrf(tiny_world, csrf_client):
    token = token_issue(user=tiny_world.player.account)
    response = csrf_client.post(
        "/api/worlds/tiny/play/say",
        {"text": "hi"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.json()


def test_unknown_api_path_post_is_404_envelope_under_csrf(db, csrf_client):
    assert_envelope(csrf_client.post("/api/nowhere", {}), 404, "not_found")


@pytest.fixture
def builder_client(tiny_world) -> Client:
    user = factories.UserFactory(username="mason")
    tiny_world.world.builders.add(user)
    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)}"})


@pytest.mark.parametrize("path", ["rooms", "npcs", "templates", "items"])
@pytest.mark.parametrize(
    "query",
    [{"offset": 2**63}, {"offset": 2**70}, {"limit": 2**63}, {"limit": 0}, {"offset": -1}, {"limit": 10**6}],
)
def test_pagination_out_of_range_is_422(builder_client, path, query):
    response = builder_client.get(f"/api/worlds/tiny/build/{path}", query)
    assert_envelope(response, 422, "invalid")


def test_pagination_at_the_largest_offset_is_an_empty_page(builder_client):
    from world.api.pagination import INT64_MAX, PAGE_MAX

    response = builder_client.get("/api/worlds/tiny/build/rooms", {"offset": INT64_MAX - PAGE_MAX, "limit": PAGE_MAX})
    assert response.status_code == 200, response.json()
    assert response.json()["items"] == []
    assert response.json()["count"] == 2
