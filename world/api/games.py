"""Game systems on the play API: attack, flee, roll, help. Thin: services write, selectors read."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router

from world import selectors
from world.api.contract import me_in, player_authenticated
from world.api.play import ERRORS
from world.schemas.games import AttackIn, AttackOut, FleeOut, HelpOut, RollIn, RollOut
from world.services import combat, dice

router = Router(tags=["games"], auth=player_authenticated)


@router.post("/attack", response={200: AttackOut, **ERRORS}, summary="Attack someone in the room")
def attack(request: HttpRequest, world: Path[str], payload: AttackIn) -> dict[str, Any]:
    """Damage = max(1, strength // 2 + wielded weapon − target's best carried armour). NPCs may yield; at 0 hp
    an NPC is slain (its belongings drop), a player respawns at their bed or the start room. Refused (4xx) in a
    `safe` room, at yourself, while dead or yielded, and at the dead or yielded."""
    result = combat.combat_attack(character=me_in(request, world), target_name=payload.target)
    target = result.target
    return {
        "message": result.message,
        "damage": result.damage,
        "killed": result.killed,
        "yielded": result.yielded,
        "dropped": result.dropped,
        "respawned_in": selectors.room_brief(result.respawned_in) if result.respawned_in else None,
        "target": {
            "name": target.name,
            "is_npc": target.is_npc,
            "hp": target.hp,
            "max_hp": target.max_hp,
            "is_dead": target.is_dead,
            "yielded": combat.is_yielded(target),
        },
    }


@router.post("/flee", response={200: FleeOut, **ERRORS}, summary="Flee through a random exit")
def flee(request: HttpRequest, world: Path[str]) -> dict[str, Any]:
    """A random exit of the room that you may pass (locked ones that refuse you are never chosen; 409 if none)."""
    character = me_in(request, world)
    result = combat.combat_flee(character=character)
    return {
        "message": result.message,
        "fled_through": selectors.exit_brief(result.exit),
        "room": selectors.room_brief(result.exit.destination),
    }


@router.post("/roll", response={200: RollOut, **ERRORS}, summary="Roll dice")
def roll(request: HttpRequest, world: Path[str], payload: RollIn) -> dict[str, Any]:
    """NdM, d%, NdF, constants, + and -; modifiers khN klN dhN dlN, adv/dis, ! or !T (explode only when
    written), rN (reroll once). Limits: 100 dice a group, 200 a roll, 1000 sides, 10 explosions a die (422)."""
    result = dice.dice_roll(character=me_in(request, world), expression=payload.expression, private=payload.private)
    return result.__dict__


def _role(path: str, summary: str) -> str:
    if "/build" in path:
        return "builder"
    if path.startswith("/api/saves") or "(staff)" in summary:
        return "staff"
    if "/play" in path:
        return "player"
    return "anyone"


@cache
def help_lines() -> list[dict[str, str]]:
    """Every operation of the API, from its own OpenAPI metadata (so help cannot go stale)."""
    from mudsite.api import api

    lines = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            summary = operation.get("summary", "")
            lines.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": summary,
                    "description": operation.get("description", ""),
                    "role": _role(path, summary),
                }
            )
    return lines


@router.get("/help", response={200: HelpOut, **ERRORS}, summary="What you may do here")
def help_(request: HttpRequest, world: Path[str]) -> dict[str, Any]:
    """The operations open to you in this world (player; builder and staff ones if you are one). Join first."""
    character = me_in(request, world)
    world_row = character.world
    user = request.auth  # type: ignore[attr-defined]
    roles = ["anyone", "player"]
    if selectors.user_can_build(user=user, world=world_row):
        roles.append("builder")
    if user.is_staff:
        roles.append("staff")
    operations = [line for line in help_lines() if line["role"] in roles]
    text = "\n".join(f"{o['method']} {o['path']} — {o['summary']}" for o in operations)
    return {"roles": roles, "operations": operations, "message": text}
