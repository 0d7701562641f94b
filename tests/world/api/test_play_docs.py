"""/api/docs documents every auth and play endpoint with request and response schemas."""

from __future__ import annotations

import pytest

from mudsite.api import api

pytestmark = pytest.mark.django_db

BODYLESS = {
    ("post", "/api/auth/logout"),
    ("post", "/api/worlds/{world}/play/interact/cancel"),
    # Answering an offer or a mission names it in the path; there is nothing else to send.
    *(("post", f"/api/worlds/{{world}}/play/offers/{{offer_id}}/{verb}") for verb in ("accept", "decline", "cancel")),
    *(("post", f"/api/worlds/{{world}}/play/missions/{{mission_id}}/{verb}") for verb in ("accept", "abandon")),
    ("post", "/api/worlds/{world}/play/flee"),
}


def test_docs_page_renders(client):
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200


def play_and_auth_operations():
    for path, methods in api.get_openapi_schema()["paths"].items():
        if path.startswith("/api/auth/") or "/play/" in path:
            for method, operation in methods.items():
                yield path, method, operation


def test_every_endpoint_is_documented_with_schemas():
    operations = list(play_and_auth_operations())
    assert len(operations) >= 21
    for path, method, operation in operations:
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        responses = {str(code): response for code, response in operation["responses"].items()}
        success = [code for code in responses if code.startswith("2")]
        assert success, where
        for code, response in responses.items():
            if code == "204":
                continue
            if "text/event-stream" in response.get("content", {}):  # the live stream (SSE)
                continue
            assert "schema" in response["content"]["application/json"], f"{where} {code}"
        errors = {code for code in responses if code.startswith("4")}
        assert "422" in errors or method == "get" or (method, path) in BODYLESS, where
        if method in {"post", "patch"} and (method, path) not in BODYLESS:
            assert "requestBody" in operation, where
            assert operation["requestBody"]["content"]["application/json"]["schema"], where
        if path.startswith("/api/worlds/"):
            assert {"401", "403", "404"} <= errors, where
            assert operation.get("security"), where


def test_error_responses_use_the_envelope_schema():
    schema = api.get_openapi_schema()
    properties = schema["components"]["schemas"]["ErrorOut"]["properties"]
    assert set(properties) == {"code", "message", "details"}
