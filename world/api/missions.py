"""Missions: `/api/worlds/{world}/play/missions` for players, `/api/worlds/{world}/build/missions` for builders."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from accounts.api.security import authenticated, authenticated_since
from world import selectors
from world.api.building.common import builder_world
from world.exceptions import Invalid
from world.games.models import ObjectiveKind
from world.games.selectors import (
    mission_list,
    mission_out,
    mission_reload,
    mission_world_get,
    mission_world_list,
)
from world.models import Character, World
from world.schemas.common import ErrorOut
from world.schemas.missions import (
    AskIn,
    MissionIn,
    MissionOfferIn,
    MissionOfferOut,
    MissionOut,
    MissionResultOut,
    MissionsOut,
    MissionStatusIn,
)
from world.services import missions

play_router = Router(tags=["missions"], auth=authenticated)
build_router = Router(tags=["build: missions"], auth=authenticated)

ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MISSION_ID = Path(..., min_length=4, max_length=36, description="The mission's uuid, or its first characters.")


def me_in(request: HttpRequest, world: str) -> Character:
    return selectors.play_character_get(
        user=request.auth,  # type: ignore[attr-defined]
        world_slug=world,
        authenticated_at=authenticated_since(request),
    )


def summary_line(m: dict[str, Any]) -> str:
    return f"[{str(m['id'])[:8]}] {m['title']} ({m['status']})"


@play_router.get("", response={200: MissionsOut, **ERRORS}, summary="Your missions")
def missions_list(request: HttpRequest, world: Path[str]) -> dict[str, Any]:
    """Missions you issued or are assigned. Deadlines are checked first: overdue missions fail (or expire,
    if never accepted) and the assignee is told in their feed."""
    character = me_in(request, world)
    missions.missions_check_deadlines(character=character)
    rows = [mission_out(m) for m in mission_list(character=character)]
    return {"missions": rows, "message": "\n".join(summary_line(m) for m in rows) or "You have no missions."}


@play_router.post("/ask", response={201: MissionResultOut, **ERRORS}, summary="Ask an NPC here for work")
def missions_ask(request: HttpRequest, world: Path[str], payload: AskIn) -> Status[dict[str, Any]]:
    """The NPC offers a mission (pending, yours to accept): fetch an item of one of the world's templates,
    or, in a world without templates, scout one of its rooms. 10-50 coins and 100 XP, one hour."""
    mission = missions.mission_ask(character=me_in(request, world), npc_name=payload.npc)
    out = mission_out(mission_reload(mission))
    return Status(201, {"mission": out, "message": f"{out['issuer']} offers you: {out['title']}."})


@play_router.get("/{mission_id}", response={200: MissionOut, **ERRORS}, summary="One of your missions")
def missions_detail(request: HttpRequest, world: Path[str], mission_id: str = MISSION_ID) -> dict[str, Any]:
    """Objectives with progress, rewards and the time left."""
    character = me_in(request, world)
    missions.missions_check_deadlines(character=character)
    return mission_out(mission_reload(missions.mission_find(character=character, mission_id=mission_id)))


@play_router.post("/{mission_id}/accept", response={200: MissionResultOut, **ERRORS}, summary="Accept a mission")
def missions_accept(request: HttpRequest, world: Path[str], mission_id: str = MISSION_ID) -> dict[str, Any]:
    mission = missions.mission_accept(character=me_in(request, world), mission_id=mission_id)
    return {"mission": mission_out(mission_reload(mission)), "message": f"You accept the mission '{mission.title}'."}


@play_router.post("/{mission_id}/abandon", response={200: MissionResultOut, **ERRORS}, summary="Abandon a mission")
def missions_abandon(request: HttpRequest, world: Path[str], mission_id: str = MISSION_ID) -> dict[str, Any]:
    """An active mission fails; a pending one is turned down. Either way it is closed."""
    mission = missions.mission_abandon(character=me_in(request, world), mission_id=mission_id)
    return {"mission": mission_out(mission_reload(mission)), "message": f"You abandon the mission '{mission.title}'."}


@play_router.post(
    "/{mission_id}/offer", response={200: MissionOfferOut, **ERRORS}, summary="Offer your mission to someone here"
)
def missions_offer(
    request: HttpRequest, world: Path[str], payload: MissionOfferIn, mission_id: str = MISSION_ID
) -> dict[str, Any]:
    """A player gets it as a pending mission in their feed; an NPC answers at once by TinyMUD's formula
    (reward × greed + relationship × 2 − risk ≥ 20; risk: kill 50, visit 20, obtain 10)."""
    outcome = missions.mission_offer(character=me_in(request, world), mission_id=mission_id, target_name=payload.target)
    mission = mission_reload(outcome.mission)
    return {"mission": mission_out(mission), "message": outcome.reply, "accepted": outcome.accepted}


class MissionStatusFilter(Schema):
    status: str = Field(default="", pattern="^(|pending|active|completed|failed|expired)$")


def _objective(world: World, kind: str, target: str, count: int, description: str) -> missions.ObjectiveSpec:
    if kind == ObjectiveKind.KILL:
        return missions.ObjectiveSpec(
            kind=kind, target_character=selectors.character_resolve(world=world, query=target), target_count=count,
            description=description,
        )  # fmt: skip
    if kind == ObjectiveKind.OBTAIN:
        return missions.ObjectiveSpec(
            kind=kind, target_template=selectors.template_get(world=world, key=target), target_count=count,
            description=description,
        )  # fmt: skip
    if kind == ObjectiveKind.VISIT:
        return missions.ObjectiveSpec(
            kind=kind, target_room=selectors.room_resolve(world=world, query=target), target_count=count,
            description=description,
        )  # fmt: skip
    raise Invalid(f"Unknown objective kind '{kind}'.")


@build_router.get("/missions", response={200: list[MissionOut], **ERRORS}, summary="List the world's missions")
def build_missions_list(request: HttpRequest, world: Path[str], query: Query[MissionStatusFilter]) -> list[Any]:
    return [mission_out(m) for m in mission_world_list(world=builder_world(request, world), status=query.status)[:500]]


@build_router.post("/missions", response={201: MissionResultOut, **ERRORS}, summary="Create a mission")
def build_missions_create(request: HttpRequest, world: Path[str], payload: MissionIn) -> Status[dict[str, Any]]:
    """Objectives name their targets: kill → a character, obtain → an item template key, visit → a room key."""
    world_row = builder_world(request, world)
    mission = missions.mission_create(
        world=world_row,
        title=payload.title,
        description=payload.description,
        issuer=selectors.character_resolve(world=world_row, query=payload.issuer) if payload.issuer else None,
        assignee=selectors.character_resolve(world=world_row, query=payload.assignee) if payload.assignee else None,
        status=payload.status,
        objectives=[_objective(world_row, o.kind, o.target, o.count, o.description) for o in payload.objectives],
        reward_currency=payload.reward_currency,
        reward_xp=payload.reward_xp,
        reward_items=payload.reward_items,
        deadline=payload.deadline,
    )
    return Status(
        201, {"mission": mission_out(mission_reload(mission)), "message": f"Mission '{mission.title}' created."}
    )


@build_router.get("/missions/{mission_id}", response={200: MissionOut, **ERRORS}, summary="Read a mission")
def build_missions_read(request: HttpRequest, world: Path[str], mission_id: UUID) -> dict[str, Any]:
    return mission_out(mission_world_get(world=builder_world(request, world), mission_id=mission_id))


@build_router.post(
    "/missions/{mission_id}/status", response={200: MissionResultOut, **ERRORS}, summary="Set a mission's status"
)
def build_missions_status(
    request: HttpRequest, world: Path[str], mission_id: UUID, payload: MissionStatusIn
) -> dict[str, Any]:
    """Setting `completed` pays the rewards if they were never paid; the assignee is told."""
    mission = mission_world_get(world=builder_world(request, world), mission_id=mission_id)
    mission = missions.mission_set_status(mission=mission, status=payload.status)
    return {
        "mission": mission_out(mission_reload(mission)),
        "message": f"Mission '{mission.title}' is {mission.status}.",
    }


@build_router.delete("/missions/{mission_id}", response={200: MissionResultOut, **ERRORS}, summary="Delete a mission")
def build_missions_delete(request: HttpRequest, world: Path[str], mission_id: UUID) -> dict[str, Any]:
    mission = mission_world_get(world=builder_world(request, world), mission_id=mission_id)
    out = mission_out(mission)
    missions.mission_delete(mission=mission)
    return {"mission": out, "message": f"Mission '{out['title']}' deleted."}
