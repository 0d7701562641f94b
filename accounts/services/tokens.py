"""Bearer tokens: issued at login, stored hashed, expiring, revoked at logout or on a password change.

Lifetime and kind come from settings, read at call time: `MUDSITE_TOKEN_LIFETIME_SECONDS` and
`MUDSITE_TOKEN_EXPIRY` ("sliding": the lifetime counts from the last use; "fixed": from the login).
`last_used_at` is written at most once per `MUDSITE_TOKEN_TOUCH_SECONDS`, so a busy client does not
turn every read into a write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from accounts.models import ApiToken
from mudsite.db.rawsql import RowReader, datetime_param, fetch_all, table

EXPIRY_KINDS = ("sliding", "fixed")


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "MUDSITE_TOKEN_LIFETIME_SECONDS", 30 * 24 * 3600)))


def token_expiry_kind() -> str:
    kind = str(getattr(settings, "MUDSITE_TOKEN_EXPIRY", "sliding"))
    if kind not in EXPIRY_KINDS:
        raise ValueError(f"MUDSITE_TOKEN_EXPIRY must be one of {EXPIRY_KINDS}, not {kind!r}")
    return kind


def token_expires_at(token: ApiToken) -> dt.datetime:
    start = token.created_at if token_expiry_kind() == "fixed" else (token.last_used_at or token.created_at)
    return start + token_lifetime()


def token_issue(*, user: Any) -> str:
    """Create a token for `user` and return it in clear (the only time it exists in clear)."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    ApiToken.objects.create(user=user, key_hash=token_digest(raw), prefix=raw[:8], last_used_at=now)
    return raw


TOKEN = RowReader(ApiToken, "t", fields=["id", "user_id", "created_at", "last_used_at"])
# What `request.user` is used for; the other columns (the password hash above all) load on first access.
TOKEN_USER = RowReader(get_user_model(), "u", fields=["id", "username", "is_staff", "is_superuser", "is_active"])


def live_token_filter(token: str = "t", user: str = "u") -> tuple[str, list[Any]]:
    """The SQL conditions (and their parameters) under which the token row `token`, joined to its user
    `user`, is live: not revoked, not expired, its user active. Every statement that authenticates a
    request by token uses them, so the rules live here once."""
    cutoff = datetime_param(timezone.now() - token_lifetime())
    if token_expiry_kind() == "fixed":
        alive, cutoffs = f"{token}.created_at > %s", [cutoff]
    else:  # tokens from before expiry existed were never touched: their age counts from the login
        alive = f"({token}.last_used_at > %s OR ({token}.last_used_at IS NULL AND {token}.created_at > %s))"
        cutoffs = [cutoff, cutoff]
    return f"{token}.revoked_at IS NULL AND {user}.is_active = %s AND {alive}", [True, *cutoffs]


@cache
def _token_sql(vendor: str, where: str) -> str:
    return f"""
        SELECT {TOKEN.columns()}, {TOKEN_USER.columns()}
        FROM {table(ApiToken)} t JOIN {table(get_user_model())} u ON u.id = t.user_id
        WHERE t.key_hash = %s AND {where}"""


def token_get(*, raw: str) -> ApiToken | None:
    """The live token (not revoked, not expired, its user active) for a clear token, or None.

    Every request asks this, so it is one hand-written statement (mudsite/db/rawsql.py); the token comes
    with its user loaded."""
    where, params = live_token_filter()
    rows = fetch_all(_token_sql(connection.vendor, where), [token_digest(raw), *params])
    if not rows:
        return None
    return token_built(rows[0])


def token_built(row: Sequence[Any], start: int = 0) -> ApiToken:
    """A live token read with `TOKEN` then `TOKEN_USER` columns from `start`, its use recorded."""
    token = TOKEN.build(row, start)
    ApiToken.user.field.set_cached_value(token, TOKEN_USER.build(row, start + TOKEN.width))
    token_touch(token)
    return token


def token_touch(token: ApiToken) -> None:
    """Record a use of a live token, at most once per `MUDSITE_TOKEN_TOUCH_SECONDS`."""
    now = timezone.now()
    touch = dt.timedelta(seconds=int(getattr(settings, "MUDSITE_TOKEN_TOUCH_SECONDS", 60)))
    if token.last_used_at is None or token.last_used_at < now - touch:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def token_user(*, raw: str) -> Any | None:
    """The active user a live token belongs to, or None."""
    token = token_get(raw=raw)
    return token.user if token else None


def token_revoke(*, raw: str) -> bool:
    return bool(ApiToken.objects.filter(key_hash=token_digest(raw), revoked_at=None).update(revoked_at=timezone.now()))


def token_revoke_all(*, user: Any) -> int:
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
