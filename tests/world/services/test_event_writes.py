"""The event feed's writes (world/services/events.py): every row of a batch lands, however many statements
the backend's parameter limit splits it into, with its own text and its `add`'s data."""

from __future__ import annotations

from tests.factories import make_player
from world.models import Event, EventKind, World
from world.services.events import EventBatch


def test_a_batch_larger_than_one_statement_writes_every_row_in_order(world: World):
    alice, bob = make_player(world=world, name="Alice"), make_player(world=world, name="Bob")
    events = EventBatch(world_id=world.pk)
    crowd = [alice.pk, bob.pk] * 700  # 1,400 rows: several statements on every backend
    events.add(recipients=crowd, kind=EventKind.SAY, actor="Alice", text="hi", data={"n": 1}, actor_id=alice.pk,
               actor_text="You say hi")  # fmt: skip
    events.add(recipients=[bob.pk], kind=EventKind.WHISPER, actor="Alice", text="psst")
    events.write()
    rows = list(Event.objects.order_by("id").values_list("recipient_id", "kind", "text", "data"))
    assert len(rows) == 1401
    assert rows[:2] == [(alice.pk, "say", "You say hi", {"n": 1}), (bob.pk, "say", "hi", {"n": 1})]
    assert [r[0] for r in rows[:1400]] == crowd
    assert {r[2] for r in rows[:1400:2]} == {"You say hi"} and {r[2] for r in rows[1:1400:2]} == {"hi"}
    assert rows[-1] == (bob.pk, "whisper", "psst", {})
