"""The one NinjaAPI of the project and its error envelope: every error is
`{"code": "...", "message": "...", "details": {...}}` with the right 4xx status."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from accounts.api.auth import router as auth_router
from mudsite.rendering import renderer
from persistence.api import router as saves_router
from world.api.building import router as build_router
from world.api.games import router as games_router
from world.api.interact import router as interact_router
from world.api.missions import build_router as build_missions_router
from world.api.missions import play_router as missions_router
from world.api.play import router as play_router
from world.api.trade import router as trade_router
from world.api.worlds import router as worlds_router
from world.exceptions import WorldError

logger = logging.getLogger(__name__)


class OfflineSwagger(Swagger):
    """ninja's Swagger page from the assets this project serves (`mudsite.ninja_assets`). ninja renders its
    `template_cdn` file unless the literal "ninja" is in INSTALLED_APPS (an entry that would import ninja in
    every process), so that file is ninja's offline template: its own `render_page`, context and all."""

    template_cdn = str(Path(Swagger.template_cdn).with_name("swagger.html"))


class MudsiteAPI(NinjaAPI):
    """Every operation that reads a JSON body can answer 400 `bad_request`: ninja refuses a body that is
    not JSON (or not UTF-8) before the operation runs, so the status belongs to the body, not the route."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._openapi_schemas: dict[str, bytes] = {}  # path prefix -> the pickled schema

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        """Built once a path prefix (~0.4 s, it walks every operation's pydantic models); each caller
        gets its own copy, so one that edits it (the docs, tests) never changes another's."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        pickled = self._openapi_schemas.get(path_prefix)
        if pickled is None:
            pickled = pickle.dumps(self._build_openapi_schema(path_prefix), protocol=pickle.HIGHEST_PROTOCOL)
            self._openapi_schemas[path_prefix] = pickled
        return pickle.loads(pickled)

    def _build_openapi_schema(self, path_prefix: str) -> dict[str, Any]:
        # A plain dict: ninja's OpenAPISchema keeps the API object in its attributes.
        schema = dict(super().get_openapi_schema(path_prefix=path_prefix))
        bad_body = {
            "description": "Bad Request",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for methods in schema["paths"].values():
            for operation in methods.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault(400, bad_body)
        return schema


api = MudsiteAPI(
    renderer=renderer,
    docs=OfflineSwagger(),
    title="mudsite",
    version="1",
    description="Play and build text worlds. Errors: {code, message, details}.",
)
# Order matters where prefixes overlap: Django tries the URL patterns in the order they are mounted.
# Play first: it is the hot path, and Django tries every pattern before it on each request (the ~100
# build patterns in front of it cost a look ~0.3 ms).
api.add_router("/worlds/{world}/play/interact", interact_router)
api.add_router("/worlds/{world}/play/offers", trade_router)
api.add_router("/worlds/{world}/play/missions", missions_router)
api.add_router("/worlds/{world}/play", play_router)
api.add_router("/worlds/{world}/play", games_router)
api.add_router("/auth", auth_router)
api.add_router("/worlds", worlds_router)
api.add_router("/worlds/{world}/build", build_router)
api.add_router("/worlds/{world}/build", build_missions_router)
api.add_router("/saves", saves_router)


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


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # A value the database refuses (out of range, NUL in text) is the client's input, not a crash.
    logger.warning("Database refused a value on %s %s: %s", request.method, request.path, exc)
    return envelope(request, 422, "invalid", "A value is too long, out of range or contains invalid characters.")


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Services check first and give precise messages; this is the safety net for a lost race.
    return envelope(request, 409, "conflict", "That conflicts with the current state of the world; try again.")


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


@api.exception_handler(RequestDataTooBig)
def on_request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return envelope(
        request, 413, "too_large", f"The request body is larger than the limit of {limit} bytes.", {"limit": limit}
    )


@api.exception_handler(TooManyFieldsSent)
def on_too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
    return envelope(request, 400, "bad_request", "The request has too many fields.")


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Never a traceback to the client; the log keeps the cause.
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return envelope(request, 500, "server_error", "Something went wrong on the server; it has been logged.")


# No CSRF check on a path that does nothing: an unknown POST is a 404, not Django's HTML 403 page.
@csrf_exempt
def unknown_api_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/ URL no operation matches: the envelope, not Django's HTML 404 page."""
    return envelope(request, 404, "not_found", f"No API endpoint at {request.path}.")
