"""Accounts: register, login (bearer token + browser session), logout, me, password change and reset."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status

from accounts.api.security import authenticated
from accounts.schemas import (
    AccountOut,
    CredentialsIn,
    LoginOut,
    PasswordChangeIn,
    PasswordChangeOut,
    ResetCodeOut,
    ResetConfirmIn,
    ResetRequestedOut,
    ResetRequestIn,
)
from accounts.selectors import account_out
from accounts.services.accounts import (
    account_login,
    account_logout,
    account_password_change,
    account_register,
    client_ip,
    password_reset_code_issue,
    password_reset_confirm,
    password_reset_request,
)
from accounts.services.tokens import token_lifetime
from mudsite.schemas import ErrorOut

router = Router(tags=["auth"])


@router.post(
    "/register",
    response={201: AccountOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Create an account",
)
def register(request: HttpRequest, payload: CredentialsIn) -> Status[dict[str, Any]]:
    """Usernames are unique (case-insensitively); passwords must pass the configured password validators."""
    user = account_register(username=payload.username, password=payload.password, ip=client_ip(request))
    return Status(201, account_out(user))


@router.post(
    "/login",
    response={200: LoginOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Log in: a bearer token and a browser session",
)
def login(request: HttpRequest, payload: CredentialsIn) -> dict[str, Any]:
    """Throttled: after repeated failures for one username from one address, 429 until the window passes."""
    user, token = account_login(request=request, username=payload.username, password=payload.password)
    return {
        "token": token,
        "expires_in_seconds": int(token_lifetime().total_seconds()),
        "account": account_out(user),
    }


@router.post("/logout", auth=authenticated, response={204: None, 401: ErrorOut}, summary="Log out")
def logout(request: HttpRequest) -> Status[None]:
    """Revokes the bearer token used for this request and ends the browser session."""
    account_logout(request=request)
    return Status(204, None)


@router.get("/me", auth=authenticated, response={200: AccountOut, 401: ErrorOut}, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    return account_out(request.auth)  # type: ignore[attr-defined]


@router.post(
    "/password",
    auth=authenticated,
    response={200: PasswordChangeOut, 401: ErrorOut, 422: ErrorOut},
    summary="Change your password",
)
def password_change(request: HttpRequest, payload: PasswordChangeIn) -> dict[str, Any]:
    """Revokes every bearer token of the account (other devices must log in again) and returns a new one;
    this browser session stays logged in. Accounts without a password (imported) use a reset code."""
    token = account_password_change(
        request=request,
        user=request.auth,  # type: ignore[attr-defined]
        current_password=payload.current_password,
        new_password=payload.new_password,
    )
    return {"token": token}


@router.post(
    "/password-reset/code",
    auth=authenticated,
    response={201: ResetCodeOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Issue a password reset code (staff)",
)
def password_reset_code(request: HttpRequest, payload: ResetRequestIn) -> Status[dict[str, Any]]:
    """For accounts that cannot receive mail, such as those imported from TinyMUD with no usable password:
    staff hand the code to the player, who sets a password with `/password-reset/confirm`."""
    user, code = password_reset_code_issue(actor=request.auth, username=payload.username)  # type: ignore[attr-defined]
    return Status(
        201, {"username": user.get_username(), "code": code, "expires_in_seconds": settings.PASSWORD_RESET_TIMEOUT}
    )


@router.post(
    "/password-reset",
    response={202: ResetRequestedOut, 422: ErrorOut, 429: ErrorOut},
    summary="Mail a password reset code",
)
def password_reset(request: HttpRequest, payload: ResetRequestIn) -> Status[dict[str, Any]]:
    """Sent through Django's email backend to the account's address (the console in development). The answer
    is the same whether or not the account exists or has an address."""
    password_reset_request(username=payload.username, ip=client_ip(request))
    return Status(202, {"message": "If that account has an email address, a reset code is on its way."})


@router.post(
    "/password-reset/confirm",
    response={204: None, 422: ErrorOut, 429: ErrorOut},
    summary="Set a new password with a reset code",
)
def password_reset_confirm_view(request: HttpRequest, payload: ResetConfirmIn) -> Status[None]:
    """The code works once and expires; every bearer token of the account is revoked. Then log in."""
    password_reset_confirm(
        username=payload.username, code=payload.code, new_password=payload.new_password, ip=client_ip(request)
    )
    return Status(204, None)
