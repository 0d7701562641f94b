"""Answers that Django or ninja build before any API handler runs, put into the API's error envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse


class ApiMethodNotAllowedMiddleware:
    """Ninja answers a method an API path does not serve with a bare `text/html` 405 ("Method not
    allowed") from deep inside its URL view, where no exception handler sees it. Under /api/ that answer
    becomes the envelope, keeping the `Allow` header that lists what the path does serve.

    Sync and async: under ASGI a sync-only middleware between async ones costs every request two extra
    thread hand-offs (Django adapts the chain around it)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        return self.enveloped(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        return self.enveloped(request, await self.get_response(request))

    @staticmethod
    def enveloped(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        allowed = response.get("Allow", "")
        methods = sorted(m.strip() for m in allowed.split(",") if m.strip())
        enveloped = JsonResponse(
            {
                "code": "method_not_allowed",
                "message": f"{request.method} is not allowed on {request.path}; use {', '.join(methods)}.",
                "details": {"allowed": methods},
            },
            status=405,
        )
        enveloped["Allow"] = ", ".join(methods)
        return enveloped
