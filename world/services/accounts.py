"""Accounts: register, log in (throttled), log out.

Passwords only ever pass through Django's hashers; neither they nor tokens are logged.
Throttle bookkeeping lives in Django's cache. The default LocMem cache is per process: with
several worker processes or hosts, configure a shared cache (Redis, Memcached or the database
cache) so that the failure counts add up across them.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from world.exceptions import Conflict, Invalid, Throttled, Unauthenticated
from world.services.tokens import token_issue, token_revoke
from world.validation import username_check_free, username_clean


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _throttle_key(scope: str, *parts: str) -> str:
    # Hashed so that a username never appears in a cache key (or in a cache server's logs).
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
    return f"mudsite:throttle:{scope}:{digest}"


def throttle_count(*, key: str) -> int:
    return int(cache.get(key, 0))


def throttle_hit(*, key: str, window_seconds: int) -> int:
    """Count one hit in a fixed window that starts at the first hit; returns the new count."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def login_throttle_key(*, username: str, ip: str) -> str:
    # Normalised like the lookup, so case or blank variants of one name share one count.
    return _throttle_key("login", username.strip().casefold(), ip)


def login_check_throttle(*, username: str, ip: str) -> None:
    limit = _setting("MUDSITE_LOGIN_FAILURE_LIMIT", 5)
    if throttle_count(key=login_throttle_key(username=username, ip=ip)) >= limit:
        window = _setting("MUDSITE_LOGIN_FAILURE_WINDOW", 300)
        raise Throttled(
            "Too many failed logins. Wait a few minutes and try again.",
            details={"retry_after_seconds": window},
        )


def account_register(*, username: str, password: str, ip: str = "") -> User:
    """A new account. Usernames are unique case-insensitively; passwords meet AUTH_PASSWORD_VALIDATORS."""
    window = _setting("MUDSITE_REGISTER_WINDOW", 3600)
    if throttle_count(key=_throttle_key("register", ip)) >= _setting("MUDSITE_REGISTER_LIMIT", 30):
        raise Throttled("You are creating accounts too quickly.", details={"retry_after_seconds": window})
    user_model = get_user_model()
    username = username_clean(username)
    candidate = user_model(username=username)
    try:
        user_model._meta.get_field("username").run_validators(username)
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), details={"errors": exc.messages}) from exc
    username_check_free(username=username)
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(username=username, password=password)
    except IntegrityError as exc:
        raise Conflict("That username is already taken.", code="username_taken") from exc
    throttle_hit(key=_throttle_key("register", ip), window_seconds=window)
    return user


def account_login(*, request: HttpRequest, username: str, password: str) -> tuple[AbstractBaseUser, str]:
    """Check the credentials (throttled per username and IP), log the browser session in, issue a token.

    Returns the user and the clear token (shown once; only its hash is stored)."""
    ip = client_ip(request)
    login_check_throttle(username=username, ip=ip)
    # Case-insensitive like TinyMUD; an exact match wins if an admin made two accounts differing in case.
    user_model = get_user_model()
    matches = list(user_model.objects.filter(username__iexact=username.strip()).values_list("username", flat=True)[:2])
    actual = username if username in matches or len(matches) != 1 else matches[0]
    # authenticate() runs the hasher even for unknown users, so timing does not reveal which names exist.
    user = authenticate(request, username=actual, password=password)
    if user is None:
        throttle_hit(
            key=login_throttle_key(username=username, ip=ip),
            window_seconds=_setting("MUDSITE_LOGIN_FAILURE_WINDOW", 300),
        )
        raise Unauthenticated("Invalid username or password.", code="invalid_credentials")
    cache.delete(login_throttle_key(username=username, ip=ip))
    login(request, user)
    return user, token_issue(user=user)  # type: ignore[arg-type]


def account_logout(*, request: HttpRequest) -> None:
    """Revoke the bearer token this request came with and end the browser session, if any."""
    raw = getattr(request, "auth_token", None)
    if raw:
        token_revoke(raw=raw)
    logout(request)


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return str(request.META.get("REMOTE_ADDR", ""))
