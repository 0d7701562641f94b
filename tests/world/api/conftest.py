from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.services.tokens import token_issue
from world.models import Character


class Player:
    """A game client acting as one character: bearer token, JSON in, JSON out, paths relative to its world."""

    def __init__(self, character: Character, client: Client):
        self.character = character
        self.client = client
        self.headers = {"Authorization": f"Bearer {token_issue(user=character.account)}"}
        self.base = f"/api/worlds/{character.world.slug}/play"

    def url(self, path: str) -> str:
        return path if path.startswith("/api/") else f"{self.base}/{path.lstrip('/')}"

    def get(self, path: str, **params: Any):
        return self.client.get(self.url(path), params, headers=self.headers)

    def post(self, path: str, body: Any = None):
        return self.client.post(self.url(path), body or {}, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body: Any):
        return self.client.patch(self.url(path), body, content_type="application/json", headers=self.headers)

    def feed(self, after: int | None = None) -> list[str]:
        params = {} if after is None else {"after": after}
        response = self.get("events", **params)
        assert response.status_code == 200, response.json()
        return [e["text"] for e in response.json()["events"]]


@pytest.fixture
def play():
    def make(character: Character) -> Player:
        return Player(character, Client())

    return make


@pytest.fixture
def alice(tiny_world, play) -> Player:
    return play(tiny_world.player)
