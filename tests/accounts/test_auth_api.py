"""Accounts: register, login (token + session), logout revokes, me; throttling; secrets never leak."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"


def post(client: Client, path: str, body: dict, **headers):
    return client.post(f"/api/auth/{path}", body, content_type="application/json", headers=headers)


def test_register_hashes_the_password(client):
    response = post(client, "register", {"username": "wanderer", "password": PASSWORD})
    assert response.status_code == 201
    assert response.json()["username"] == "wanderer"
    user = get_user_model().objects.get(username="wanderer")
    assert user.password != PASSWORD
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_register_refuses_a_taken_name_in_any_case(client):
    factories.UserFactory(username="Wanderer")
    response = post(client, "register", {"username": "wanderer", "password": PASSWORD})
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"


@pytest.mark.parametrize(
    ("username", "password"),
    [("ok-name", "short"), ("ok-name", "password"), ("bad name!", PASSWORD), ("", PASSWORD)],
)
def test_register_validates_username_and_password(client, username, password):
    response = post(client, "register", {"username": username, "password": password})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_login_gives_a_hashed_token_and_a_session(client):
    user = factories.UserFactory(username="wanderer", password=PASSWORD)
    response = post(client, "login", {"username": "WANDERER", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=user)
    assert stored.key_hash != token
    assert token not in stored.key_hash
    # The browser session works on its own…
    assert client.get("/api/auth/me").json()["username"] == "wanderer"
    # …and so does the token, from a client without the session cookie.
    me = Client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "wanderer"


def test_wrong_password_is_401(client):
    factories.UserFactory(username="wanderer", password=PASSWORD)
    response = post(client, "login", {"username": "wanderer", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    unknown = post(client, "login", {"username": "nobody", "password": "nope"})
    assert unknown.status_code == 401
    assert unknown.json()["message"] == response.json()["message"]  # no hint about which names exist


def test_login_is_throttled_after_repeated_failures(client, settings):
    settings.MUDSITE_LOGIN_FAILURE_LIMIT = 5
    factories.UserFactory(username="wanderer", password=PASSWORD)
    for _ in range(5):
        assert post(client, "login", {"username": "wanderer", "password": "guess"}).status_code == 401
    blocked = post(client, "login", {"username": "wanderer", "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "throttled"
    assert blocked.json()["details"]["retry_after_seconds"] > 0
    # Per username and address: another address is not blocked.
    other = client.post(
        "/api/auth/login",
        {"username": "wanderer", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200


def test_case_and_blank_variants_share_one_failure_count(client, settings):
    settings.MUDSITE_LOGIN_FAILURE_LIMIT = 3
    factories.UserFactory(username="wanderer", password=PASSWORD)
    for variant in ("wanderer", " Wanderer", "WANDERER "):
        assert post(client, "login", {"username": variant, "password": "guess"}).status_code == 401
    assert post(client, "login", {"username": "wAnDeReR", "password": PASSWORD}).status_code == 429


def test_a_success_resets_the_failure_count(client, settings):
    settings.MUDSITE_LOGIN_FAILURE_LIMIT = 3
    factories.UserFactory(username="wanderer", password=PASSWORD)
    for _ in range(2):
        post(client, "login", {"username": "wanderer", "password": "guess"})
    assert post(client, "login", {"username": "wanderer", "password": PASSWORD}).status_code == 200
    for _ in range(2):
        post(client, "login", {"username": "wanderer", "password": "guess"})
    assert post(client, "login", {"username": "wanderer", "password": PASSWORD}).status_code == 200


def test_logout_revokes_the_token(client):
    factories.UserFactory(username="wanderer", password=PASSWORD)
    token = post(client, "login", {"username": "wanderer", "password": PASSWORD}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    response = Client().post("/api/auth/logout", headers=bearer)
    assert response.status_code == 204
    assert Client().get("/api/auth/me", headers=bearer).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_logout_ends_the_browser_session(client):
    factories.UserFactory(username="wanderer", password=PASSWORD)
    post(client, "login", {"username": "wanderer", "password": PASSWORD})
    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/auth/me").status_code == 401


def test_anonymous_is_401_with_the_envelope(client):
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}
    assert client.post("/api/auth/logout").status_code == 401


def test_me_lists_characters(tiny_world):
    user = tiny_world.player.account
    client = Client()
    client.force_login(user)
    body = client.get("/api/auth/me").json()
    assert body["characters"] == [{"world": "tiny", "name": "Alice"}]


def test_passwords_and_tokens_never_reach_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    post(client, "register", {"username": "wanderer", "password": PASSWORD})
    token = post(client, "login", {"username": "wanderer", "password": PASSWORD}).json()["token"]
    post(client, "login", {"username": "wanderer", "password": PASSWORD + "x"})
    Client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PASSWORD not in logged
    assert token not in logged
