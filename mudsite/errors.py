"""The error vocabulary shared by every app: services raise these, the API turns each into the one
envelope `{"code", "message", "details"}` with its status, and the admin shows them as form errors.

It lives in the project package, below every app, so that `accounts` (the lowest app) and `world`
raise the same errors without `accounts` importing `world`. `world.exceptions` re-exports it.
The envelope's schema is `mudsite.schemas.ErrorOut`: the models import these errors, and every process
that loads the models (each management command) would otherwise import ninja and its pydantic models.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Invalid(ServiceError):
    status = 422
    code = "invalid"


class Throttled(ServiceError):
    status = 429
    code = "throttled"


class Unauthenticated(ServiceError):
    status = 401
    code = "unauthenticated"
