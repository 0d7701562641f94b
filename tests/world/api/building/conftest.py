"""Fixtures for the build API: users with bearer tokens and a JSON client bound to one of them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from accounts.services.tokens import token_issue
from tests import factories


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def message(self) -> str:
        return self.body.get("message", "") if isinstance(self.body, dict) else ""


class Api:
    """Calls `/api/...` as one user (or anonymously) with a bearer token, JSON in and out."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_issue(user=user)}"} if user else {}

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Answer:
        url = path if path.startswith("/api/") else f"/api/{path.lstrip('/')}"
        if query:
            url += "?" + urlencode(query)
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(self.client, method.lower())(url, **kwargs)
        try:
            payload = response.json()
        except ValueError:
            payload = response.content.decode()
        return Answer(response.status_code, payload)

    def get(self, path: str, **query: Any) -> Answer:
        return self.call("GET", path, **query)

    def post(self, path: str, body: Any = None, **query: Any) -> Answer:
        return self.call("POST", path, body if body is not None else {}, **query)

    def patch(self, path: str, body: Any = None) -> Answer:
        return self.call("PATCH", path, body if body is not None else {})

    def put(self, path: str, body: Any = None) -> Answer:
        return self.call("PUT", path, body if body is not None else {})

    def delete(self, path: str, **query: Any) -> Answer:
        return self.call("DELETE", path, **query)


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="root", is_staff=True)


@pytest.fixture
def builder(tiny_world):
    user = factories.UserFactory(username="mason")
    tiny_world.world.builders.add(user)
    return user


@pytest.fixture
def build(builder, tiny_world) -> Api:
    """A builder of the tiny world; paths are relative to `/api/worlds/tiny/build/`."""

    class BuildApi(Api):
        def call(self, method: str, path: str, body: Any = None, **query: Any) -> Answer:
            return super().call(method, f"/api/worlds/tiny/build/{path.lstrip('/')}", body, **query)

    return BuildApi(builder)
