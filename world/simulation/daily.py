"""The daily cycle at each new day (the dawn notice, faction duties issued and failed; the
epiphanies are in `ambitions`), and every tick's check of the duties members have done.

Fixed from TinyMUD: the notices reach every player's feed (TinyMUD's broadcast raised a
swallowed TypeError), deadlines are game ticks (never the wall clock, so downtime cannot fail a
duty without its penalty), and the text names what really drops (social status).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from mudsite.db.rawsql import compiled_once
from world.models import Character, ContractType, EventKind, FactionMembership, Item, Room
from world.services.events import EventBatch
from world.simulation.gametime import DAY_TICKS, day_of
from world.simulation.memory import bump_stat
from world.simulation.models import DailyDuty, DutyStatus
from world.simulation.snapshot import Being, Snapshot


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
        being.change_social_status(-DUTY_FAILURE_STATUS_DROP)
        being.tell(
            events,
            kind=EventKind.TIME,
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
        what = f"contribute {amount} {resource}".strip() if resource else f"patrol {room_key}".strip()
        being.tell(
            events,
            kind=EventKind.TIME,
            text=f"Your daily duty as {role_name} of {faction_name}: {what} before the next dawn.",
            data={"duty": "issued", "role": role_name, "faction": faction_name},
        )
    DailyDuty.objects.bulk_create(new)


DUTY_STATUS_REWARD = 5  # TinyMUD's "rep 5": reputation is social status here (as its failure penalty)
DUTY_CURRENCY_REWARD = 10


@dataclass(frozen=True)
class Duty:
    """An active duty as the tick sees it."""

    id: int
    character_id: int
    kind: str
    role_name: str
    room_id: int | None
    resource_tag: str
    amount: int


def active_duties(snapshot: Snapshot) -> list[Duty]:
    """Today's unfinished duties (deadline still ahead), one query; none in a world without factions."""
    if not snapshot.factions_of:
        return []
    return [Duty(*row) for row in _active_duty_rows(snapshot.world_id, snapshot.tick)]


@compiled_once  # read every tick of a world with factions: compiled once a process
def _active_duty_rows(world_id: int, tick: int) -> QuerySet:
    return (
        DailyDuty.objects.filter(world_id=world_id, status=DutyStatus.ACTIVE, deadline_tick__gt=tick)
        .order_by("issued_tick", "character__name", "role_name")
        .values_list("id", "character_id", "kind", "role_name", "room_id", "resource_tag", "amount")
    )


def _held_resources(duties: list[Duty]) -> dict[int, list[tuple[str, ...]]]:
    """Tags of every item the members with a resource duty carry (hands and packs, not containers'
    contents), one query: the snapshot holds only what NPCs carry, and players have duties too."""
    holders = {d.character_id for d in duties if d.kind == ContractType.RESOURCE_CONTRIBUTION}
    carried: dict[int, list[tuple[str, ...]]] = {}
    if holders:
        for character_id, tags in Item.objects.filter(character_id__in=holders).values_list("character_id", "tags"):
            carried.setdefault(character_id, []).append(tuple(str(t) for t in tags) if isinstance(tags, list) else ())
    return carried


def duty_met(duty: Duty, being: Being, carried: dict[int, list[tuple[str, ...]]], entered: set[int]) -> bool:
    """A patrol: the member is in the duty's room or walked into it this tick (on the way
    elsewhere). A resource contribution: the member holds `amount` items tagged `resource_tag`
    (holding is enough; nothing is handed over)."""
    if duty.kind == ContractType.PATROL:
        return duty.room_id is not None and (being.room_id == duty.room_id or duty.room_id in entered)
    if duty.kind == ContractType.RESOURCE_CONTRIBUTION:
        tag = duty.resource_tag.strip().casefold()
        held = sum(1 for tags in carried.get(being.id, []) if any(t.strip().casefold() == tag for t in tags))
        return bool(tag) and held >= duty.amount
    return False


def duties_progress(
    snapshot: Snapshot, duties: list[Duty], events: EventBatch, entered: dict[int, set[int]] | None = None
) -> list[Duty]:
    """Mark done every active duty whose member meets it now; reward them (social status +5,
    currency +10) and count patrols in `lifetime_stats.patrols`. At most three queries a tick."""
    if not duties:
        return []
    by_id = {b.id: b for b in snapshot.beings}
    carried = _held_resources(duties)
    done = [
        d
        for d in duties
        if (being := by_id.get(d.character_id)) is not None
        and not being.is_dead
        and duty_met(d, being, carried, (entered or {}).get(being.id, set()))
    ]
    if not done:
        return []
    DailyDuty.objects.filter(id__in=[d.id for d in done]).update(status=DutyStatus.DONE)
    paid: dict[int, int] = {}
    for duty in done:
        being = by_id[duty.character_id]
        being.change_social_status(DUTY_STATUS_REWARD)
        if duty.kind == ContractType.PATROL:
            bump_stat(being, "patrols")
        bump_stat(being, "duties_done")
        being.currency += DUTY_CURRENCY_REWARD
        paid[being.id] = paid.get(being.id, 0) + DUTY_CURRENCY_REWARD
        being.tell(
            events,
            kind=EventKind.TIME,
            text=f"Your duty as {duty.role_name} is done. You earn {DUTY_CURRENCY_REWARD} coins.",
            data={"duty": "done", "role": duty.role_name},
        )
    with connection.cursor() as cursor:  # an increment: a service may have paid them this tick too
        cursor.executemany(
            f"UPDATE {connection.ops.quote_name(Character._meta.db_table)} SET currency = currency + %s WHERE id = %s",
            sorted((amount, pk) for pk, amount in paid.items()),
        )
    return done
