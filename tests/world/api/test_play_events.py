"""The event feed: per-recipient, ordered, correct after moving, long-poll without sleeping."""

from __future__ import annotations

import pytest

from tests import factories
from world import selectors
from world.models import Event

pytestmark = pytest.mark.django_db


def test_feed_is_ordered_and_paged_by_after(tiny_world, alice, play):
    cook = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Cook"))
    for word in ("one", "two", "three"):
        cook.post("say", {"text": word})
    body = alice.get("events", after=0).json()
    texts = [e["text"] for e in body["events"]]
    assert texts == ['Cook says, "one"', 'Cook says, "two"', 'Cook says, "three"']
    ids = [e["id"] for e in body["events"]]
    assert ids == sorted(ids)
    assert body["last_id"] == ids[-1]
    assert {e["kind"] for e in body["events"]} == {"say"}
    assert body["events"][0]["actor"] == "Cook"
    later = alice.get("events", after=ids[0]).json()
    assert [e["id"] for e in later["events"]] == ids[1:]
    nothing = alice.get("events", after=ids[-1]).json()
    assert nothing == {"events": [], "last_id": ids[-1]}


def test_a_character_does_not_see_what_was_said_before_it_arrived(tiny_world, alice, play):
    cook = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.kitchen, name="Cook"))
    cook.post("say", {"text": "secret recipe"})
    alice.post("move", {"exit": "kitchen door"})
    cook.post("say", {"text": "welcome"})
    feed = alice.feed(after=0)
    assert 'Cook says, "welcome"' in feed
    assert not any("secret recipe" in line for line in feed)


def test_a_character_stops_hearing_a_room_it_left(tiny_world, alice, play):
    guest = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Guest"))
    alice.post("move", {"exit": "kitchen door"})
    guest.post("say", {"text": "are you gone?"})
    assert not any("gone" in line for line in alice.feed(after=0))


def test_events_belong_to_the_caller_only(tiny_world, alice, play):
    other_world = factories.WorldFactory(slug="other")
    room = factories.RoomFactory(world=other_world, key="yard")
    stranger = play(factories.CharacterFactory(world=other_world, room=room, account=tiny_world.player.account))
    alice.post("say", {"text": "hello"})
    assert stranger.get("events", after=0).json()["events"] == []


def test_long_poll_with_a_waiting_event_answers_at_once(tiny_world, alice):
    Event.objects.create(recipient=tiny_world.player, kind="say", actor="Cook", text="psst")
    response = alice.get("events", after=0, wait=25)
    assert [e["text"] for e in response.json()["events"]] == ["psst"]
    assert alice.get("events", wait=26).status_code == 422  # capped at 25 s


def test_events_without_after_return_the_latest_page(tiny_world, alice):
    Event.objects.bulk_create(
        Event(recipient=tiny_world.player, kind="say", actor="X", text=str(n)) for n in range(selectors.EVENT_PAGE + 5)
    )
    texts = alice.feed()
    assert len(texts) == selectors.EVENT_PAGE
    assert texts[-1] == str(selectors.EVENT_PAGE + 4)
    assert texts[0] == "5"


def test_prune_events_command_deletes_old_rows(tiny_world):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    old = Event.objects.create(recipient=tiny_world.player, kind="say", actor="X", text="old")
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    Event.objects.create(recipient=tiny_world.player, kind="say", actor="X", text="new")
    out = StringIO()
    call_command("prune_events", "--days", "7", stdout=out)
    assert "Deleted 1 event" in out.getvalue()
    assert list(Event.objects.values_list("text", flat=True)) == ["new"]


@pytest.mark.postgres_only
def test_event_writes_take_the_per_world_lock_on_postgresql(tiny_world, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with CaptureQueriesContext(connection) as queries:
        alice.post("say", {"text": "ordered"})
    sql = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "pg_advisory_xact_lock" in q)
    insert = next(i for i, q in enumerate(sql) if 'INSERT INTO "world_event"' in q)  # "N times: INSERT …" (executemany)
    assert lock < insert
