"""Missions (TinyMUD §2.13, §3.8) with its defects fixed: output is delivered, offers to players work,
objectives progress from real events, rewards are paid (once), and deadlines are processed.

Life cycle: pending (offered to its assignee) → active (accepted) → completed, or failed (abandoned, or
an active mission past its deadline), or expired (a pending offer past its deadline). Deadlines are
checked on every tick of the world clock (`missions_fail_overdue_in`, called by simulation.clock.tick_world)
and whenever a character's missions are read (`missions_check_deadlines`), for worlds whose clock is not
running.

Progress comes from the world's own writes (world/games/signals.py): an item of the objective's
template landing in the assignee's inventory (take, give, trade, spawn) counts for `obtain`, entering
the room counts for `visit`. Kills come from combat through `mission_record_kill`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mudsite.db.rawsql import aware, compiled_once
from persistence import facade
from world.exceptions import Conflict, Forbidden, Invalid, NotFound
from world.fuzzy import fuzzy_matches, fuzzy_resolve
from world.games.models import MAX_COINS, Mission, MissionObjective, MissionStatus, ObjectiveKind
from world.models import Character, EventKind, ItemTemplate, Relationship, Room, World
from world.selectors import character_room
from world.services.events import EventBatch
from world.services.items import character_free_slot
from world.services.templates import item_spawn
from world.sheet_schema import Sheet
from world.validation import text_clean

# TinyMUD's /mission generate: a 1-hour deadline, 10-50 coins and 100 XP.
ASKED_DEADLINE = timedelta(hours=1)
ASKED_REWARD_COINS = (10, 50)
ASKED_REWARD_XP = 100
# TinyMUD's NPC acceptance (npc_mission_logic.evaluate_mission_offer).
NPC_ACCEPT_THRESHOLD = 20.0
OBJECTIVE_RISK = {ObjectiveKind.KILL: 50, ObjectiveKind.VISIT: 20, ObjectiveKind.OBTAIN: 10}
# TinyMUD scored relationships -100..100; mudsite's are labelled edges, scored by their label.
RELATIONSHIP_SCORES = {
    "friend": 25, "ally": 25, "family": 40, "sister": 40, "brother": 40, "mentor": 25, "employer": 15,
    "rival": -25, "enemy": -50,
}  # fmt: skip
OPEN = (MissionStatus.PENDING, MissionStatus.ACTIVE)
# The column lengths of Mission.title, Mission.description and MissionObjective.description.
TITLE_MAX, DESCRIPTION_MAX, OBJECTIVE_TEXT_MAX = 128, 2000, 200


@dataclass(frozen=True)
class ObjectiveSpec:
    kind: str
    description: str = ""
    target_character: Character | None = None
    target_template: ItemTemplate | None = None
    target_room: Room | None = None
    target_count: int = 1


def _tell(character: Character | None, text: str, mission: Mission, *, actor: str = "") -> None:
    if character is None or character.is_npc:
        return
    events = EventBatch(world_id=mission.world_id)
    data = {"mission": str(mission.uuid), "status": mission.status}
    events.add(recipients=[character.pk], kind=EventKind.MISSION, actor=actor, text=text, data=data)
    events.write()


def _objective_text(spec: ObjectiveSpec) -> str:
    if spec.description:
        return spec.description
    if spec.kind == ObjectiveKind.KILL and spec.target_character is not None:
        return f"Defeat {spec.target_character.name}"
    if spec.kind == ObjectiveKind.OBTAIN and spec.target_template is not None:
        return f"Obtain {spec.target_count} {spec.target_template.name}"
    if spec.kind == ObjectiveKind.VISIT and spec.target_room is not None:
        return f"Visit {spec.target_room.display_name}"
    return spec.kind


def _check_spec(spec: ObjectiveSpec) -> None:
    needed = {
        ObjectiveKind.KILL: spec.target_character,
        ObjectiveKind.OBTAIN: spec.target_template,
        ObjectiveKind.VISIT: spec.target_room,
    }
    if spec.kind not in needed:
        raise Invalid(f"Unknown objective kind '{spec.kind}': kill, obtain or visit.", code="bad_objective")
    if needed[ObjectiveKind(spec.kind)] is None:
        raise Invalid(f"A {spec.kind} objective needs its target.", code="bad_objective")
    if not 1 <= spec.target_count <= 1000:
        raise Invalid("Objective counts are 1-1000.", code="bad_objective")
    text_clean(spec.description, field="objective description", max_length=OBJECTIVE_TEXT_MAX)


@transaction.atomic
def mission_create(
    *,
    world: World,
    title: str,
    description: str = "",
    objectives: list[ObjectiveSpec],
    issuer: Character | None = None,
    assignee: Character | None = None,
    status: str = MissionStatus.PENDING,
    reward_currency: int = 0,
    reward_xp: int = 0,
    reward_items: list[str] | None = None,
    deadline: datetime | None = None,
) -> Mission:
    title = text_clean(title, field="title", max_length=TITLE_MAX)
    description = text_clean(description, field="description", max_length=DESCRIPTION_MAX)
    if not title:
        raise Invalid("A mission needs a title.", code="bad_mission")
    if status not in MissionStatus.values:
        raise Invalid(f"Unknown status '{status}'.", code="bad_status")
    for amount in (reward_currency, reward_xp):
        if not 0 <= amount <= MAX_COINS:
            raise Invalid(f"Rewards are 0-{MAX_COINS}.", code="bad_amount")
    keys = list(reward_items or [])
    known = {k.casefold(): k for k in ItemTemplate.objects.filter(world=world).values_list("key", flat=True)}
    missing = [k for k in keys if k.casefold() not in known]
    if missing:
        raise NotFound(f"No item template {', '.join(missing)}.", code="no_template", details={"missing": missing})
    for spec in objectives:
        _check_spec(spec)
    mission = Mission.objects.create(
        world=world,
        title=title,
        description=description,
        issuer=issuer,
        assignee=assignee,
        status=status,
        reward_currency=reward_currency,
        reward_xp=reward_xp,
        reward_items=[known[k.casefold()] for k in keys],
        deadline=deadline,
        created_at=timezone.now(),
    )
    MissionObjective.objects.bulk_create(
        [
            MissionObjective(
                mission=mission,
                position=position,
                kind=spec.kind,
                description=_objective_text(spec),
                target_character=spec.target_character,
                target_template=spec.target_template,
                target_room=spec.target_room,
                target_count=spec.target_count,
            )
            for position, spec in enumerate(objectives)
        ]
    )
    facade.save_world(world)
    return mission


def _mine(character: Character) -> QuerySet[Mission]:
    return Mission.objects.filter(Q(issuer=character) | Q(assignee=character), world_id=character.world_id)


def mission_find(*, character: Character, mission_id: str) -> Mission:
    """One of my missions by uuid (or its unique prefix, as TinyMUD's ids were typed)."""
    wanted = mission_id.strip().casefold()
    if len(wanted) < 4:
        raise Invalid("Give at least the first 4 characters of the mission id.", code="bad_id")
    found = [m for m in _mine(character) if str(m.uuid).startswith(wanted)]
    if not found:
        raise NotFound(f"You have no mission '{mission_id}'.", code="no_mission", details={"mission": mission_id})
    if len(found) > 1:
        raise Conflict(f"Mission id '{mission_id}' is ambiguous.", code="ambiguous")
    return found[0]


def _locked(mission: Mission) -> Mission:
    return Mission.objects.select_for_update(of=("self",)).select_related("assignee", "issuer").get(pk=mission.pk)


def missions_fail_overdue(*, missions: QuerySet[Mission], now: datetime | None = None) -> int:
    """Past their deadline: active missions fail, pending offers expire; each assignee is told."""
    now = now or timezone.now()
    overdue = list(
        missions.filter(status__in=OPEN, deadline__lte=now)
        .select_for_update(of=("self",))
        .select_related("assignee")
        .order_by("pk")
    )
    for mission in overdue:
        active = mission.status == MissionStatus.ACTIVE
        mission.status = MissionStatus.FAILED if active else MissionStatus.EXPIRED
        mission.save(update_fields=["status"])
        verb = "failed: its deadline passed" if active else "expired before you accepted it"
        _tell(mission.assignee, f"Mission '{mission.title}' {verb}.", mission)
    if overdue:
        facade.save_world(overdue[0].world_id)
    return len(overdue)


def missions_fail_overdue_in(*, world_id: int) -> int:
    """The world clock's tick: every overdue mission of the world fails (or expires), in the tick's
    transaction. Deadlines are wall-clock times, so this is the one part of a tick a seed does not fix.
    The deadlines are read first through a compiled statement: most ticks have nothing overdue, and the
    locking query was a third of a small world's tick."""
    now = timezone.now()
    if not any((when := aware(deadline)) is not None and when <= now for (deadline,) in _open_deadlines(world_id)):
        return 0
    return missions_fail_overdue(missions=Mission.objects.filter(world_id=world_id), now=now)


@compiled_once
def _open_deadlines(world_id: int) -> QuerySet:
    return Mission.objects.filter(world_id=world_id, status__in=OPEN).exclude(deadline=None).values_list("deadline")


@transaction.atomic
def missions_check_deadlines(*, character: Character) -> int:
    return missions_fail_overdue(missions=_mine(character))


@transaction.atomic
def mission_ask(*, character: Character, npc_name: str, rng: random.Random | None = None) -> Mission:
    """Ask an NPC here for work: it offers a mission built from the world's templates (fetch one) or,
    without templates, its rooms (go there). TinyMUD's numbers: 10-50 coins, 100 XP, a 1-hour deadline."""
    rng = rng or random.Random()
    room = character_room(character=character)
    npcs = list(Character.objects.filter(room=room, is_npc=True, is_dead=False))
    if not npcs:
        raise NotFound("There is nobody here to ask for work.", code="no_npc")
    if not fuzzy_matches(npc_name, npcs, lambda c: c.name):
        raise NotFound(f"You don't see '{npc_name}' here.", details={"query": npc_name})
    npc = fuzzy_resolve(npc_name, npcs, lambda c: c.name, what="character")
    templates = list(ItemTemplate.objects.filter(world_id=character.world_id).order_by("key"))
    if templates:
        template = rng.choice(templates)
        title = f"Retrieve {template.name}"
        description = f"I need a {template.name} for my work. Can you find one for me?"
        spec = ObjectiveSpec(kind=ObjectiveKind.OBTAIN, target_template=template)
    else:
        rooms = list(Room.objects.filter(world_id=character.world_id).exclude(pk=room.pk).order_by("key"))
        if not rooms:
            raise Conflict(f"{npc.name} has no work for you.", code="no_work")
        target = rng.choice(rooms)
        title = f"Scout {target.display_name}"
        description = f"Go and see what is happening in {target.display_name}, will you?"
        spec = ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=target)
    mission = mission_create(
        world=character.world,
        title=title,
        description=description,
        objectives=[spec],
        issuer=npc,
        assignee=character,
        reward_currency=rng.randint(*ASKED_REWARD_COINS),
        reward_xp=ASKED_REWARD_XP,
        deadline=timezone.now() + ASKED_DEADLINE,
    )
    _tell(character, f"{npc.name} offers you a mission: {title}. {description}", mission, actor=npc.name)
    return mission


@transaction.atomic
def mission_accept(*, character: Character, mission_id: str) -> Mission:
    missions_check_deadlines(character=character)
    mission = _locked(mission_find(character=character, mission_id=mission_id))
    if mission.assignee_id != character.pk:
        raise Forbidden("That mission was not offered to you.", code="not_assignee")
    if mission.status != MissionStatus.PENDING:
        raise Conflict(f"The mission is {mission.status}, not waiting for an answer.", code="not_pending")
    mission.status = MissionStatus.ACTIVE
    mission.save(update_fields=["status"])
    _tell(character, f"You accept the mission '{mission.title}'.", mission)
    if mission.issuer is not None and mission.issuer.pk != character.pk:
        _tell(mission.issuer, f"{character.name} accepts your mission '{mission.title}'.", mission)
    facade.save_world(character.world)
    return mission


@transaction.atomic
def mission_abandon(*, character: Character, mission_id: str) -> Mission:
    """Give up (an active mission fails) or turn down (a pending one). The issuer is told."""
    missions_check_deadlines(character=character)
    mission = _locked(mission_find(character=character, mission_id=mission_id))
    if mission.assignee_id != character.pk:
        raise Forbidden("Only the one doing a mission can abandon it.", code="not_assignee")
    if mission.status not in OPEN:
        raise Conflict(f"The mission is already {mission.status}.", code="closed")
    mission.status = MissionStatus.FAILED
    mission.save(update_fields=["status"])
    _tell(character, f"You abandon the mission '{mission.title}'.", mission)
    _tell(mission.issuer, f"{character.name} abandons your mission '{mission.title}'.", mission)
    facade.save_world(character.world)
    return mission


def relationship_score(*, npc: Character, issuer: Character | None) -> int:
    if issuer is None:
        return 0
    labels = Relationship.objects.filter(source=npc, target=issuer).values_list("label", flat=True)
    return sum(RELATIONSHIP_SCORES.get(label.strip().casefold(), 0) for label in labels)


def npc_evaluate_mission(*, npc: Character, mission: Mission) -> tuple[bool, str]:
    """TinyMUD's formula: reward × greed + relationship × 2 − risk ≥ 20."""
    sheet = npc.sheet if isinstance(npc.sheet, dict) else {}
    wealth = sheet.get("wealth_desire", Sheet.model_fields["wealth_desire"].default)
    reward = (mission.reward_currency + mission.reward_xp * 0.1) * (wealth / 50.0)
    base_risk = sum(OBJECTIVE_RISK.get(ObjectiveKind(o.kind), 10) for o in mission.objectives.all())
    risk = base_risk * (((100 - npc.aggression) / 100.0 + (100 - npc.confidence) / 100.0) / 2.0)
    relation = relationship_score(npc=npc, issuer=mission.issuer)
    if reward + relation * 2.0 - risk >= NPC_ACCEPT_THRESHOLD:
        return True, "I accept your terms."
    if risk > reward:
        return False, "Too dangerous for that pay."
    if relation < -20:
        return False, "I don't work for people like you."
    return False, "I'm not interested."


@dataclass(frozen=True)
class OfferOutcome:
    mission: Mission
    accepted: bool | None  # None: a player decides later
    reply: str


@transaction.atomic
def mission_offer(*, character: Character, mission_id: str, target_name: str) -> OfferOutcome:
    """Offer one of your missions (you issued it, nobody has taken it on) to a player or an NPC here."""
    missions_check_deadlines(character=character)
    mission = _locked(mission_find(character=character, mission_id=mission_id))
    if mission.issuer_id != character.pk:
        raise Forbidden("You can only offer missions you issued.", code="not_issuer")
    if mission.status != MissionStatus.PENDING:
        raise Conflict(f"The mission is {mission.status}; only pending missions can be offered.", code="not_pending")
    room = character_room(character=character)
    others = list(Character.objects.filter(room=room, is_dead=False).exclude(pk=character.pk))
    if not fuzzy_matches(target_name, others, lambda c: c.name):
        raise NotFound(f"You don't see '{target_name}' here.", details={"query": target_name})
    target = fuzzy_resolve(target_name, others, lambda c: c.name, what="character")
    mission.assignee = target
    if target.is_npc:
        accepted, reply = npc_evaluate_mission(npc=target, mission=mission)
        if not accepted:
            return OfferOutcome(mission=mission, accepted=False, reply=f'{target.name}: "{reply}"')
        mission.status = MissionStatus.ACTIVE
        mission.save(update_fields=["assignee", "status"])
        facade.save_world(character.world)
        return OfferOutcome(mission=mission, accepted=True, reply=f'{target.name}: "{reply}"')
    mission.save(update_fields=["assignee"])
    _tell(target, f"{character.name} offers you a mission: {mission.title}.", mission, actor=character.name)
    facade.save_world(character.world)
    return OfferOutcome(mission=mission, accepted=None, reply=f"You offer '{mission.title}' to {target.name}.")


def _pay(mission: Mission) -> None:
    """Rewards, exactly once: the mission row is locked and `rewarded` flips in the same transaction."""
    assert mission.assignee_id is not None  # callers pay assigned missions only
    assignee = Character.objects.select_for_update().get(pk=mission.assignee_id)
    assignee.currency += mission.reward_currency
    if mission.reward_xp:
        sheet = dict(assignee.sheet) if isinstance(assignee.sheet, dict) else {}
        stats = dict(sheet.get("lifetime_stats") or {})
        stats["xp"] = int(stats.get("xp", 0)) + mission.reward_xp
        sheet["lifetime_stats"] = stats
        assignee.sheet = sheet
    assignee.save(update_fields=["currency", "sheet"])
    templates = {t.key: t for t in ItemTemplate.objects.filter(world_id=mission.world_id, key__in=mission.reward_items)}
    for key in mission.reward_items:
        template = templates.get(key)
        if template is None:
            continue  # deleted since; the rest is still paid
        if character_free_slot(character=assignee, carry=template.carry) is not None:
            item_spawn(world=assignee.world, template=template, character=assignee)
        elif assignee.room is not None:
            item_spawn(world=assignee.world, template=template, room=assignee.room)
    mission.rewarded = True


def _progress(*, character: Character, kind: ObjectiveKind, **target: Any) -> list[Mission]:
    objectives = list(
        MissionObjective.objects.filter(
            mission__assignee=character,
            mission__status=MissionStatus.ACTIVE,
            kind=kind,
            completed=False,
            **target,
        ).values_list("mission_id", flat=True)
    )
    if not objectives:
        return []
    finished: list[Mission] = []
    for mission_id in sorted(set(objectives)):
        mission = Mission.objects.select_for_update(of=("self",)).get(pk=mission_id)
        if mission.status != MissionStatus.ACTIVE:
            continue
        rows = list(mission.objectives.select_for_update().order_by("position"))
        for objective in rows:
            matches = objective.kind == kind and all(getattr(objective, k) == v for k, v in target.items())
            if matches and not objective.completed:
                objective.current_count += 1
                objective.completed = objective.current_count >= objective.target_count
                objective.save(update_fields=["current_count", "completed"])
                _tell(character, f"Mission '{mission.title}': {objective.description} "
                      f"({objective.current_count}/{objective.target_count}).", mission)  # fmt: skip
        if all(o.completed for o in rows):
            mission.status = MissionStatus.COMPLETED
            if not mission.rewarded:
                _pay(mission)
            mission.save(update_fields=["status", "rewarded"])
            paid = f" You receive {mission.reward_currency} coins." if mission.reward_currency else ""
            _tell(character, f"Mission complete: {mission.title}.{paid}", mission)
            _tell(mission.issuer, f"{character.name} completed your mission '{mission.title}'.", mission)
            finished.append(mission)
    facade.save_world(character.world_id)
    return finished


@transaction.atomic
def mission_record_obtain(*, character: Character, template_id: int) -> list[Mission]:
    return _progress(character=character, kind=ObjectiveKind.OBTAIN, target_template_id=template_id)


@transaction.atomic
def mission_record_visit(*, character: Character, room_id: int) -> list[Mission]:
    return _progress(character=character, kind=ObjectiveKind.VISIT, target_room_id=room_id)


@transaction.atomic
def mission_record_kill(*, killer: Character, victim: Character) -> list[Mission]:
    """The combat hook: call it when `killer` slays `victim`; returns the missions it completed."""
    return _progress(character=killer, kind=ObjectiveKind.KILL, target_character_id=victim.pk)


@transaction.atomic
def mission_set_status(*, mission: Mission, status: str) -> Mission:
    """Staff override (TinyMUD's setstatus). Setting `completed` pays the rewards if they were never paid."""
    if status not in MissionStatus.values:
        raise Invalid(f"Unknown status '{status}': {', '.join(MissionStatus.values)}.", code="bad_status")
    mission = _locked(mission)
    mission.status = status
    if status == MissionStatus.COMPLETED and not mission.rewarded and mission.assignee_id is not None:
        _pay(mission)
    mission.save(update_fields=["status", "rewarded"])
    _tell(mission.assignee, f"Mission '{mission.title}' is now {status}.", mission)
    facade.save_world(mission.world_id)
    return mission


@transaction.atomic
def mission_delete(*, mission: Mission) -> None:
    facade.save_world(mission.world_id)
    mission.delete()
