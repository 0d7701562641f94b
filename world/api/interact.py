"""Interact: `interact with <object>` as start / choose / cancel, acting as the caller's character."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from accounts.api.security import authenticated
from world.api.contract import WorldSlug, error_responses
from world.api.play import ERRORS, me_in
from world.schemas.interact import ChooseIn, ChooseOut, InteractIn, InteractOut
from world.services import interactions

router = Router(tags=["interact"], auth=authenticated)


def menu(actions: list[str]) -> list[dict[str, Any]]:
    return [{"number": n, "label": label} for n, label in enumerate(actions, 1)]


@router.post("", response={200: InteractOut, **ERRORS}, summary="Start interacting with an object")
def interact(request: HttpRequest, world_slug: WorldSlug, payload: InteractIn) -> dict[str, Any]:
    """Opens the numbered action menu for an item here or carried, or an exit here. One menu per character:
    starting another replaces it. It expires after a while without a choice."""
    session = interactions.interaction_start(character=me_in(request, world_slug), object_name=payload.object)
    lines = "\n".join(f"{n}. {label}" for n, label in enumerate(session.actions, 1))
    return {
        "object": session.target_name,
        "kind": "exit" if session.exit_id else "item",
        "actions": menu(session.actions),
        "message": f"Interactions for {session.target_name}:\n{lines}\nWhat do you wish to do?",
    }


@router.post(
    "/choose",
    response={200: ChooseOut, **ERRORS, **error_responses(429)},
    summary="Choose an action from the open menu",
)
def choose(request: HttpRequest, world_slug: WorldSlug, payload: ChooseIn) -> dict[str, Any]:
    """By number, exact label (any case) or unique prefix; `cancel`, `back` or `step away` close the menu."""
    character = me_in(request, world_slug)
    outcome = interactions.interaction_choose(character=character, choice=str(payload.choice))
    actions = [] if outcome.closed else interactions.interaction_current(character=character).actions
    return {**outcome.__dict__, "actions": menu(actions)}


@router.post("/cancel", response={200: ChooseOut, **ERRORS}, summary="Step away from the open menu")
def cancel(request: HttpRequest, world_slug: WorldSlug) -> dict[str, Any]:
    outcome = interactions.interaction_cancel(character=me_in(request, world_slug))
    return {**outcome.__dict__, "actions": []}
