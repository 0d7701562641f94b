"""Real concurrent requests against a live server: two accepts and a cancel race for one offer.

Exactly one of them wins (one accept, or the cancel), the others get a 409, and no coin or item is
ever duplicated or lost. Runs on whichever database the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import threading

import httpx
import pytest

from accounts.services.tokens import token_issue
from tests import factories
from world.games.models import Offer, OfferStatus
from world.models import Character, Item

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROUNDS = 6


def race(barrier: threading.Barrier, url: str, verb: str, headers: dict, statuses: list) -> None:
    with httpx.Client(timeout=30) as client:
        barrier.wait()
        response = client.post(f"{url}/{verb}", headers=headers)
    statuses.append((verb, response.status_code))


def test_two_accepts_and_a_cancel_give_one_outcome(live_server):
    world = factories.WorldFactory(slug="race")
    hall = factories.RoomFactory(world=world, key="hall")
    alice = factories.CharacterFactory(world=world, room=hall, name="Alice", currency=100)
    dora = factories.CharacterFactory(world=world, room=hall, name="Dora", currency=100)
    headers = {
        c.pk: {"Authorization": f"Bearer {token_issue(user=c.account)}"}  # type: ignore[arg-type]
        for c in (alice, dora)
    }
    base = f"{live_server.url}/api/worlds/race/play/offers"
    outcomes = []
    for round_ in range(ROUNDS):
        factories.ItemFactory(world=world, room=None, character=alice, slot=2, name=f"sword {round_}")
        factories.ItemFactory(world=world, room=None, character=dora, slot=3, name=f"cup {round_}")
        with httpx.Client(timeout=30) as client:
            made = client.post(
                base,
                json={
                    "target": "Dora",
                    "give_items": [f"sword {round_}"],
                    "give_coins": 7,
                    "want_items": [f"cup {round_}"],
                    "want_coins": 2,
                },
                headers=headers[alice.pk],
            )
        assert made.status_code == 201, made.text
        offer_id = made.json()["offer"]["id"]
        calls = [(dora.pk, "accept"), (dora.pk, "accept"), (alice.pk, "cancel")]
        barrier = threading.Barrier(len(calls))
        statuses: list[tuple[str, int]] = []

        url = f"{base}/{offer_id}"
        threads = [
            threading.Thread(target=race, args=(barrier, url, verb, headers[who], statuses)) for who, verb in calls
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        winners = [s for s in statuses if s[1] == 200]
        assert len(winners) == 1, statuses
        assert sorted(code for _, code in statuses) == [200, 409, 409], statuses
        offer = Offer.objects.get(pk=offer_id)
        expected = OfferStatus.ACCEPTED if winners[0][0] == "accept" else OfferStatus.CANCELLED
        assert offer.status == expected
        outcomes.append(offer.status)

        # Conservation: coins sum to the start, every item is in exactly one inventory slot.
        a, d = Character.objects.get(pk=alice.pk), Character.objects.get(pk=dora.pk)
        assert a.currency + d.currency == 200
        sword = Item.objects.get(name=f"sword {round_}")
        cup = Item.objects.get(name=f"cup {round_}")
        if expected == OfferStatus.ACCEPTED:
            assert (sword.character_id, cup.character_id) == (dora.pk, alice.pk)
        else:
            assert (sword.character_id, cup.character_id) == (alice.pk, dora.pk)
        # Clear the inventories for the next round.
        Item.objects.filter(pk__in=[sword.pk, cup.pk]).update(character=None, slot=None, room=hall)

    accepted = outcomes.count(OfferStatus.ACCEPTED)
    final = Character.objects.get(pk=alice.pk).currency
    assert final == 100 - 5 * accepted
    assert Item.objects.filter(world=world).count() == 2 * ROUNDS
