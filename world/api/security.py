"""Authentication for the API: a bearer token (game clients) or a browser session (CSRF-checked)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from world.services.tokens import token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(raw=token)
        if user is not None:
            request.user = user  # type: ignore[assignment]
            request.auth_token = token  # type: ignore[attr-defined]
        return user


bearer = BearerToken()
# Bearer first: a game client never needs CSRF; a logged-in browser falls back to its session.
authenticated = [bearer, django_auth]
