"""Accounts: register, login (bearer token + browser session), logout, me."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from world.api.security import authenticated
from world.models import Character
from world.schemas.auth import AccountOut, CredentialsIn, LoginOut
from world.schemas.common import ErrorOut
from world.services.accounts import account_login, account_logout, account_register, client_ip

router = Router(tags=["auth"])


def account_out(user: Any) -> dict[str, Any]:
    characters = Character.objects.filter(account_id=user.pk).select_related("world").order_by("world__slug")
    return {
        "id": user.pk,
        "username": user.get_username(),
        "is_staff": user.is_staff,
        "characters": [{"world": c.world.slug, "name": c.name} for c in characters],
    }


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
    return {"token": token, "account": account_out(user)}


@router.post("/logout", auth=authenticated, response={204: None, 401: ErrorOut}, summary="Log out")
def logout(request: HttpRequest) -> Status[None]:
    """Revokes the bearer token used for this request and ends the browser session."""
    account_logout(request=request)
    return Status(204, None)


@router.get("/me", auth=authenticated, response={200: AccountOut, 401: ErrorOut}, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    return account_out(request.auth)  # type: ignore[attr-defined]
