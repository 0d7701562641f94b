"""The one NinjaAPI of the project and its error envelope: every error is
`{"code": "...", "message": "...", "details": {...}}` with the right 4xx status."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from world.exceptions import WorldError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="mudsite", version="1", description="Play and build text worlds. Errors: {code, message, details}."
)


def envelope(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)


@api.exception_handler(WorldError)
def on_world_error(request: HttpRequest, exc: WorldError) -> HttpResponse:
    return envelope(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return envelope(request, 422, "invalid", "The request is not valid.", {"errors": exc.errors})


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return envelope(request, 422, "invalid", "; ".join(exc.messages), {"errors": details})


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return envelope(request, 401, "unauthenticated", "Log in first: send 'Authorization: Bearer <token>'.")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return envelope(request, 403, "forbidden", str(exc) or "You may not do that.")


@api.exception_handler(Http404)
def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return envelope(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def on_does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return envelope(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        422: "invalid",
        429: "throttled",
    }
    return envelope(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Never a traceback to the client; the log keeps the cause.
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return envelope(request, 500, "server_error", "Something went wrong on the server; it has been logged.")


from persistence.api import router as saves_router  # noqa: E402  (routers come after the handlers)

api.add_router("/saves", saves_router)
