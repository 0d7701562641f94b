"""Reads of the game systems (offers, missions), kept beside their models to keep world/selectors.py small."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q

from world.games.models import Offer, OfferItem, OfferSide, OfferStatus
from world.models import Character


def offer_out(offer: Offer) -> dict[str, Any]:
    lines = list(offer.lines.all())
    return {
        "id": offer.pk,
        "proposer": offer.proposer.name,
        "recipient": offer.recipient.name,
        "give_items": [x.name for x in lines if x.side == OfferSide.GIVE],
        "give_coins": offer.give_coins,
        "want_items": [x.name for x in lines if x.side == OfferSide.WANT],
        "want_coins": offer.want_coins,
        "status": offer.status,
        "created_at": offer.created_at,
        "expires_at": offer.expires_at,
    }


def offer_list(*, character: Character, include_closed: bool = False) -> list[Offer]:
    """The caller's offers, made or received (pending only unless asked), in one query plus one for lines."""
    offers = Offer.objects.filter(Q(proposer=character) | Q(recipient=character))
    if not include_closed:
        offers = offers.filter(status=OfferStatus.PENDING)
    return list(
        offers.select_related("proposer", "recipient")
        .prefetch_related(Prefetch("lines", queryset=OfferItem.objects.order_by("side", "id")))
        .order_by("id")[:100]
    )


def offer_get(*, character: Character, offer_id: int) -> Offer:
    return (
        Offer.objects.select_related("proposer", "recipient")
        .prefetch_related("lines")
        .get(Q(proposer=character) | Q(recipient=character), pk=offer_id)
    )
