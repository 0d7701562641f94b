"""Issue 9 item 5: tokens expire, a password change revokes them, a reset claims imported accounts,
and no Authorization header but a Bearer token is ever looked at, let alone logged."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken
from accounts.services.tokens import token_issue
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"
NEW_PASSWORD = "another sturdy passphrase 43"


def post(client: Client, path: str, body: dict, **headers):
    return client.post(f"/api/auth/{path}", body, content_type="application/json", headers=headers)


def me(token: str) -> int:
    return Client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def age(token: str, **delta: float) -> None:
    """Move a token's clock back: created and last used `delta` ago."""
    past = ApiToken.objects.get(prefix=token[:8]).created_at - dt.timedelta(**delta)
    ApiToken.objects.filter(prefix=token[:8]).update(created_at=past, last_used_at=past)


def test_a_token_expires_after_its_lifetime(settings):
    settings.MUDSITE_TOKEN_LIFETIME_SECONDS = 3600
    token = token_issue(user=factories.UserFactory())
    assert me(token) == 200
    age(token, seconds=3601)
    assert me(token) == 401


def test_sliding_expiry_counts_from_the_last_use(settings):
    settings.MUDSITE_TOKEN_LIFETIME_SECONDS = 3600
    settings.MUDSITE_TOKEN_EXPIRY = "sliding"
    token = token_issue(user=factories.UserFactory())
    age(token, seconds=3000)
    assert me(token) == 200  # used: the lifetime starts again
    ApiToken.objects.update(created_at=ApiToken.objects.get().created_at - dt.timedelta(seconds=3000))
    assert me(token) == 200  # 6000 s after login, 0 s after the last use


def test_fixed_expiry_counts_from_the_login(settings):
    settings.MUDSITE_TOKEN_LIFETIME_SECONDS = 3600
    settings.MUDSITE_TOKEN_EXPIRY = "fixed"
    token = token_issue(user=factories.UserFactory())
    age(token, seconds=3000)
    assert me(token) == 200
    ApiToken.objects.update(created_at=ApiToken.objects.get().created_at - dt.timedelta(seconds=700))
    assert me(token) == 401  # used recently, but older than its lifetime


def test_login_says_how_long_the_token_lives(client, settings):
    settings.MUDSITE_TOKEN_LIFETIME_SECONDS = 7200
    factories.UserFactory(username="wanderer", password=PASSWORD)
    assert post(client, "login", {"username": "wanderer", "password": PASSWORD}).json()["expires_in_seconds"] == 7200


def test_changing_the_password_revokes_every_token_and_returns_a_new_one(client):
    user = factories.UserFactory(username="wanderer", password=PASSWORD)
    other_device = token_issue(user=user)
    other_browser = Client()
    post(other_browser, "login", {"username": "wanderer", "password": PASSWORD})
    token = post(client, "login", {"username": "wanderer", "password": PASSWORD}).json()["token"]
    response = post(client, "password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 200, response.json()
    assert (me(token), me(other_device), me(response.json()["token"])) == (401, 401, 200)
    assert client.get("/api/auth/me").status_code == 200  # the browser that asked stays logged in
    assert other_browser.get("/api/auth/me").status_code == 401  # the others are logged out
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing():
    user = factories.UserFactory(password=PASSWORD)
    token = token_issue(user=user)
    response = post(
        Client(),
        "password",
        {"current_password": "nope", "new_password": NEW_PASSWORD},
        Authorization=f"Bearer {token}",
    )
    assert response.status_code == 401
    assert me(token) == 200


def test_a_password_changed_anywhere_else_revokes_tokens_too():
    user = factories.UserFactory(username="wanderer", password=PASSWORD)
    token = token_issue(user=user)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert me(token) == 401
    fresh = token_issue(user=user)
    user.last_name = "Unrelated"
    user.save()  # saving without a password change keeps the tokens
    assert me(fresh) == 200


def imported_player(username: str = "oldtimer"):
    user = get_user_model().objects.create_user(username=username)  # no password: unusable, like an import
    assert not user.has_usable_password()
    return user


def staff_token() -> str:
    return token_issue(user=factories.UserFactory(is_staff=True, is_superuser=True))


def test_staff_issue_a_reset_code_that_claims_an_imported_account():
    imported_player()
    issued = post(Client(), "password-reset/code", {"username": "OldTimer"}, Authorization=f"Bearer {staff_token()}")
    assert issued.status_code == 201, issued.json()
    code = issued.json()["code"]
    body = {"username": "oldtimer", "code": code, "new_password": NEW_PASSWORD}
    assert post(Client(), "password-reset/confirm", body).status_code == 204
    assert post(Client(), "login", {"username": "oldtimer", "password": NEW_PASSWORD}).status_code == 200
    again = post(Client(), "password-reset/confirm", {**body, "new_password": PASSWORD})
    assert again.status_code == 422  # a code works once
    assert again.json()["code"] == "reset_code_invalid"


def test_only_staff_issue_reset_codes():
    imported_player()
    token = token_issue(user=factories.UserFactory())
    assert (
        post(Client(), "password-reset/code", {"username": "oldtimer"}, Authorization=f"Bearer {token}").status_code
        == 403
    )


def test_a_reset_revokes_the_accounts_tokens():
    user = factories.UserFactory(username="wanderer", password=PASSWORD)
    token = token_issue(user=user)
    code = post(Client(), "password-reset/code", {"username": "wanderer"}, Authorization=f"Bearer {staff_token()}")
    body = {"username": "wanderer", "code": code.json()["code"], "new_password": NEW_PASSWORD}
    assert post(Client(), "password-reset/confirm", body).status_code == 204
    assert me(token) == 401


def test_a_wrong_reset_code_is_refused_and_throttled(settings):
    settings.MUDSITE_LOGIN_FAILURE_LIMIT = 2
    imported_player()
    body = {"username": "oldtimer", "code": "1-nope", "new_password": NEW_PASSWORD}
    assert [post(Client(), "password-reset/confirm", body).status_code for _ in range(3)] == [422, 422, 429]


def test_a_reset_code_by_mail(settings):
    user = imported_player()
    user.email = "old@example.org"
    user.save()
    assert post(Client(), "password-reset", {"username": "oldtimer"}).status_code == 202
    assert post(Client(), "password-reset", {"username": "nobody"}).status_code == 202  # same answer
    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert message.to == ["old@example.org"]
    code = message.body.split("Reset code: ")[1].split()[0]
    body = {"username": "oldtimer", "code": code, "new_password": NEW_PASSWORD}
    assert post(Client(), "password-reset/confirm", body).status_code == 204


@pytest.mark.parametrize(
    "header", ["Basic b2xkdGltZXI6aHVudGVyMg==", "Token supersecret-value", "Digest username=x, response=secret"]
)
def test_non_bearer_authorization_headers_are_never_logged(settings, caplog, header):
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    response = Client().get("/api/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    secret = header.split(" ", 1)[1]
    assert secret not in "\n".join(r.getMessage() for r in caplog.records)


def test_changepassword_command_revokes_tokens(monkeypatch):
    user = factories.UserFactory(username="wanderer", password=PASSWORD)
    token = token_issue(user=user)
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: NEW_PASSWORD)
    call_command("changepassword", "wanderer")
    assert me(token) == 401
