"""Play: act as the caller's character in one world (DESIGN §4). Thin: services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accounts.api.security import authenticated, authenticated_since
from mudsite.rendering import json_response
from world import selectors
from world.api.contract import WorldSlug, error_responses, me_in
from world.live import stream
from world.live.hub import db
from world.models import Character, Item
from world.schemas.play import (
    EventsOut,
    GestureIn,
    GiveIn,
    InventoryOut,
    ItemActionOut,
    ItemIn,
    JoinIn,
    LookAtOut,
    LookOut,
    MoveIn,
    MoveOut,
    SayIn,
    SheetOut,
    SheetPatchIn,
    SpeechOut,
    TargetTextIn,
)
from world.services import characters, items, movement, speech

router = Router(tags=["play"], auth=authenticated)

ERRORS = error_responses(401, 403, 404, 409, 422)


def unvalidated(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    """The response of a hot endpoint (look, move, say) without ninja re-validating our own output
    against its schema (a third of a look's time); tests/world/api/test_play_output_contract.py checks
    that output is exactly what the documented schema writes."""
    return json_response(request, data)


def speech_out(result: speech.SpeechResult) -> dict[str, Any]:
    return {"message": result.message, "replies": [{"name": r.npc.name, "text": r.text} for r in result.replies]}


def item_action_out(character: Character, item: Item, message: str) -> dict[str, Any]:
    return {
        "message": message,
        "item": selectors.item_brief(item),
        "inventory": selectors.inventory_slots(character=character),
    }


@router.post("/join", response={201: SheetOut, **ERRORS}, summary="Create your character in this world")
def join(request: HttpRequest, world_slug: WorldSlug, payload: JoinIn) -> Status[dict[str, Any]]:
    """One character per account per world, placed in the world's start room. Names: 2-32 characters, unique."""
    world_row = selectors.world_get(slug=world_slug)
    character = characters.character_join(
        user=request.auth,  # type: ignore[attr-defined]
        world=world_row,
        name=payload.name,
        description=payload.description,
    )
    character = selectors.play_character_get(
        user=request.auth,  # type: ignore[attr-defined]
        world_slug=world_slug,
        authenticated_at=authenticated_since(request),
    )
    return Status(201, selectors.character_sheet(character=character))


@router.get("/look", response={200: LookOut, **ERRORS}, summary="Look around")
def look(request: HttpRequest, world_slug: WorldSlug) -> HttpResponse:
    """Your room, its exits, who else is here and what lies on the floor."""
    return unvalidated(request, selectors.room_look(character=me_in(request, world_slug)))


@router.get("/look/{target}", response={200: LookAtOut, **ERRORS}, summary="Look at someone or something")
def look_at(request: HttpRequest, world_slug: WorldSlug, target: str) -> dict[str, Any]:
    """Players (yourself included), then NPCs, then items here or carried, then exits. Names are fuzzy:
    exact, case-insensitive, unique prefix, unique substring; ambiguity is 409 with the candidates."""
    return selectors.look_at(character=me_in(request, world_slug), target=target)


@router.post("/move", response={200: MoveOut, **ERRORS}, summary="Move through a door, stairs or portal")
def move(request: HttpRequest, world_slug: WorldSlug, payload: MoveIn) -> HttpResponse:
    """Locked exits let through the characters they list or whoever has the named relationship (403 otherwise).
    Both rooms see the move. Returns the new room as `look` does."""
    character = me_in(request, world_slug)
    exit_ = movement.character_move(character=character, exit_name=payload.exit)
    view = selectors.room_look(character=character)
    view["message"] = movement.move_message(exit_) + "\n" + view["message"]
    return unvalidated(request, {**view, "moved_through": selectors.exit_brief(exit_)})


@router.post("/say", response={200: SpeechOut, **ERRORS}, summary="Say something to the room")
def say(request: HttpRequest, world_slug: WorldSlug, payload: SayIn) -> HttpResponse:
    """Everyone here hears it (you too). NPCs addressed in `to`, or named in the text, answer."""
    result = speech.speech_say(character=me_in(request, world_slug), text=payload.text, to=payload.to)
    return unvalidated(request, speech_out(result))


@router.post("/tell", response={200: SpeechOut, **ERRORS}, summary="Speak to one character, in public")
def tell(request: HttpRequest, world_slug: WorldSlug, payload: TargetTextIn) -> dict[str, Any]:
    result = speech.speech_tell(character=me_in(request, world_slug), target=payload.target, text=payload.text)
    return speech_out(result)


@router.post("/whisper", response={200: SpeechOut, **ERRORS}, summary="Whisper to one character")
def whisper(request: HttpRequest, world_slug: WorldSlug, payload: TargetTextIn) -> dict[str, Any]:
    """Only you and the target see it; an NPC whispers its answer back to you alone."""
    result = speech.speech_whisper(character=me_in(request, world_slug), target=payload.target, text=payload.text)
    return speech_out(result)


@router.post("/gesture", response={200: SpeechOut, **ERRORS}, summary="Gesture (emote)")
def gesture(request: HttpRequest, world_slug: WorldSlug, payload: GestureIn) -> dict[str, Any]:
    """'wave' → 'You wave.' / 'Alice waves.'; with a target, '… to Bob.'; a targeted NPC reacts."""
    result = speech.speech_gesture(character=me_in(request, world_slug), verb=payload.verb, target=payload.target)
    return speech_out(result)


@router.get("/me", response={200: SheetOut, **ERRORS}, summary="Your character sheet")
def sheet(request: HttpRequest, world_slug: WorldSlug) -> dict[str, Any]:
    """Name, description, needs, currency, the 8 inventory slots and relationships."""
    return selectors.character_sheet(character=me_in(request, world_slug))


@router.patch("/me", response={200: SheetOut, **ERRORS}, summary="Rename or describe your character")
def sheet_update(request: HttpRequest, world_slug: WorldSlug, payload: SheetPatchIn) -> dict[str, Any]:
    """Names stay unique in the world (409); descriptions are at most 300 characters (422)."""
    character = characters.character_update(
        character=me_in(request, world_slug), name=payload.name, description=payload.description
    )
    return selectors.character_sheet(character=character)


@router.get("/inventory", response={200: InventoryOut, **ERRORS}, summary="What you carry")
def inventory(request: HttpRequest, world_slug: WorldSlug) -> dict[str, Any]:
    slots = selectors.inventory_slots(character=me_in(request, world_slug))
    lines = [f"{s['label']}: {s['item']['name'] if s['item'] else '[empty]'}" for s in slots]
    return {"slots": slots, "message": "\n".join(lines)}


@router.post("/take", response={200: ItemActionOut, **ERRORS}, summary="Pick something up")
def take(request: HttpRequest, world_slug: WorldSlug, payload: ItemIn) -> dict[str, Any]:
    """Stowed by size (large → slots 6-7, small → 2-5), else in a hand (right, then left).
    Immovable items can't be carried (409); a full inventory is 409."""
    character = me_in(request, world_slug)
    item = items.item_take(character=character, item_name=payload.item)
    return item_action_out(character, item, f"You pick up the {item.name}.")


@router.post("/drop", response={200: ItemActionOut, **ERRORS}, summary="Drop something you carry")
def drop(request: HttpRequest, world_slug: WorldSlug, payload: ItemIn) -> dict[str, Any]:
    character = me_in(request, world_slug)
    item = items.item_drop(character=character, item_name=payload.item)
    return item_action_out(character, item, f"You drop the {item.name}.")


@router.post("/give", response={200: ItemActionOut, **ERRORS}, summary="Give something to someone here")
def give(request: HttpRequest, world_slug: WorldSlug, payload: GiveIn) -> dict[str, Any]:
    """The target must be in your room and have a free slot for it (409 otherwise)."""
    character = me_in(request, world_slug)
    item, target = items.item_give(character=character, item_name=payload.item, target_name=payload.target)
    return item_action_out(character, item, f"You give the {item.name} to {target.name}.")


@router.post("/claim", response={200: ItemActionOut, **ERRORS}, summary="Claim ownership of an item")
def claim(request: HttpRequest, world_slug: WorldSlug, payload: ItemIn) -> dict[str, Any]:
    """Only unowned items or your own (someone else's is 403). Looks on the floor first, then in your inventory."""
    character = me_in(request, world_slug)
    item = items.item_claim(character=character, item_name=payload.item)
    return item_action_out(character, item, f"You now own the {item.name}.")


@router.post("/unclaim", response={200: ItemActionOut, **ERRORS}, summary="Give up ownership of an item")
def unclaim(request: HttpRequest, world_slug: WorldSlug, payload: ItemIn) -> dict[str, Any]:
    character = me_in(request, world_slug)
    item = items.item_unclaim(character=character, item_name=payload.item)
    return item_action_out(character, item, f"You no longer own the {item.name}.")


class EventsQuery(Schema):
    after: int | None = Field(
        default=None, ge=0, le=2**63 - 1, description="The last event id you have; omit for the latest."
    )
    wait: float = Field(default=0, ge=0, le=25, description="Seconds to wait for the first new event (long poll).")


@router.get("/events", response={200: EventsOut, **ERRORS}, summary="Your event feed")
async def events(request: HttpRequest, world_slug: WorldSlug, query: Query[EventsQuery]) -> dict[str, Any]:
    """What your character saw, in order: speech, whispers to you, arrivals and departures, NPC replies.
    With `wait`, returns as soon as one arrives (at most 25 s). The wait is async: it holds no worker
    thread's database connection and no transaction, and a say wakes it at once."""
    character = await db(me_in, request, world_slug)
    rows = await stream.feed_wait(character=character, after=query.after, wait=query.wait)
    last_id = rows[-1].id if rows else query.after
    return {"events": rows, "last_id": last_id}


class StreamQuery(Schema):
    after: int | None = Field(
        default=None, ge=0, le=2**63 - 1, description="Resume after this event id (`Last-Event-ID` wins)."
    )


@router.get(
    "/stream",
    response={200: None, **ERRORS},
    summary="Your event feed, live (Server-Sent Events)",
    openapi_extra={
        "responses": {
            200: {"description": "Server-Sent Events", "content": {"text/event-stream": {"schema": {"type": "string"}}}}
        }
    },
)
async def stream_events(request: HttpRequest, world_slug: WorldSlug, query: Query[StreamQuery]) -> HttpResponseBase:
    """One `message` per feed row, `id:` = the event id, `data:` = the row as in `/events`. Resumes after
    `Last-Event-ID` (the browser sends it when it reconnects) or `?after=`, with no gap and no duplicate;
    without either, starts with the next event. A `: keep-alive` comment every 15 s; a logout or a
    revoked token ends the stream with an `end` event. Browsers authenticate with the session cookie that
    login sets (EventSource cannot send headers); other clients send their bearer token."""
    character = await db(me_in, request, world_slug)
    return stream.stream_response(request, character_id=character.pk, after=query.after)
