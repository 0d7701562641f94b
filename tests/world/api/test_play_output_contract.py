"""The hot play endpoints answer without ninja validating their output again (world/api/play.py
`unvalidated`): what they write must be exactly what their documented schema would have written."""

from __future__ import annotations

from typing import Any

import pytest
from ninja import Schema

from world.schemas.play import LookOut, MoveOut, SpeechOut

pytestmark = pytest.mark.django_db


def as_documented(schema: type[Schema], data: dict[str, Any]) -> dict[str, Any]:
    return schema.model_validate(data).model_dump(mode="json", by_alias=True)


def answer(response) -> dict[str, Any]:
    assert response.status_code == 200, response.json()
    return response.json()


def test_look_writes_its_schema(tiny_world, alice):
    data = answer(alice.get("look"))
    assert data == as_documented(LookOut, data)


def test_move_writes_its_schema(tiny_world, alice):
    data = answer(alice.post("move", {"exit": "kitchen door"}))
    assert data["moved_through"]["name"] == "kitchen door"
    assert data == as_documented(MoveOut, data)


@pytest.mark.parametrize("body", [{"text": "hello"}, {"text": "hello Bob", "to": ["Bob"]}])
def test_say_writes_its_schema(tiny_world, alice, body):
    data = answer(alice.post("say", body))
    assert data == as_documented(SpeechOut, data)
    if "to" in body:
        assert data["replies"] and data["replies"][0]["name"] == "Bob"
