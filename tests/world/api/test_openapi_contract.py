"""The OpenAPI document tells the truth: one schema per name, one error envelope, only real error codes."""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Iterator

from pydantic import BaseModel

from mudsite.api import api
from world.schemas.common import ErrorOut

# What the handlers in mudsite/api.py and the services can answer; anything else in the docs is invented.
REAL_ERROR_CODES = {"400", "401", "403", "404", "405", "409", "413", "422", "429"}


def operations() -> Iterator[typing.Any]:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def models_in(annotation: typing.Any, seen: set[type]) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from models_in(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        yield from models_in(argument, seen)


def documented_models() -> Iterator[type[BaseModel]]:
    seen: set[type] = set()
    for operation in operations():
        for model in operation.models:
            yield from models_in(model, seen)
        for model in operation.response_models.values():
            if model is not None:
                yield from models_in(model, seen)


def test_no_two_schemas_share_a_name():
    """OpenAPI keys components by class name and silently keeps one of two namesakes."""
    owners: dict[str, set[str]] = defaultdict(set)
    for model in documented_models():
        if model.__module__.startswith("ninja."):
            continue  # ninja's per-operation wrappers (Response, Input) are inlined, never components
        owners[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(where) for name, where in owners.items() if len(where) > 1}
    assert shared == {}


def test_the_build_room_is_documented_with_every_field_it_returns():
    room = api.get_openapi_schema()["components"]["schemas"]["RoomOut"]
    assert set(room["properties"]) >= {"key", "uuid", "exits", "entrances", "characters", "items", "owner"}


def test_every_error_response_is_the_one_envelope_and_a_real_code():
    schema = api.get_openapi_schema()
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"code", "message", "details"}
    error_schemas = {
        name
        for name, component in schema["components"]["schemas"].items()
        if {"code", "message"} <= set(component.get("properties", {}))
    }
    assert error_schemas == {"ErrorOut"}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for code, response in operation["responses"].items():
                if str(code).startswith(("4", "5")):
                    where = f"{method.upper()} {path} {code}"
                    assert str(code) in REAL_ERROR_CODES, where
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorOut", where


def test_error_out_is_the_common_one():
    # Defined below every app (accounts may not import world); world.schemas.common re-exports it.
    assert ErrorOut.__module__ == "mudsite.schemas"


def test_every_operation_with_a_body_documents_the_400_of_an_unparsable_body():
    """Ninja answers 400 `bad_request` to a body that is not JSON before any route runs (schemathesis)."""
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            if "requestBody" in operation:
                assert 400 in operation["responses"], f"{method.upper()} {path}"


def test_flush_documents_the_422_of_its_query_parameters():
    """`POST /api/saves/flush?force=null` is a 422 (schemathesis)."""
    assert 422 in api.get_openapi_schema()["paths"]["/api/saves/flush"]["post"]["responses"]


def test_the_schema_is_built_once_a_prefix_and_each_caller_gets_its_own_copy(monkeypatch, client):
    import ninja.main

    builds = []
    build = ninja.main.get_schema
    monkeypatch.setattr(ninja.main, "get_schema", lambda **kw: builds.append(kw["path_prefix"]) or build(**kw))
    monkeypatch.setattr(api, "_openapi_schemas", {})
    first = api.get_openapi_schema()
    first["paths"].clear()
    second = api.get_openapi_schema()
    served = client.get("/api/openapi.json").json()
    assert builds == ["/api/"]
    assert second["paths"] and served["paths"].keys() == second["paths"].keys()
    assert second == api.get_openapi_schema()
