"""Schemas of /play/offers: trade and barter with consent."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from world.games.models import MAX_COINS, MAX_OFFER_ITEMS
from world.schemas.common import Text


class OfferIn(Schema):
    target: Text = Field(min_length=1, max_length=64, description="Someone in your room (fuzzy name).")
    give_items: list[Text] = Field(default_factory=list, max_length=MAX_OFFER_ITEMS, description="Items you carry.")
    give_coins: int = Field(default=0, ge=0, le=MAX_COINS)
    want_items: list[Text] = Field(
        default_factory=list, max_length=MAX_OFFER_ITEMS, description="Items the target carries."
    )
    want_coins: int = Field(default=0, ge=0, le=MAX_COINS)


class OfferOut(Schema):
    id: int
    proposer: str
    recipient: str
    give_items: list[str]
    give_coins: int
    want_items: list[str]
    want_coins: int
    status: str = Field(description="pending, accepted, declined, cancelled, expired or lapsed")
    created_at: datetime
    expires_at: datetime


class OfferResultOut(Schema):
    offer: OfferOut
    message: str


class OffersOut(Schema):
    offers: list[OfferOut]
    message: str
