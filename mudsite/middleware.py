"""Answers that Django or ninja build before any API handler runs, put into the API's error envelope."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class ApiMethodNotAllowedMiddleware:
    """Ninja answers a method an API path does not serve with a bare `text/html` 405 ("Method not
    allowed") from deep inside its URL view, where no exception handler sees it. Under /api/ that answer
    becomes the envelope, keeping the `Allow` header that lists what the path does serve."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
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
