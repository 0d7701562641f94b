"""Reads of the game systems (offers, missions), kept beside their models to keep world/selectors.py small."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from world.exceptions import NotFound
from world.games.models import (
    Mission,
    MissionObjective,
    MissionStatus,
    ObjectiveKind,
    Offer,
    OfferItem,
    OfferSide,
    OfferStatus,
)
from world.models import Character, World

# Annotations on a character row loaded for play: whether a move or a pick-up can matter to trade or
# missions. The hooks in world/games/signals.py skip their queries when a flag says nothing is open.
PENDING_OFFERS_FLAG = "has_pending_offers"
OPEN_OBJECTIVES_FLAG = "has_open_objectives"


def character_game_flags() -> dict[str, Exists]:
    pending = Offer.objects.filter(Q(proposer=OuterRef("pk")) | Q(recipient=OuterRef("pk")), status=OfferStatus.PENDING)
    open_objectives = MissionObjective.objects.filter(
        mission__assignee=OuterRef("pk"), mission__status=MissionStatus.ACTIVE, completed=False
    )
    return {PENDING_OFFERS_FLAG: Exists(pending), OPEN_OBJECTIVES_FLAG: Exists(open_objectives)}


def offer_out(offer: Offer) -> dict[str, Any]:
    lines = list(offer.lines.all())
    return {
        "id": offer.pk,
        "proposer": offer.proposer.name,
        "recipient": offer.recipient.name,
        "give_items": [x.name for x in lines if x.side == OfferSide.GIVE],
        "give_coins": offer.give_coins,
        "want_items": [x.name for x in lines if x.side == OfferSide.WANT],
        "want_coins": offer.want_coins,
        "status": offer.status,
        "created_at": offer.created_at,
        "expires_at": offer.expires_at,
    }


def offer_list(*, character: Character, include_closed: bool = False) -> list[Offer]:
    """The caller's offers, made or received (pending only unless asked), in one query plus one for lines."""
    offers = Offer.objects.filter(Q(proposer=character) | Q(recipient=character))
    if not include_closed:
        offers = offers.filter(status=OfferStatus.PENDING)
    return list(
        offers.select_related("proposer", "recipient")
        .prefetch_related(Prefetch("lines", queryset=OfferItem.objects.order_by("side", "id")))
        .order_by("id")[:100]
    )


def offer_get(*, character: Character, offer_id: int) -> Offer:
    return (
        Offer.objects.select_related("proposer", "recipient")
        .prefetch_related("lines")
        .get(Q(proposer=character) | Q(recipient=character), pk=offer_id)
    )


def _objective_target(objective: MissionObjective) -> str | None:
    if objective.kind == ObjectiveKind.KILL:
        return objective.target_character.name if objective.target_character else None
    if objective.kind == ObjectiveKind.OBTAIN:
        return objective.target_template.key if objective.target_template else None
    return objective.target_room.key if objective.target_room else None


def mission_out(mission: Mission, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    left = None if mission.deadline is None else max(0, int((mission.deadline - now).total_seconds()))
    return {
        "id": mission.uuid,
        "title": mission.title,
        "description": mission.description,
        "status": mission.status,
        "issuer": mission.issuer.name if mission.issuer else None,
        "assignee": mission.assignee.name if mission.assignee else None,
        "reward_currency": mission.reward_currency,
        "reward_xp": mission.reward_xp,
        "reward_items": list(mission.reward_items),
        "deadline": mission.deadline,
        "seconds_left": left,
        "rewarded": mission.rewarded,
        "objectives": [
            {
                "kind": o.kind,
                "description": o.description,
                "target": _objective_target(o),
                "target_count": o.target_count,
                "current_count": o.current_count,
                "completed": o.completed,
            }
            for o in mission.objectives.all()
        ],
    }


def missions_with_details(missions: QuerySet[Mission]) -> QuerySet[Mission]:
    objectives = MissionObjective.objects.select_related("target_character", "target_template", "target_room")
    return missions.select_related("issuer", "assignee").prefetch_related(
        Prefetch("objectives", queryset=objectives.order_by("position"))
    )


def mission_list(*, character: Character) -> list[Mission]:
    """Missions I issued or am assigned (TinyMUD's /mission list), newest last."""
    mine = Mission.objects.filter(Q(issuer=character) | Q(assignee=character), world_id=character.world_id)
    return list(missions_with_details(mine).order_by("created_at", "id")[:200])


def mission_reload(mission: Mission) -> Mission:
    return missions_with_details(Mission.objects.filter(pk=mission.pk)).get()


def mission_world_list(*, world: World, status: str = "") -> QuerySet[Mission]:
    missions = Mission.objects.filter(world=world)
    if status:
        missions = missions.filter(status=status)
    return missions_with_details(missions).order_by("created_at", "id")


def mission_world_get(*, world: World, mission_id: Any) -> Mission:
    found = missions_with_details(Mission.objects.filter(world=world, uuid=mission_id)).first()
    if found is None:
        raise NotFound(f"No mission {mission_id} in this world.", code="no_mission")
    return found
