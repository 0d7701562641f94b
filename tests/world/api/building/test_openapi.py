"""Every build endpoint is documented at /api/docs with its request and response schemas."""

from __future__ import annotations

import pytest

from mudsite.api import api


@pytest.fixture(scope="module")
def paths():
    return api.get_openapi_schema()["paths"]


def build_operations(paths):
    for path, operations in paths.items():
        if path.startswith("/api/worlds/"):
            for method, operation in operations.items():
                yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_summary_a_success_schema_and_the_error_envelope(paths):
    for name, operation in build_operations(paths):
        assert operation.get("summary"), name
        responses = {str(code): answer for code, answer in operation["responses"].items()}
        success = [code for code in responses if code.startswith("2")]
        assert success, name
        assert "content" in responses[success[0]], name
        for code in ("403", "404", "409", "422"):
            assert code in responses, f"{name} does not document {code}"


def test_bodies_are_documented(paths):
    post = paths["/api/worlds/{world}/build/rooms"]["post"]
    assert "requestBody" in post
    assert post["parameters"][0]["in"] == "path"
    assert post["parameters"][0]["name"] == "world"


@pytest.mark.django_db
def test_the_docs_page_serves(client):
    assert client.get("/api/openapi.json").status_code == 200
