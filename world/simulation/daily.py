"""The daily cycle at each new day: the dawn notice, ambitions' epiphanies and faction duties.

Fixed from TinyMUD: the notices reach every player's feed (TinyMUD's broadcast raised a
swallowed TypeError), deadlines are game ticks (never the wall clock, so downtime cannot fail a
duty without its penalty), and the text names what really drops (social status).
"""

from __future__ import annotations

from typing import Any

from world.models import ContractType, EventKind, FactionMembership, Room
from world.services.events import EventBatch
from world.simulation.gametime import DAY_TICKS, day_of
from world.simulation.models import DailyDuty, DutyStatus
from world.simulation.snapshot import Snapshot


def dawn_notice(snapshot: Snapshot, events: EventBatch) -> None:
    players = [b.id for b in snapshot.beings if not b.is_npc]
    day = day_of(snapshot.tick)
    events.add(
        recipients=players, kind=EventKind.TIME, actor="", text=f"A new day has dawned! (Day {day})", data={"day": day}
    )


DUTY_FAILURE_STATUS_DROP = 5


def _config(config: Any) -> dict[str, Any]:
    return config if isinstance(config, dict) else {}


def duties_cycle(snapshot: Snapshot, events: EventBatch) -> None:
    """At dawn: yesterday's unfinished duties fail (social status drops, the member is told), then
    every member whose role has a contract gets today's duty, in their feed. A fixed number of
    queries whatever the membership count."""
    tick = snapshot.tick
    by_id = {b.id: b for b in snapshot.beings}
    due = list(
        DailyDuty.objects.filter(world_id=snapshot.world_id, status=DutyStatus.ACTIVE, deadline_tick__lte=tick)
        .order_by("issued_tick", "character__name", "role_name")
        .values_list("id", "character_id", "role_name")
    )
    if due:
        DailyDuty.objects.filter(id__in=[pk for pk, _, _ in due]).update(status=DutyStatus.FAILED)
    for _, character_id, role_name in due:
        being = by_id.get(character_id)
        if being is None:
            continue
        being.sheet["social_status"] = max(0, being.sheet_int("social_status", 50) - DUTY_FAILURE_STATUS_DROP)
        being.sheet_changed = True
        if not being.is_npc:
            events.add(
                recipients=[being.id],
                kind=EventKind.TIME,
                actor="",
                text=f"You failed yesterday's duty as {role_name}. Your standing suffers.",
                data={"duty": "failed", "role": role_name},
            )
    rooms_by_key = {key.casefold(): pk for pk, key in Room.objects.filter(world_id=snapshot.world_id).values_list(
        "id", "key")}  # fmt: skip
    new: list[DailyDuty] = []
    for character_id, faction_id, faction_name, role_name, kind, config in (
        FactionMembership.objects.filter(faction__world_id=snapshot.world_id, role__isnull=False)
        .exclude(role__contract_type=ContractType.NONE)
        .order_by("faction__name", "character__name")
        .values_list(
            "character_id", "faction_id", "faction__name", "role__name", "role__contract_type", "role__contract_config"
        )
    ):
        being = by_id.get(character_id)
        if being is None or being.is_dead:
            continue
        settings = _config(config)
        amount = settings.get("amount", 1)
        amount = amount if isinstance(amount, int) and 0 <= amount <= 1000 else 1
        resource = str(settings.get("resource", "")) if kind == ContractType.RESOURCE_CONTRIBUTION else ""
        room_key = str(settings.get("room", "")) if kind == ContractType.PATROL else ""
        new.append(
            DailyDuty(
                world_id=snapshot.world_id,
                character_id=character_id,
                faction_id=faction_id,
                role_name=role_name,
                kind=kind,
                resource_tag=resource[:64],
                amount=amount,
                room_id=rooms_by_key.get(room_key.casefold()),
                issued_tick=tick,
                deadline_tick=tick + DAY_TICKS,
            )
        )
        if not being.is_npc:
            what = f"contribute {amount} {resource}".strip() if resource else f"patrol {room_key}".strip()
            events.add(
                recipients=[being.id],
                kind=EventKind.TIME,
                actor="",
                text=f"Your daily duty as {role_name} of {faction_name}: {what} before the next dawn.",
                data={"duty": "issued", "role": role_name, "faction": faction_name},
            )
    DailyDuty.objects.bulk_create(new)
