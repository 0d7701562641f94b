"""Domain errors. Services raise these; the API turns each into the error envelope
`{"code", "message", "details"}` with its status, and the admin shows them as form errors."""

from __future__ import annotations

from typing import Any


class WorldError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class NotFound(WorldError):
    status = 404
    code = "not_found"


class Conflict(WorldError):
    status = 409
    code = "conflict"


class Forbidden(WorldError):
    status = 403
    code = "forbidden"


class Invalid(WorldError):
    status = 422
    code = "invalid"


class Throttled(WorldError):
    status = 429
    code = "throttled"


class Unauthenticated(WorldError):
    status = 401
    code = "unauthenticated"
