"""Authentication for the API: a bearer token (game clients) or a browser session (CSRF-checked)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from accounts.models import ApiToken
from accounts.services.accounts import SESSION_LOGIN_AT
from accounts.services.tokens import token_get
from mudsite.errors import Forbidden


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any | None:
        raw = self.credentials(request)
        return None if raw is None else self.authenticate(request, raw)

    def credentials(self, request: HttpRequest) -> str | None:
        """The clear token of an `Authorization: Bearer …` header, or None."""
        # Ninja's own __call__ logs any non-Bearer Authorization header in full under DEBUG, which
        # writes Basic credentials (or someone else's scheme's secret) to the log. Never log it.
        # META, not `request.headers`: that builds a map of every header first, on every request.
        scheme, _, token = request.META.get("HTTP_" + self.header.upper().replace("-", "_"), "").partition(" ")
        token = token.strip()
        if scheme.lower() != self.openapi_scheme or not token:
            return None
        return token

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        found = token_get(raw=token)
        return None if found is None else self.authenticated_by(request, found, token)

    @staticmethod
    def authenticated_by(request: HttpRequest, token: ApiToken, raw: str) -> Any:
        """Mark `request` as made by a live token's user (what the views and `authenticated_since` read)."""
        request.user = token.user
        request.auth_token = raw  # type: ignore[attr-defined]
        request.auth_issued_at = token.created_at  # type: ignore[attr-defined]
        return token.user


def authenticated_since(request: HttpRequest) -> Any | None:
    """When the credentials of this request were issued: the token's creation or the session's login
    (None for a session logged in some other way, e.g. the admin login page)."""
    issued = getattr(request, "auth_issued_at", None)
    if issued is not None:
        return issued
    raw = getattr(request, "session", {}).get(SESSION_LOGIN_AT)
    return parse_datetime(raw) if raw else None


class CsrfCheckedSession(SessionAuth):
    """A logged-in browser session; its writes need Django's CSRF token.

    Ninja's SessionAuth checks CSRF before it looks at the session, so an anonymous write (or a game
    client whose token expired) got 403 "CSRF check failed" instead of 401. Here only a request that
    really rides on a session is CSRF-checked, and a request that sent a bearer token is judged by that
    token alone: a bad token is a 401 even when a stale session cookie travels along."""

    def __call__(self, request: HttpRequest) -> Any | None:
        if request.headers.get("Authorization", "").partition(" ")[0].lower() == "bearer":
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise Forbidden(
                "CSRF check failed: a browser session must send the X-CSRFToken header (game clients use a "
                "bearer token instead).",
                code="csrf_failed",
            )
        return user


bearer = BearerToken()
session = CsrfCheckedSession()
# Bearer first: a game client never needs CSRF; a logged-in browser falls back to its session.
authenticated = [bearer, session]
