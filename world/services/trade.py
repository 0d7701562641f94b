"""Trade and barter with consent: offers, acceptance in one locked transaction, NPC answers.

TinyMUD's /trade and /barter took items from anyone for one coin, without asking (§3.6). Here a
proposer makes an offer (items and/or coins given, items and/or coins wanted) to someone in the
same room; only the recipient can accept it, the proposer can cancel it, it expires after the
world's `offer_ttl_seconds` and lapses when either party leaves the room. Acceptance re-checks
everything under row locks (offer, then both characters, then the items, each in id order) and
moves items and coins in one transaction, so nothing is ever duplicated or lost.

NPCs answer at once, from TinyMUD's valuation: an item is worth its `value` (1 when it has none),
a coin is worth 1, and an NPC's greed (`sheet.wealth_desire / 50`, 1 for a neutral NPC) is how
much more it wants to receive than it gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from persistence import facade
from world.exceptions import Conflict, Forbidden, Invalid, NotFound
from world.fuzzy import fuzzy_matches, fuzzy_resolve
from world.games.models import MAX_COINS, MAX_OFFER_ITEMS, Offer, OfferItem, OfferSide, OfferStatus
from world.models import Character, EventKind, Item
from world.selectors import character_room
from world.services.events import EventBatch, players_in_rooms
from world.services.items import inventory_free_slot
from world.sheet_schema import Sheet

NEUTRAL_GREED = 50


@dataclass(frozen=True)
class OfferTerms:
    give_items: list[str]
    give_coins: int
    want_items: list[str]
    want_coins: int


def item_trade_value(item: Item) -> int:
    """TinyMUD's valuation: the item's `value`, or 1 for something nobody priced."""
    return item.value if item.value else 1


def npc_greed(npc: Character) -> float:
    """wealth_desire / 50: 1 for a neutral NPC, 2 for the greediest, 0 for one that cares nothing for wealth."""
    wealth = npc.sheet.get("wealth_desire") if isinstance(npc.sheet, dict) else None
    if not isinstance(wealth, int) or isinstance(wealth, bool):
        wealth = Sheet.model_fields["wealth_desire"].default
    return wealth / NEUTRAL_GREED


def npc_accepts_offer(*, npc: Character, received: int, given: int) -> bool:
    """An NPC takes a deal when what it receives is worth at least what it gives, times its greed."""
    return received > 0 and received >= given * npc_greed(npc)


def _check_coins(amount: int, what: str) -> None:
    if amount < 0:
        raise Invalid(f"{what} cannot be negative.", code="bad_amount", details={"amount": amount})
    if amount > MAX_COINS:
        raise Invalid(f"{what} cannot exceed {MAX_COINS}.", code="bad_amount", details={"amount": amount})


def _pick_items(queries: list[str], holder: Character, *, whose: str) -> list[Item]:
    carried = list(Item.objects.filter(character=holder).order_by("slot"))
    picked: list[Item] = []
    for query in queries:
        left = [i for i in carried if i not in picked]
        if not fuzzy_matches(query, left, lambda i: i.name):
            raise NotFound(f"{whose} not carrying '{query}'.", code="not_held", details={"query": query})
        picked.append(fuzzy_resolve(query, left, lambda i: i.name, what="item"))
    return picked


def _describe(items: Iterable[str], coins: int) -> str:
    parts = [f"the {name}" for name in items]
    if coins:
        parts.append(f"{coins} coin{'s' if coins != 1 else ''}")
    return " and ".join(parts) if parts else "nothing"


def offer_lines(offer: Offer) -> tuple[list[str], list[str]]:
    lines = list(offer.lines.all())
    return [x.name for x in lines if x.side == OfferSide.GIVE], [x.name for x in lines if x.side == OfferSide.WANT]


def offer_summary(offer: Offer) -> str:
    give, want = offer_lines(offer)
    return f"{_describe(give, offer.give_coins)} for {_describe(want, offer.want_coins)}"


def _notify(offer: Offer, *, kind: EventKind, to_proposer: str, to_recipient: str, room_text: str = "") -> None:
    events = EventBatch(world_id=offer.world_id)
    data = {"offer": offer.pk, "status": offer.status}
    for party, text in ((offer.proposer, to_proposer), (offer.recipient, to_recipient)):
        if not party.is_npc and text:
            events.add(recipients=[party.pk], kind=kind, actor=offer.proposer.name, text=text, data=data)
    if room_text:
        watchers = players_in_rooms(room_ids=[offer.room_id]).get(offer.room_id, [])
        bystanders = [i for i in watchers if i not in (offer.proposer_id, offer.recipient_id)]
        events.add(recipients=bystanders, kind=kind, actor=offer.proposer.name, text=room_text, data=data)
    events.write()


@transaction.atomic
def offer_create(*, character: Character, target_name: str, terms: OfferTerms) -> Offer:
    """Propose a trade to someone here. An NPC recipient answers at once (the returned offer's status)."""
    _check_coins(terms.give_coins, "Coins offered")
    _check_coins(terms.want_coins, "Coins wanted")
    if len(terms.give_items) > MAX_OFFER_ITEMS or len(terms.want_items) > MAX_OFFER_ITEMS:
        raise Invalid(f"At most {MAX_OFFER_ITEMS} items a side.", code="too_many_items")
    if character.is_dead:
        raise Forbidden("The dead do not trade.", code="dead")
    room = character_room(character=character)
    others = list(Character.objects.filter(room=room, is_dead=False).exclude(pk=character.pk))
    if fuzzy_matches(target_name, [character], lambda c: c.name) and not fuzzy_matches(
        target_name, others, lambda c: c.name
    ):
        raise Invalid("You cannot trade with yourself.", code="self_trade")
    if not fuzzy_matches(target_name, others, lambda c: c.name):
        raise NotFound(f"You don't see '{target_name}' here.", details={"query": target_name})
    target = fuzzy_resolve(target_name, others, lambda c: c.name, what="character")
    given = _pick_items(terms.give_items, character, whose="You are")
    wanted = _pick_items(terms.want_items, target, whose=f"{target.name} is")
    if not (given or wanted or terms.give_coins or terms.want_coins):
        raise Invalid("Offer something, or ask for something.", code="empty_offer")
    if terms.give_coins > character.currency:
        raise Conflict(f"You only have {character.currency} coins.", code="not_enough_coins")
    now = timezone.now()
    offer = Offer.objects.create(
        world_id=character.world_id,
        proposer=character,
        recipient=target,
        room=room,
        give_coins=terms.give_coins,
        want_coins=terms.want_coins,
        expires_at=now + timedelta(seconds=character.world.offer_ttl_seconds),
    )
    OfferItem.objects.bulk_create(
        [OfferItem(offer=offer, item=i, side=OfferSide.GIVE, name=i.name) for i in given]
        + [OfferItem(offer=offer, item=i, side=OfferSide.WANT, name=i.name) for i in wanted]
    )
    summary = offer_summary(offer)
    _notify(
        offer,
        kind=EventKind.OFFER,
        to_proposer=f"You offer {target.name} {summary}.",
        to_recipient=f"{character.name} offers you {summary}. Accept or decline offer {offer.pk}.",
        room_text=f"{character.name} makes {target.name} an offer.",
    )
    if target.is_npc:
        received = sum(item_trade_value(i) for i in given) + terms.give_coins
        parted = sum(item_trade_value(i) for i in wanted) + terms.want_coins
        if npc_accepts_offer(npc=target, received=received, given=parted):
            return _accept(offer.pk, target)
        return _close(offer.pk, target, status=OfferStatus.DECLINED)
    return offer


def _locked_offer(offer_id: int, character: Character) -> Offer:
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("proposer", "recipient")
        .filter(pk=offer_id, world_id=character.world_id)
        .filter(Q(proposer=character) | Q(recipient=character))
        .first()
    )
    if offer is None:
        raise NotFound(f"You have no offer {offer_id}.", code="no_offer", details={"offer": offer_id})
    return offer


def _stale_reason(offer: Offer, now: Any) -> OfferStatus | None:
    if offer.expires_at <= now:
        return OfferStatus.EXPIRED
    rooms = dict(Character.objects.filter(pk__in=[offer.proposer_id, offer.recipient_id]).values_list("id", "room_id"))
    if rooms.get(offer.proposer_id) != offer.room_id or rooms.get(offer.recipient_id) != offer.room_id:
        return OfferStatus.LAPSED
    return None


STALE_TEXT = {
    OfferStatus.EXPIRED: "Offer {id} has expired.",
    OfferStatus.LAPSED: "Offer {id} lapsed: one of you left.",
}


def _settle(offer: Offer, status: OfferStatus) -> None:
    offer.status = status
    offer.resolved_at = timezone.now()
    offer.save(update_fields=["status", "resolved_at"])


def _refuse_if_stale(offer_id: int, character: Character) -> None:
    """Expired or lapsed: record it (in its own committed transaction) and refuse with 409."""
    with transaction.atomic():
        offer = _locked_offer(offer_id, character)
        if offer.status != OfferStatus.PENDING:
            raise Conflict(f"Offer {offer.pk} is already {offer.status}.", code="offer_closed")
        reason = _stale_reason(offer, timezone.now())
        if reason is None:
            return
        _settle(offer, reason)
        text = STALE_TEXT[reason].format(id=offer.pk)
        _notify(offer, kind=EventKind.OFFER, to_proposer=text, to_recipient=text)
    raise Conflict(text, code=f"offer_{reason}")


def offer_accept(*, character: Character, offer_id: int) -> Offer:
    """The recipient accepts: items and coins move both ways in one transaction, or nothing moves."""
    _refuse_if_stale(offer_id, character)
    with transaction.atomic():
        return _accept(offer_id, character)


def _fit(carry_of: list[str], occupied: set[int], who: Character) -> list[int]:
    slots = []
    taken = set(occupied)
    for carry in carry_of:
        slot = inventory_free_slot(carry=carry, occupied=taken)
        if slot is None:
            raise Conflict(f"{who.name} cannot carry everything in this trade.", code="inventory_full")
        taken.add(slot)
        slots.append(slot)
    return slots


def _accept(offer_id: int, character: Character) -> Offer:
    offer = _locked_offer(offer_id, character)
    if offer.status != OfferStatus.PENDING:
        raise Conflict(f"Offer {offer.pk} is already {offer.status}.", code="offer_closed")
    if offer.proposer_id == character.pk:
        raise Forbidden("You cannot accept your own offer.", code="own_offer")
    if _stale_reason(offer, timezone.now()) is not None:
        raise Conflict(f"Offer {offer.pk} is no longer open.", code="offer_closed")
    parties = {c.pk: c for c in Character.objects.select_for_update().filter(pk__in=[offer.proposer_id, offer.recipient_id]).order_by("pk")}  # fmt: skip
    proposer, recipient = parties[offer.proposer_id], parties[offer.recipient_id]
    if recipient.is_dead or proposer.is_dead:
        raise Conflict("The dead do not trade.", code="dead")
    lines = list(offer.lines.all())
    items = {i.pk: i for i in Item.objects.select_for_update().filter(pk__in=[x.item_id for x in lines]).order_by("pk")}
    holders = {OfferSide.GIVE: proposer, OfferSide.WANT: recipient}
    for line in lines:
        item = items.get(line.item_id)
        if item is None or item.character_id != holders[OfferSide(line.side)].pk:
            raise Conflict(f"The {line.name} is no longer on offer.", code="item_gone")
    if proposer.currency < offer.give_coins:
        raise Conflict(f"{proposer.name} no longer has {offer.give_coins} coins.", code="not_enough_coins")
    if recipient.currency < offer.want_coins:
        raise Conflict(f"You only have {recipient.currency} coins.", code="not_enough_coins")
    to_recipient = [items[x.item_id] for x in lines if x.side == OfferSide.GIVE]
    to_proposer = [items[x.item_id] for x in lines if x.side == OfferSide.WANT]
    moving = {i.pk for i in (*to_recipient, *to_proposer)}
    occupied = {
        c: set(Item.objects.filter(character_id=c).exclude(pk__in=moving).values_list("slot", flat=True))
        for c in parties
    }
    recipient_slots = _fit([i.carry for i in to_recipient], occupied[recipient.pk], recipient)  # type: ignore[arg-type]
    proposer_slots = _fit([i.carry for i in to_proposer], occupied[proposer.pk], proposer)  # type: ignore[arg-type]
    # Off both inventories first, so a swap never collides on the one-item-per-slot constraint.
    Item.objects.filter(pk__in=moving).update(character=None, slot=None, room=offer.room_id)
    for receiver, giver, goods, slots in (
        (recipient, proposer, to_recipient, recipient_slots),
        (proposer, recipient, to_proposer, proposer_slots),
    ):
        for item, slot in zip(goods, slots, strict=True):
            item.room = None
            item.character = receiver
            item.slot = slot
            if item.owner_id in (None, giver.pk):
                item.owner = receiver
            item.save(update_fields=["room", "character", "slot", "owner"])
    proposer.currency += offer.want_coins - offer.give_coins
    recipient.currency += offer.give_coins - offer.want_coins
    proposer.save(update_fields=["currency"])
    recipient.save(update_fields=["currency"])
    _settle(offer, OfferStatus.ACCEPTED)
    offer.proposer, offer.recipient = proposer, recipient
    give, want = offer_lines(offer)
    _notify(
        offer,
        kind=EventKind.TRADE,
        to_proposer=f"{recipient.name} accepts: you trade {_describe(give, offer.give_coins)} "
        f"for {_describe(want, offer.want_coins)}.",
        to_recipient=f"You accept {proposer.name}'s offer: you receive {_describe(give, offer.give_coins)} "
        f"for {_describe(want, offer.want_coins)}.",
        room_text=f"{proposer.name} and {recipient.name} make a trade.",
    )
    facade.save_world(offer.world_id)
    return offer


def _close(offer_id: int, character: Character, *, status: OfferStatus) -> Offer:
    offer = _locked_offer(offer_id, character)
    if offer.status != OfferStatus.PENDING:
        raise Conflict(f"Offer {offer.pk} is already {offer.status}.", code="offer_closed")
    if status == OfferStatus.DECLINED and offer.recipient_id != character.pk:
        raise Forbidden("Only the one it was made to can decline an offer; cancel your own.", code="own_offer")
    if status == OfferStatus.CANCELLED and offer.proposer_id != character.pk:
        raise Forbidden("Only the one who made an offer can cancel it; decline it instead.", code="not_yours")
    _settle(offer, status)
    if status == OfferStatus.DECLINED:
        _notify(
            offer,
            kind=EventKind.OFFER,
            to_proposer=f"{offer.recipient.name} declines your offer {offer.pk}.",
            to_recipient=f"You decline {offer.proposer.name}'s offer {offer.pk}.",
        )
    else:
        _notify(
            offer,
            kind=EventKind.OFFER,
            to_proposer=f"You cancel your offer {offer.pk}.",
            to_recipient=f"{offer.proposer.name} withdraws offer {offer.pk}.",
        )
    return offer


@transaction.atomic
def offer_decline(*, character: Character, offer_id: int) -> Offer:
    return _close(offer_id, character, status=OfferStatus.DECLINED)


@transaction.atomic
def offer_cancel(*, character: Character, offer_id: int) -> Offer:
    return _close(offer_id, character, status=OfferStatus.CANCELLED)


def offers_lapse_for(*, character: Character) -> int:
    """A party left the room: every pending offer it is part of lapses, and the players are told."""
    pending_offers = Offer.objects.filter(Q(proposer=character) | Q(recipient=character), status=OfferStatus.PENDING)
    if character.room_id is not None:
        pending_offers = pending_offers.exclude(room_id=character.room_id)
    pending = list(pending_offers.select_related("proposer", "recipient"))
    for offer in pending:
        _settle(offer, OfferStatus.LAPSED)
        text = STALE_TEXT[OfferStatus.LAPSED].format(id=offer.pk)
        _notify(offer, kind=EventKind.OFFER, to_proposer=text, to_recipient=text)
    return len(pending)


@transaction.atomic
def offers_expire(*, character: Character) -> None:
    """Mark this character's pending offers past their time as expired (read paths call this first)."""
    now = timezone.now()
    pending = Offer.objects.filter(
        Q(proposer=character) | Q(recipient=character), status=OfferStatus.PENDING, expires_at__lte=now
    ).select_related("proposer", "recipient")
    for offer in pending:
        _settle(offer, OfferStatus.EXPIRED)
        text = STALE_TEXT[OfferStatus.EXPIRED].format(id=offer.pk)
        _notify(offer, kind=EventKind.OFFER, to_proposer=text, to_recipient=text)
