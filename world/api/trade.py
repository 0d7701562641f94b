"""Trade offers: `/api/worlds/{world}/play/offers` (propose, list, accept, decline, cancel)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from accounts.api.security import authenticated, authenticated_since
from world import selectors
from world.games.models import OfferStatus
from world.games.selectors import offer_get, offer_list, offer_out
from world.models import Character
from world.schemas.common import ErrorOut
from world.schemas.trade import OfferIn, OfferResultOut, OffersOut
from world.services import trade

router = Router(tags=["trade"], auth=authenticated)

ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
OFFER_ID = Path(..., ge=1, le=2**63 - 1)

MESSAGES = {
    OfferStatus.PENDING: "You offer {recipient} {summary}. They can accept or decline offer {id}.",
    OfferStatus.ACCEPTED: "Trade done: {summary}.",
    OfferStatus.DECLINED: "Offer {id} declined.",
    OfferStatus.CANCELLED: "You cancel offer {id}.",
}


def me_in(request: HttpRequest, world: str) -> Character:
    return selectors.play_character_get(
        user=request.auth,  # type: ignore[attr-defined]
        world_slug=world,
        authenticated_at=authenticated_since(request),
    )


def result(character: Character, offer_id: int) -> dict[str, Any]:
    offer = offer_get(character=character, offer_id=offer_id)
    text = MESSAGES.get(OfferStatus(offer.status), "Offer {id} is {status}.")
    message = text.format(
        recipient=offer.recipient.name, summary=trade.offer_summary(offer), id=offer.pk, status=offer.status
    )
    return {"offer": offer_out(offer), "message": message}


@router.post("", response={201: OfferResultOut, **ERRORS}, summary="Offer a trade to someone here")
def offer_create(request: HttpRequest, world: Path[str], payload: OfferIn) -> Status[dict[str, Any]]:
    """Items you carry and/or coins, for items they carry and/or coins. A player sees it in their feed and
    accepts or declines; an NPC answers at once from its greed and the items' value (`status` says how).
    Offers expire after the world's `offer_ttl_seconds` and lapse when either of you leaves the room."""
    character = me_in(request, world)
    terms = trade.OfferTerms(
        give_items=payload.give_items,
        give_coins=payload.give_coins,
        want_items=payload.want_items,
        want_coins=payload.want_coins,
    )
    offer = trade.offer_create(character=character, target_name=payload.target, terms=terms)
    return Status(201, result(character, offer.pk))


class OffersQuery(Schema):
    all: bool = Field(default=False, description="Include closed offers (accepted, declined, …).")


@router.get("", response={200: OffersOut, **ERRORS}, summary="Your offers, made and received")
def offers(request: HttpRequest, world: Path[str], query: Query[OffersQuery]) -> dict[str, Any]:
    character = me_in(request, world)
    trade.offers_expire(character=character)
    rows = [offer_out(o) for o in offer_list(character=character, include_closed=query.all)]
    lines = [f"#{o['id']} {o['proposer']} → {o['recipient']} ({o['status']})" for o in rows]
    return {"offers": rows, "message": "\n".join(lines) or "No offers."}


@router.post("/{offer_id}/accept", response={200: OfferResultOut, **ERRORS}, summary="Accept an offer made to you")
def offer_accept(request: HttpRequest, world: Path[str], offer_id: int = OFFER_ID) -> dict[str, Any]:
    """Everything moves at once or nothing does: 409 when an item is gone, coins are short, someone's
    inventory is full, or the offer expired, lapsed or was already answered; 403 for your own offer."""
    character = me_in(request, world)
    trade.offer_accept(character=character, offer_id=offer_id)
    return result(character, offer_id)


@router.post("/{offer_id}/decline", response={200: OfferResultOut, **ERRORS}, summary="Decline an offer made to you")
def offer_decline(request: HttpRequest, world: Path[str], offer_id: int = OFFER_ID) -> dict[str, Any]:
    character = me_in(request, world)
    trade.offer_decline(character=character, offer_id=offer_id)
    return result(character, offer_id)


@router.post("/{offer_id}/cancel", response={200: OfferResultOut, **ERRORS}, summary="Withdraw your own offer")
def offer_cancel(request: HttpRequest, world: Path[str], offer_id: int = OFFER_ID) -> dict[str, Any]:
    character = me_in(request, world)
    trade.offer_cancel(character=character, offer_id=offer_id)
    return result(character, offer_id)
