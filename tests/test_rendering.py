"""The API's orjson renderer writes what ninja's standard JSON renderer wrote, value for value."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from ninja.renderers import JSONRenderer

from mudsite.rendering import renderer

UTC = dt.UTC
VALUES = [
    dt.datetime(2026, 12, 3, 9, 4, 5, 123456, tzinfo=UTC),
    dt.datetime(2026, 12, 3, 9, 4, 5, tzinfo=UTC),
    dt.datetime(2026, 12, 3, 9, 4, 5, 999, tzinfo=UTC),
    dt.datetime(2026, 12, 3, 9, 4, 5, 7, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    dt.datetime(2026, 12, 3, 9, 4, 5),
    dt.date(2026, 12, 3),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    Decimal("1.50"),
    2**70,
    {"nested": [1, "two", None, True, 1.5]},
    {3: "int keys become strings"},
    "unicode é ✓",
]


@pytest.mark.parametrize("value", VALUES, ids=[type(v).__name__ + str(i) for i, v in enumerate(VALUES)])
def test_every_value_renders_as_ninja_rendered_it(value):
    data = {"value": value, "list": [value]}
    ours = renderer.render(None, data, response_status=200)
    theirs = JSONRenderer().render(None, data, response_status=200)
    assert json.loads(ours) == json.loads(theirs)
