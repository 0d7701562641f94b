"""Issue 9.1 as a property: any unicode (lone surrogates, NULs, control characters included) in any text
field of any write operation gives a 2xx or a 4xx, and every world still exports afterwards, with no
unstorable text in its file.

The operations and their text fields are read from the OpenAPI document, so a new write endpoint or a new
text field is fuzzed without editing this file (an operation without a base body below fails the coverage
test). Each example replaces a non-empty subset of an operation's text slots in a body that would succeed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.services.tokens import token_issue
from mudsite.api import api
from persistence.facade import write_world_copy
from persistence.formats import mudsite
from tests.world.api.building.test_authorization import PREFIX, SAMPLES, build_scene, url_for
from world import models, validation

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(db):
    """The build samples' world, made for each test: its examples write, and read every world after."""
    return build_scene()


WRITE_METHODS = {"POST", "PUT", "PATCH"}
# Base bodies that succeed on `scene` for the operations outside /build (whose bodies are SAMPLES).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/worlds"): {"slug": "fresh", "name": "Fresh"},
    ("POST", "/api/auth/register"): {"username": "newcomer", "password": "long enough pass 1"},
    ("POST", "/api/auth/login"): {"username": "newcomer", "password": "long enough pass 1"},
    ("POST", "/api/auth/password"): {"current_password": "wrong", "new_password": "another long pass 2"},
    ("POST", "/api/auth/password-reset/code"): {"username": "carol"},
    ("POST", "/api/auth/password-reset"): {"username": "carol"},
    ("POST", "/api/auth/password-reset/confirm"): {"username": "carol", "code": "x-y", "new_password": "pass 3 ok!"},
    ("POST", "/api/worlds/{world}/play/interact"): {"object": "apple"},
    ("POST", "/api/worlds/{world}/play/interact/choose"): {"choice": "1"},
    ("POST", "/api/worlds/{world}/play/offers"): {"target": "Bob", "give_items": ["apple"], "want_items": []},
    ("POST", "/api/worlds/{world}/play/missions/ask"): {"npc": "Bob"},
    ("POST", "/api/worlds/{world}/play/missions/{mission_id}/offer"): {"target": "Bob"},
    ("POST", "/api/worlds/{world}/play/join"): {"name": "Alice", "description": "Curious."},
    ("POST", "/api/worlds/{world}/play/move"): {"exit": "kitchen door"},
    ("POST", "/api/worlds/{world}/play/say"): {"text": "hello", "to": ["Bob"]},
    ("POST", "/api/worlds/{world}/play/tell"): {"target": "Bob", "text": "psst"},
    ("POST", "/api/worlds/{world}/play/whisper"): {"target": "Bob", "text": "psst"},
    ("POST", "/api/worlds/{world}/play/gesture"): {"verb": "wave", "target": "Bob"},
    ("PATCH", "/api/worlds/{world}/play/me"): {"name": "Alicia", "description": "Taller now."},
    ("POST", "/api/worlds/{world}/play/take"): {"item": "apple"},
    ("POST", "/api/worlds/{world}/play/drop"): {"item": "apple"},
    ("POST", "/api/worlds/{world}/play/give"): {"item": "apple", "target": "Bob"},
    ("POST", "/api/worlds/{world}/play/claim"): {"item": "apple"},
    ("POST", "/api/worlds/{world}/play/unclaim"): {"item": "apple"},
    ("POST", "/api/worlds/{world}/play/attack"): {"target": "Bob"},
    ("POST", "/api/worlds/{world}/play/roll"): {"expression": "2d6", "private": False},
    ("POST", PREFIX + "/missions"): {"title": "Fetch water", "description": "From the well.", "issuer": "Bob"},
    ("POST", PREFIX + "/missions/{mission_id}/status"): {"status": "open"},
}
PATH_VALUES = {"mission_id": "1", "offer_id": "1"}

# Text a client could send: anything, weighted toward what breaks storage and exports.
NASTY = ["\udfff", "\ud800", "a\x00b", "\x00", "bell\x07", "\x1b[31m", "\x7f", "\u200b", "\ufeff", "\U0010ffff"]
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=12),
    st.lists(st.sampled_from(NASTY) | st.sampled_from(["a", " ", "Bob", "hall"]), min_size=1, max_size=4).map("".join),
)

Slot = tuple[tuple[Any, ...], str]  # (path into the body, "text" | "list" | "map")


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return components[schema["$ref"].rsplit("/", 1)[-1]]
    variants = [v for v in schema.get("anyOf", []) if v.get("type") != "null"]
    if len(variants) == 1:
        return _resolve(variants[0], components)
    if variants:  # e.g. `choice: str | int`: fuzz its text form
        return next((v for v in variants if v.get("type") == "string"), variants[0])
    return schema


def text_slots(schema: dict[str, Any], components: dict[str, Any], path: tuple[Any, ...] = ()) -> Iterator[Slot]:
    """Every place in a body where a client can put text: strings, lists of strings, free-form maps,
    and the strings inside nested objects and lists of objects."""
    schema = _resolve(schema, components)
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema:
        yield path, "text"
    elif kind == "object" and "properties" in schema:
        for name, prop in schema["properties"].items():
            yield from text_slots(prop, components, (*path, name))
    elif kind == "object":
        yield path, "map"
    elif kind == "array":
        items = _resolve(schema.get("items", {}), components)
        if items.get("type") == "string":
            yield path, "list"
        elif items.get("type") == "object":
            yield from text_slots(items, components, (*path, 0))


def write_operations() -> dict[tuple[str, str], list[Slot]]:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody")
            if method.upper() in WRITE_METHODS and body:
                slots = list(text_slots(body["content"]["application/json"]["schema"], components))
                if slots:
                    found[(method.upper(), path)] = slots
    return found


OPERATIONS = write_operations()


def base_body(route: tuple[str, str]) -> dict[str, Any]:
    method, path = route
    if path.startswith(PREFIX) and (method, path.removeprefix(PREFIX)) in SAMPLES:
        # Deep: the examples write into nested slots, and SAMPLES is test_authorization's too.
        return copy.deepcopy(SAMPLES[(method, path.removeprefix(PREFIX))][1] or {})
    return copy.deepcopy(BODIES[route])


def concrete_url(route: tuple[str, str], scene) -> str:
    method, path = route
    if path.startswith(PREFIX) and (method, path.removeprefix(PREFIX)) in SAMPLES:
        return url_for((method, path.removeprefix(PREFIX)), scene)
    return path.format(world="tiny", **PATH_VALUES)


def put_at(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node: Any = body
    for step, following in zip(path, path[1:], strict=False):
        if isinstance(step, int):
            while len(node) <= step:
                node.append({})
            node = node[step]
        else:
            default: Any = [] if isinstance(following, int) else {}
            if not isinstance(node.get(step), type(default)):
                node[step] = default
            node = node[step]
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def fuzzed(kind: str) -> st.SearchStrategy[Any]:
    if kind == "list":
        return st.lists(TEXT, min_size=1, max_size=3)
    if kind == "map":
        return st.dictionaries(TEXT, TEXT, min_size=1, max_size=2)
    return TEXT


def unstorable_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if validation.text_problem(value) is not None or "\ufffd" in value:
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from unstorable_strings(key)
            yield from unstorable_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from unstorable_strings(item)


def assert_every_world_exports_cleanly() -> None:
    replaced_before = mudsite.REPLACED_TEXT.count
    for world in models.World.objects.all():
        document = json.loads(write_world_copy(world))
        bad = list(unstorable_strings(document))
        assert not bad, f"world {world.slug} stored unstorable text: {bad[:3]!r}"
    assert mudsite.REPLACED_TEXT.count == replaced_before, "the exporter had to scrub stored text"


def test_every_write_operation_with_text_is_fuzzed():
    missing = [route for route in OPERATIONS if not route[1].startswith(PREFIX) and route not in BODIES]
    missing += [
        route
        for route in OPERATIONS
        if route[1].startswith(PREFIX)
        and (route[0], route[1].removeprefix(PREFIX)) not in SAMPLES
        and route not in BODIES
    ]
    assert missing == [], "give each new write operation a base body"
    areas = {"/auth/", "/play/interact", "/build/", "/play/offers", "/missions", "/play/say", "/play/roll"}
    assert all(any(area in path for _, path in OPERATIONS) for area in areas)


@pytest.fixture
def caller(scene) -> Client:
    """Alice, a player of the world and staff, so that one caller reaches every operation."""
    account = scene.player.account
    account.is_staff = True
    account.save(update_fields=["is_staff"])
    return Client(headers={"Authorization": f"Bearer {token_issue(user=account)}"})


@pytest.mark.parametrize("route", sorted(OPERATIONS), ids=[f"{m} {p}" for m, p in sorted(OPERATIONS)])
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_text_in_any_field_is_2xx_or_4xx_and_worlds_still_export(scene, caller, route, data):
    slots = OPERATIONS[route]
    chosen = data.draw(st.lists(st.sampled_from(slots), min_size=1, max_size=len(slots), unique=True))
    body = base_body(route)
    for path, kind in chosen:
        put_at(body, path, data.draw(fuzzed(kind)))
    response = caller.generic(route[0], concrete_url(route, scene), json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "details"}
    assert_every_world_exports_cleanly()
