"""Accounts: register, log in (throttled), log out, change the password, reset it.

Passwords only ever pass through Django's hashers; neither they nor tokens are logged.
Throttle bookkeeping lives in Django's cache. The default LocMem cache is per process: with
several worker processes or hosts, configure a shared cache (Redis, Memcached or the database
cache) so that the failure counts add up across them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.services.tokens import token_issue, token_revoke
from mudsite.errors import Conflict, Forbidden, Invalid, Throttled, Unauthenticated

# Set at API login: when this browser session's credentials were issued (a kick compares against it).
SESSION_LOGIN_AT = "mudsite_login_at"


class UsernameRules:
    """How usernames are normalised and when one is taken. The project's one name rulebook lives in the
    world app (world.validation: NFKC, confusables), which registers itself here from its AppConfig.ready(),
    because accounts is the bottom layer and imports nothing above it. Until then: trim, case-insensitive."""

    def __init__(self) -> None:
        self.clean: Callable[[str], str] = str.strip
        self.check_free: Callable[..., None] = self._iexact_free

    @staticmethod
    def _iexact_free(*, username: str) -> None:
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise Conflict("That username is already taken.", code="username_taken", details={"username": username})

    def register(self, *, clean: Callable[[str], str], check_free: Callable[..., None]) -> None:
        self.clean, self.check_free = clean, check_free


username_rules = UsernameRules()


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
    username = username_rules.clean(username)
    candidate = user_model(username=username)
    try:
        user_model._meta.get_field("username").run_validators(username)
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), details={"errors": exc.messages}) from exc
    username_rules.check_free(username=username)
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
    if "\x00" in username:  # PostgreSQL cannot even compare it; no account has it
        raise Unauthenticated("Invalid username or password.", code="invalid_credentials")
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
    request.session[SESSION_LOGIN_AT] = timezone.now().isoformat()
    return user, token_issue(user=user)


def account_logout(*, request: HttpRequest) -> None:
    """Revoke the bearer token this request came with and end the browser session, if any."""
    raw = getattr(request, "auth_token", None)
    if raw:
        token_revoke(raw=raw)
    logout(request)


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return str(request.META.get("REMOTE_ADDR", ""))


def _password_validate(password: str, *, user: Any) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), details={"errors": exc.messages}) from exc


def account_password_change(*, request: HttpRequest, user: Any, current_password: str, new_password: str) -> str:
    """Change the caller's password. Every token of the account is revoked (accounts.signals) and a new
    one returned; the browser session that asked stays logged in, the account's other sessions end."""
    if not user.has_usable_password():
        raise Invalid(
            "This account has no password yet (imported from TinyMUD?): ask staff for a reset code.",
            code="password_unusable",
        )
    if not user.check_password(current_password):
        raise Unauthenticated("The current password is wrong.", code="invalid_credentials")
    _password_validate(new_password, user=user)
    user.set_password(new_password)
    user.save()
    if getattr(request, "session", None) is not None and request.user.is_authenticated:
        update_session_auth_hash(request, user)
    return token_issue(user=user)


def _reset_user(username: str) -> Any | None:
    if "\x00" in username:
        return None
    matches = list(get_user_model().objects.filter(username__iexact=username.strip(), is_active=True)[:2])
    exact = [u for u in matches if u.get_username() == username]
    return exact[0] if exact else (matches[0] if len(matches) == 1 else None)


def password_reset_code_issue(*, actor: Any, username: str) -> tuple[Any, str]:
    """Staff hand a one-time reset code to a player (e.g. one imported from TinyMUD, with no email).

    The code is Django's password reset token: valid for PASSWORD_RESET_TIMEOUT seconds and void as
    soon as the password changes (it is derived from the password hash), so it works once."""
    if not getattr(actor, "is_staff", False):
        raise Forbidden("Only staff may issue password reset codes.")
    user = _reset_user(username)
    if user is None:
        raise Invalid(f"No active account named '{username}'.", code="account_not_found")
    if user.is_staff and not getattr(actor, "is_superuser", False):
        raise Forbidden("Only a superuser may issue a reset code for a staff account.")
    return user, default_token_generator.make_token(user)


def password_reset_request(*, username: str, ip: str = "") -> None:
    """Mail a reset code to the account's address, if it has one (Django's EMAIL_BACKEND; the console
    in development). Answers the same whether or not the account exists, so names cannot be probed."""
    window = _setting("MUDSITE_LOGIN_FAILURE_WINDOW", 300)
    if throttle_hit(key=_throttle_key("reset-mail", ip), window_seconds=window) > _setting(
        "MUDSITE_LOGIN_FAILURE_LIMIT", 5
    ):
        raise Throttled("Too many reset requests. Wait a few minutes.", details={"retry_after_seconds": window})
    user = _reset_user(username)
    if user is None or not getattr(user, "email", ""):
        return
    code = default_token_generator.make_token(user)
    send_mail(
        subject="Your mudsite password reset code",
        message=(
            f"Someone asked to reset the password of '{user.get_username()}'.\n\n"
            f"Reset code: {code}\n\nSend it with a new password to POST /api/auth/password-reset/confirm.\n"
            "If it was not you, ignore this message."
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def password_reset_confirm(*, username: str, code: str, new_password: str, ip: str = "") -> Any:
    """Set a new password with a reset code. Revokes every token of the account (accounts.signals)."""
    key = _throttle_key("reset", username.strip().casefold(), ip)
    window = _setting("MUDSITE_LOGIN_FAILURE_WINDOW", 300)
    if throttle_count(key=key) >= _setting("MUDSITE_LOGIN_FAILURE_LIMIT", 5):
        raise Throttled("Too many wrong reset codes. Wait a few minutes.", details={"retry_after_seconds": window})
    user = _reset_user(username)
    if user is None or not default_token_generator.check_token(user, code):
        throttle_hit(key=key, window_seconds=window)
        raise Invalid("That reset code is wrong, used or expired.", code="reset_code_invalid")
    _password_validate(new_password, user=user)
    user.set_password(new_password)
    user.save()
    cache.delete(key)
    return user
