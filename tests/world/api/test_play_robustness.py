"""No request ever gets a 500: malformed bodies, queries and paths against every endpoint."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from django.test import Client

from accounts.services.tokens import token_issue
from mudsite.api import api
from tests import factories

pytestmark = pytest.mark.django_db

BAD_BODIES = [
    "{",
    "not json at all",
    "[]",
    '[{"text": "hi"}]',
    '"a string"',
    "42",
    "null",
    "true",
    "{}",
    '{"unexpected": 1}',
    "\x00\xff",
]
BAD_VALUES = [None, 1, -1, 1.5, True, [], ["x"], {}, {"a": 1}, "", " ", "x" * 100_000, "\u0000", "😀" * 50]
BAD_QUERIES = [
    {"after": "abc"},
    {"after": "-1"},
    {"after": "1e999"},
    {"after": "99999999999999999999999999"},
    {"wait": "nan"},
    {"wait": "-5"},
    {"wait": "inf"},
    {"wait": "x"},
]
BAD_TARGETS = ["%00", "a%00b", "x" * 5000, "..", "%2F", "😀", "%20"]


def operations():
    """(method, path, body fields) for every operation, read from the OpenAPI document."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            fields: list[str] = []
            body = operation.get("requestBody")
            if body:
                ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                fields = list(components[ref]["properties"])
            yield method.upper(), path, fields


OPERATIONS = list(operations())


def concrete(path: str, target: str = "bob") -> str:
    return re.sub(r"\{target\}", target, path.replace("{world}", "tiny"))


def assert_envelope_or_ok(response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400 and response.status_code != 405:
        body = response.json()
        assert set(body) == {"code", "message", "details"}, body


def send(client: Client, method: str, url: str, data, headers) -> object:
    return client.generic(method, url, data, content_type="application/json", headers=headers)


@pytest.fixture
def headers(tiny_world):
    return {"Authorization": f"Bearer {token_issue(user=tiny_world.player.account)}"}


def test_unknown_api_paths_get_the_envelope(client):
    response = client.get("/api/worlds/tiny/play/look/a/b")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_every_endpoint_is_covered():
    paths = {path for _, path, _ in OPERATIONS}
    assert {"/api/auth/login", "/api/worlds/{world}/play/events", "/api/worlds/{world}/play/give"} <= paths
    assert len(OPERATIONS) >= 21


@pytest.mark.parametrize(("method", "path", "fields"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_malformed_bodies_never_500(tiny_world, headers, method, path, fields):
    client = Client()
    url = concrete(path)
    if method in {"POST", "PATCH", "PUT"}:
        for raw in BAD_BODIES:
            assert_envelope_or_ok(send(client, method, url, raw, headers))
        for field, value in itertools.product(fields, BAD_VALUES):
            good = {f: "apple" for f in fields}
            good[field] = value
            assert_envelope_or_ok(send(client, method, url, json.dumps(good), headers))
    else:
        for query in BAD_QUERIES:
            assert_envelope_or_ok(client.get(url, query, headers=headers))
    for slug in ("%00", "a%00b", "UPPER", "x" * 300):
        assert_envelope_or_ok(send(client, method, concrete(path).replace("/tiny/", f"/{slug}/"), "{}", headers))
    if "{target}" in path:
        for target in BAD_TARGETS:
            assert_envelope_or_ok(send(client, method, concrete(path, target), "", headers))


@pytest.mark.parametrize(("method", "path", "fields"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_anonymous_and_strangers(tiny_world, method, path, fields):
    client = Client()
    typed = {"to": ["bob"], "private": False}  # fields that are not text
    body = json.dumps({f: typed.get(f, "apple") for f in fields})
    anonymous = send(client, method, concrete(path), body, {})
    assert_envelope_or_ok(anonymous)
    if path.startswith("/api/worlds/") or path in {"/api/auth/logout", "/api/auth/me"}:
        assert anonymous.status_code == 401
    stranger = {"Authorization": f"Bearer {token_issue(user=factories.UserFactory())}"}
    response = send(client, method, concrete(path), body, stranger)
    assert_envelope_or_ok(response)
    # Play paths only: the build API checks its bodies first and has its own authorization test.
    play_path = "/play" in path
    if play_path and not path.endswith("/join"):
        assert response.status_code == 403
    bad_token = send(client, method, concrete(path), body, {"Authorization": "Bearer nonsense"})
    assert_envelope_or_ok(bad_token)
    unknown_world = send(client, method, concrete(path).replace("/tiny/", "/no-such-world/"), body, stranger)
    assert_envelope_or_ok(unknown_world)
    if play_path:
        assert unknown_world.status_code == 404
