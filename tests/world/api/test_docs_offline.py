"""The API docs load without internet: Swagger's assets are served by this project, not a CDN."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/api/docs", "/admin/login/", "/play/"])
def test_served_pages_reference_no_outside_host(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert not OUTSIDE.findall(html), OUTSIDE.findall(html)
    if path == "/api/docs":
        assert "/static/ninja/swagger-ui-bundle.js" in html
