"""Bearer tokens: issued at login, stored hashed, revoked at logout or when a player is kicked."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import User
from django.utils import timezone

from world.models import ApiToken


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, user: User) -> str:
    """Create a token for `user` and return it in clear (the only time it exists in clear)."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=token_digest(raw), prefix=raw[:8])
    return raw


def token_revoke(*, raw: str) -> bool:
    return bool(ApiToken.objects.filter(key_hash=token_digest(raw), revoked_at=None).update(revoked_at=timezone.now()))


def token_revoke_all(*, user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def token_user(*, raw: str) -> User | None:
    """The active user a live token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_digest(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    return token.user if token else None
