"""How the API writes JSON: one renderer for ninja's responses and for the hot reads that skip
ninja's output validation (world/api/play.py `unvalidated`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

ZERO = timedelta(0)


class OrjsonRenderer(JSONRenderer):
    """ninja's JSON renderer through orjson (~10x faster on a look's rows), writing every value as before:
    date-times in Django's form (milliseconds, `Z`), and anything orjson refuses (an integer beyond 64
    bits in a sheet) through the standard encoder."""

    _fallback = NinjaJSONEncoder()

    @classmethod
    def default(cls, value: Any) -> Any:
        if type(value) is datetime and value.utcoffset() == ZERO:  # the common case, ~5x faster than Django's
            text = value.isoformat()
            return (text[:23] if value.microsecond else text[:19]) + "Z"
        return cls._fallback.default(value)

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        try:
            return orjson.dumps(
                data,
                default=self.default,
                option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS,
            )
        except orjson.JSONEncodeError:
            return super().render(request, data, response_status=response_status)


renderer = OrjsonRenderer()


def json_response(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        renderer.render(request, data, response_status=status), status=status, content_type=renderer.media_type
    )
