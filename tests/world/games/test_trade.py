"""Trade and barter with consent: offers, acceptance, NPC answers, lapse and expiry, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from world.games.models import Offer, OfferStatus
from world.models import Carry, Character, Item

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora(tiny_world, play):
    return play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Dora"))


def carried(tiny_world, holder, name, slot, **fields):
    return factories.ItemFactory(world=tiny_world.world, room=None, character=holder, slot=slot, name=name, **fields)


def coins(character):
    return Character.objects.get(pk=character.pk).currency


def set_coins(character, amount):
    Character.objects.filter(pk=character.pk).update(currency=amount)


def test_barter_needs_consent_then_swaps_items_and_owners(tiny_world, alice, dora):
    sword = carried(tiny_world, tiny_world.player, "sword", 2, owner=tiny_world.player)
    cup = carried(tiny_world, dora.character, "cup", 2, owner=dora.character)
    response = alice.post("offers", {"target": "Dora", "give_items": ["sword"], "want_items": ["cup"]})
    assert response.status_code == 201, response.json()
    offer = response.json()["offer"]
    assert offer["status"] == "pending"
    assert offer["give_items"] == ["sword"] and offer["want_items"] == ["cup"]
    # Nothing moved without Dora's consent.
    assert Item.objects.get(pk=sword.pk).character_id == tiny_world.player.pk
    assert any("Alice offers you the sword for the cup" in line for line in dora.feed())
    assert [o["id"] for o in dora.get("offers").json()["offers"]] == [offer["id"]]

    response = dora.post(f"offers/{offer['id']}/accept")
    assert response.status_code == 200, response.json()
    assert response.json()["offer"]["status"] == "accepted"
    sword.refresh_from_db()
    cup.refresh_from_db()
    assert (sword.character_id, sword.owner_id) == (dora.character.pk, dora.character.pk)
    assert (cup.character_id, cup.owner_id) == (tiny_world.player.pk, tiny_world.player.pk)
    assert any("Dora accepts" in line for line in alice.feed())
    assert dora.post(f"offers/{offer['id']}/accept").status_code == 409  # answered once


def test_coins_for_an_item(tiny_world, alice, dora):
    set_coins(tiny_world.player, 30)
    cup = carried(tiny_world, dora.character, "cup", 2)
    offer = alice.post("offers", {"target": "dora", "give_coins": 12, "want_items": ["cup"]}).json()["offer"]
    assert dora.post(f"offers/{offer['id']}/accept").status_code == 200
    assert (coins(tiny_world.player), coins(dora.character)) == (18, 12)
    assert Item.objects.get(pk=cup.pk).character_id == tiny_world.player.pk


def test_decline_and_cancel(tiny_world, alice, dora):
    carried(tiny_world, tiny_world.player, "sword", 2)
    first = alice.post("offers", {"target": "Dora", "give_items": ["sword"]}).json()["offer"]
    assert alice.post(f"offers/{first['id']}/decline").status_code == 403  # not the proposer's to decline
    assert dora.post(f"offers/{first['id']}/cancel").status_code == 403
    assert dora.post(f"offers/{first['id']}/decline").json()["offer"]["status"] == "declined"
    second = alice.post("offers", {"target": "Dora", "give_items": ["sword"]}).json()["offer"]
    assert alice.post(f"offers/{second['id']}/cancel").json()["offer"]["status"] == "cancelled"
    assert dora.post(f"offers/{second['id']}/accept").status_code == 409
    assert Item.objects.get(name="sword").character_id == tiny_world.player.pk


def test_offer_lapses_when_a_party_leaves(tiny_world, alice, dora):
    carried(tiny_world, tiny_world.player, "sword", 2)
    offer = alice.post("offers", {"target": "Dora", "give_items": ["sword"]}).json()["offer"]
    assert alice.post("move", {"exit": "kitchen door"}).status_code == 200
    assert Offer.objects.get(pk=offer["id"]).status == OfferStatus.LAPSED
    assert any("lapsed" in line for line in dora.feed())
    assert dora.post(f"offers/{offer['id']}/accept").status_code == 409


def test_offer_expires(tiny_world, alice, dora):
    carried(tiny_world, tiny_world.player, "sword", 2)
    offer = alice.post("offers", {"target": "Dora", "give_items": ["sword"]}).json()["offer"]
    Offer.objects.filter(pk=offer["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = dora.post(f"offers/{offer['id']}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "offer_expired"
    assert Offer.objects.get(pk=offer["id"]).status == OfferStatus.EXPIRED
    assert Item.objects.get(name="sword").character_id == tiny_world.player.pk


def test_expiry_is_a_world_setting(tiny_world, alice, dora):
    tiny_world.world.offer_ttl_seconds = 60
    tiny_world.world.save()
    set_coins(tiny_world.player, 1)
    offer = Offer.objects.get(pk=alice.post("offers", {"target": "Dora", "give_coins": 1}).json()["offer"]["id"])
    assert timedelta(seconds=59) < offer.expires_at - offer.created_at <= timedelta(seconds=61)


def test_slots_are_checked_for_both_sides(tiny_world, alice, dora):
    carried(tiny_world, tiny_world.player, "barrel", 6, carry=Carry.LARGE)
    for slot, name in enumerate(["a", "b", "c", "d", "e", "f", "g", "h"]):
        carry = Carry.LARGE if slot in (6, 7) else Carry.SMALL
        carried(tiny_world, dora.character, f"rock {name}", slot, carry=carry)
    offer = alice.post("offers", {"target": "Dora", "give_items": ["barrel"]}).json()["offer"]
    response = dora.post(f"offers/{offer['id']}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "inventory_full"
    assert Item.objects.get(name="barrel").character_id == tiny_world.player.pk
    assert Offer.objects.get(pk=offer["id"]).status == OfferStatus.PENDING


def test_a_swap_into_the_freed_slot(tiny_world, alice, dora):
    """Each side's only free slot is the one its traded item leaves: the swap still fits."""
    for holder in (tiny_world.player, dora.character):
        for slot in range(8):
            carry = Carry.LARGE if slot in (6, 7) else Carry.SMALL
            carried(tiny_world, holder, f"{holder.name} thing {slot}", slot, carry=carry)
    offer = alice.post(
        "offers", {"target": "Dora", "give_items": ["Alice thing 2"], "want_items": ["Dora thing 3"]}
    ).json()["offer"]
    assert dora.post(f"offers/{offer['id']}/accept").status_code == 200
    assert Item.objects.get(name="Alice thing 2").character_id == dora.character.pk
    assert Item.objects.filter(character=tiny_world.player).count() == 8


def test_item_gone_since_the_offer(tiny_world, alice, dora):
    sword = carried(tiny_world, tiny_world.player, "sword", 2)
    offer = alice.post("offers", {"target": "Dora", "give_items": ["sword"]}).json()["offer"]
    assert alice.post("drop", {"item": "sword"}).status_code == 200
    response = dora.post(f"offers/{offer['id']}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "item_gone"
    assert Item.objects.get(pk=sword.pk).room_id == tiny_world.hall.pk


class TestNpcAnswers:
    def test_the_barkeep_sells_for_a_fair_price(self, tiny_world, alice):
        set_coins(tiny_world.player, 20)
        carried(tiny_world, tiny_world.npc, "ale", 2, value=5)
        response = alice.post("offers", {"target": "Bob", "give_coins": 5, "want_items": ["ale"]})
        assert response.status_code == 201, response.json()
        assert response.json()["offer"]["status"] == "accepted"
        assert Item.objects.get(name="ale").character_id == tiny_world.player.pk
        assert (coins(tiny_world.player), coins(tiny_world.npc)) == (15, 5)

    def test_a_lowball_is_declined(self, tiny_world, alice):
        set_coins(tiny_world.player, 20)
        carried(tiny_world, tiny_world.npc, "ale", 2, value=5)
        response = alice.post("offers", {"target": "Bob", "give_coins": 4, "want_items": ["ale"]})
        assert response.json()["offer"]["status"] == "declined"
        assert coins(tiny_world.player) == 20

    def test_greed_raises_the_price(self, tiny_world, alice):
        Character.objects.filter(pk=tiny_world.npc.pk).update(sheet={"wealth_desire": 100})
        set_coins(tiny_world.player, 20)
        carried(tiny_world, tiny_world.npc, "ale", 2, value=5)
        assert (
            alice.post("offers", {"target": "Bob", "give_coins": 9, "want_items": ["ale"]}).json()["offer"]["status"]
            == "declined"
        )
        assert (
            alice.post("offers", {"target": "Bob", "give_coins": 10, "want_items": ["ale"]}).json()["offer"]["status"]
            == "accepted"
        )


class TestBadInput:
    @pytest.mark.parametrize("amount", [-1, -(2**40), 10**12, 2**63])
    def test_negative_or_huge_coins(self, tiny_world, alice, dora, amount):
        set_coins(tiny_world.player, 10)
        for field in ("give_coins", "want_coins"):
            response = alice.post("offers", {"target": "Dora", field: amount})
            assert response.status_code == 422, response.json()
        assert not Offer.objects.exists()

    def test_more_coins_than_you_have(self, tiny_world, alice, dora):
        set_coins(tiny_world.player, 3)
        response = alice.post("offers", {"target": "Dora", "give_coins": 4})
        assert response.status_code == 409
        assert response.json()["message"] == "You only have 3 coins."

    def test_an_item_you_do_not_hold(self, tiny_world, alice, dora):
        response = alice.post("offers", {"target": "Dora", "give_items": ["apple"]})  # on the floor, not carried
        assert response.status_code == 404
        assert response.json()["code"] == "not_held"
        assert alice.post("offers", {"target": "Dora", "want_items": ["crown"]}).status_code == 404
        assert not Offer.objects.exists()

    def test_accepting_your_own_offer(self, tiny_world, alice, dora):
        sword = carried(tiny_world, tiny_world.player, "sword", 2)
        offer = alice.post("offers", {"target": "Dora", "give_items": ["sword"]}).json()["offer"]
        response = alice.post(f"offers/{offer['id']}/accept")
        assert response.status_code == 403
        assert response.json()["code"] == "own_offer"
        assert Offer.objects.get(pk=offer["id"]).status == OfferStatus.PENDING
        assert Item.objects.get(pk=sword.pk).character_id == tiny_world.player.pk

    def test_trading_with_yourself_nobody_or_for_nothing(self, tiny_world, alice, dora):
        assert alice.post("offers", {"target": "Alice", "give_coins": 0}).status_code == 422
        assert alice.post("offers", {"target": "Zed", "give_coins": 0}).status_code == 404
        assert alice.post("offers", {"target": "Dora"}).json()["code"] == "empty_offer"

    def test_someone_elses_offer_is_not_found(self, tiny_world, alice, dora, play):
        carried(tiny_world, tiny_world.player, "sword", 2)
        offer = alice.post("offers", {"target": "Dora", "give_items": ["sword"]}).json()["offer"]
        eve = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Eve"))
        assert eve.post(f"offers/{offer['id']}/accept").status_code == 404
        assert eve.post("offers/99999999/accept").status_code == 404
        assert eve.post("offers/0/accept").status_code == 422
