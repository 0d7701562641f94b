"""The per-process waiter: parked clients wake on commit, from any thread; nothing waits in the database."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from tests import factories
from world.live import hub, stream
from world.models import Event
from world.services import speech


async def until(condition) -> None:
    """Yield to the loop until `condition()` holds (no wall-clock sleeping)."""
    while not condition():
        await asyncio.sleep(0)


def test_a_waiter_is_woken_from_another_thread_and_unregisters_itself():
    async def scenario() -> tuple[bool, int]:
        the_hub = hub.hub()
        with the_hub.subscribe(7) as subscription:
            threading.Thread(target=hub.feed_changed, args=([7, 8],)).start()
            woken = await subscription.wait(30)
        return woken, the_hub.waiting()

    assert async_to_sync(scenario)() == (True, 0)


def test_a_waiter_is_not_woken_by_someone_elses_event_and_times_out():
    async def scenario() -> bool:
        with hub.hub().subscribe(7) as subscription:
            hub.hub().wake([8])
            return await subscription.wait(0)

    assert async_to_sync(scenario)() is False


def test_a_cancelled_waiter_leaves_the_hub():
    async def scenario() -> int:
        the_hub = hub.hub()

        async def park() -> None:
            with the_hub.subscribe(3) as subscription:
                await subscription.wait(30)

        task = asyncio.create_task(park())
        await until(lambda: the_hub.waiting() == 1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return the_hub.waiting()

    assert async_to_sync(scenario)() == 0


def test_notify_payload_names_recipients_and_falls_back_to_everyone():
    assert hub.notify_payload([3, 1, 3]) == "1,3"
    assert hub.parse_payload("1,3") == [1, 3]
    assert hub.notify_payload(range(100_000)) == hub.NOTIFY_ALL
    assert hub.parse_payload(hub.NOTIFY_ALL) is None
    assert hub.parse_payload("junk") is None  # wake everyone rather than lose a wake-up


@pytest.mark.django_db
def test_recipients_since_reads_only_new_rows(tiny_world):
    cook = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Cook")
    first = Event.objects.create(recipient=tiny_world.player, kind="say", actor="X", text="a")
    assert hub.recipients_since(first.id) == (first.id, {})
    second = Event.objects.create(recipient=cook, kind="say", actor="X", text="b")
    assert hub.recipients_since(0) == (second.id, {tiny_world.player.id: first.id, cook.id: second.id})
    assert hub.recipients_since(first.id) == (second.id, {cook.id: second.id})


def test_the_poller_does_not_wake_a_client_for_a_row_it_already_has():
    async def scenario() -> tuple[bool, bool]:
        feed = hub.FeedHub(asyncio.get_running_loop())
        with feed.subscribe(7) as caught_up, feed.subscribe(7) as behind:
            caught_up.seen = 10
            behind.seen = 9
            feed.wake([7], {7: 10})
            return caught_up.flag.is_set(), behind.flag.is_set()

    assert asyncio.run(scenario()) == (False, True)


@pytest.mark.django_db
def test_a_parked_long_poll_returns_when_a_say_commits(tiny_world, settings, django_capture_on_commit_callbacks):
    settings.MUDSITE_LIVE_POLL_MS = 0  # only the commit hook may wake it
    cook = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Cook")

    def say() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            speech.speech_say(character=cook, text="soup's on", to=None)

    async def scenario() -> list[str]:
        task = asyncio.create_task(stream.feed_wait(character=tiny_world.player, after=0, wait=25))
        await until(lambda: hub.hub().waiting() == 1)
        await sync_to_async(say)()
        rows = await asyncio.wait_for(task, 20)
        return [row.text for row in rows]

    assert async_to_sync(scenario)() == ['Cook says, "soup\'s on"']


@pytest.mark.django_db
def test_a_long_poll_gives_up_at_its_deadline(tiny_world, settings):
    settings.MUDSITE_LIVE_POLL_MS = 0
    rows = async_to_sync(stream.feed_wait)(character=tiny_world.player, after=0, wait=0.01)
    assert rows == []


@pytest.mark.django_db
def test_lines_after_many_reads_each_waiter_after_its_own_id_and_caps_the_page(tiny_world):
    cook = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Cook")
    alice_rows = [
        Event.objects.create(recipient=tiny_world.player, kind="say", actor="X", text=str(n)) for n in range(4)
    ]
    cook_rows = [Event.objects.create(recipient=cook, kind="say", actor="X", text=str(n)) for n in range(2)]
    found = stream.lines_after_many({tiny_world.player.id: alice_rows[0].id, cook.id: 0}, limit=2)
    assert {who: [line.id for line in lines] for who, lines in found.items()} == {
        tiny_world.player.id: [row.id for row in alice_rows[1:3]],
        cook.id: [row.id for row in cook_rows],
    }


@pytest.mark.django_db
def test_waiters_woken_together_share_one_read(tiny_world, monkeypatch):
    cook = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Cook")
    first = Event.objects.create(recipient=tiny_world.player, kind="say", actor="X", text="old")
    new = [Event.objects.create(recipient=who, kind="say", actor="X", text="new") for who in (tiny_world.player, cook)]
    reads = []
    real = stream.lines_after_many
    monkeypatch.setattr(stream, "lines_after_many", lambda afters: reads.append(afters) or real(afters))

    async def scenario():
        reader = stream.WokenReads()
        return await asyncio.gather(
            reader.lines_after(tiny_world.player.id, first.id),
            reader.lines_after(tiny_world.player.id, 0),
            reader.lines_after(cook.id, 0),
        )

    again_alice, all_alice, cooks = async_to_sync(scenario)()
    assert len(reads) == 1
    sse = {row.id: stream.sse_event(row) for row in [first, *new]}
    assert again_alice == [stream.FeedLine(new[0].id, sse[new[0].id])]
    assert all_alice == [stream.FeedLine(row.id, sse[row.id]) for row in (first, new[0])]
    assert cooks == [stream.FeedLine(new[1].id, sse[new[1].id])]


@pytest.mark.django_db
def test_shared_payloads_are_the_same_bytes_as_each_rows_own_event(tiny_world):
    cook = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Cook")
    rows = [
        Event.objects.create(recipient=who, kind="say", actor="Tom", text="hi", data={"b": 1, "a": [2]})
        for who in (tiny_world.player, cook)
    ] + [Event.objects.create(recipient=cook, kind="emote", actor="Tom", text='say "hi"\n', data={})]
    rows = list(Event.objects.filter(id__in=[r.id for r in rows]))  # as read back, like the view's reads
    found = stream.lines_after_many({tiny_world.player.id: 0, cook.id: 0})
    assert sorted((line for lines in found.values() for line in lines), key=lambda line: line.id) == [
        stream.FeedLine(row.id, stream.sse_event(row)) for row in rows
    ]
    assert stream.lines_after(cook.id, 0) == [stream.FeedLine(row.id, stream.sse_event(row)) for row in rows[1:]]
