"""Factions: CRUD, members, ranks, promote/demote, roles, allies and rivals, and the offline generator."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from world.api.building.common import ERRORS, builder_world
from world.api.contract import WorldSlug
from world.models import Character, Faction, FactionStance, World
from world.schemas.building import (
    FactionIn,
    FactionLinkIn,
    FactionMessageOut,
    FactionOut,
    FactionPatchIn,
    FactionSummaryOut,
    GeneratedFactionOut,
    MemberIn,
    MemberPatchIn,
    MessageOut,
    RankChangeIn,
    RankIn,
    RankPatchIn,
    RoleIn,
    RolePatchIn,
    faction_out,
)
from world.selectors import character_resolve, faction_detail, faction_list, faction_resolve
from world.services import factions as faction_services

router = Router(tags=["build: factions"])


def _out(faction: Faction) -> dict[str, Any]:
    return faction_out(faction_detail(faction=faction), faction_services.faction_links(faction=faction))


def _answer(message: str, faction: Faction) -> dict[str, Any]:
    return {"message": message, "faction": _out(faction)}


def _faction(request: HttpRequest, world_slug: str, name: str) -> Faction:
    return faction_resolve(world=builder_world(request, world_slug), query=name)


def _actor(world: World, as_member: str | None) -> Character | None:
    return character_resolve(world=world, query=as_member) if as_member else None


@router.post("/factiongen", response={201: GeneratedFactionOut, **ERRORS}, summary="Generate a faction (offline)")
def factiongen(request: HttpRequest, world_slug: WorldSlug) -> Status[dict[str, Any]]:
    """TinyMUD's offline factiongen, in one transaction: the Iron Vanguard with hall, bunks and kitchen
    linked by doors, ranks Recruit 1 / Soldier 2 / Captain 5 / Commander 10, three ranked NPCs with owned
    beds, a Food Crate and a Water Cask, and a path from the best tavern/inn/square… room to its hall."""
    result = faction_services.faction_generate(world=builder_world(request, world_slug))
    anchor = f" Reached from '{result.anchor.key}'." if result.anchor else " No anchor room to link it to."
    return Status(
        201,
        {
            "message": f"Generated faction {result.faction.name}.{anchor}",
            "faction": _out(result.faction),
            "rooms": [r.key for r in result.rooms],
            "npcs": [n.name for n in result.npcs],
            "items": [i.name for i in result.items],
            "anchor": result.anchor.key if result.anchor else None,
        },
    )


@router.get("/factions", response={200: list[FactionSummaryOut], **ERRORS}, summary="List factions")
def factions_list(request: HttpRequest, world_slug: WorldSlug) -> list[Faction]:
    return list(faction_list(world=builder_world(request, world_slug)))


@router.post("/factions", response={201: FactionMessageOut, **ERRORS}, summary="Create a faction")
def factions_create(request: HttpRequest, world_slug: WorldSlug, payload: FactionIn) -> Status[dict[str, Any]]:
    faction = faction_services.faction_create(world=builder_world(request, world_slug), **payload.dict())
    return Status(201, _answer(f"Faction '{faction.name}' created.", faction))


@router.get("/factions/{name}", response={200: FactionOut, **ERRORS}, summary="Read a faction")
def factions_read(request: HttpRequest, world_slug: WorldSlug, name: str) -> dict[str, Any]:
    return _out(faction_resolve(world=builder_world(request, world_slug), query=name))


@router.patch("/factions/{name}", response={200: FactionMessageOut, **ERRORS}, summary="Update a faction")
def factions_update(request: HttpRequest, world_slug: WorldSlug, name: str, payload: FactionPatchIn) -> dict[str, Any]:
    world = builder_world(request, world_slug)
    faction = faction_resolve(world=world, query=name)
    data = payload.dict(exclude_unset=True)
    leader_name = data.pop("leader", None)
    leader = character_resolve(world=world, query=leader_name) if leader_name else None
    faction = faction_services.faction_update(faction=faction, leader=leader, clear_leader=leader_name == "", **data)
    return _answer(f"Faction '{faction.name}' updated.", faction)


@router.delete("/factions/{name}", response={200: MessageOut, **ERRORS}, summary="Delete a faction")
def factions_delete(request: HttpRequest, world_slug: WorldSlug, name: str) -> dict[str, Any]:
    """Members, ranks, roles and ally/rival links go with it; rooms and items it owned become unowned."""
    faction = _faction(request, world_slug, name)
    faction_name = faction.name
    faction_services.faction_delete(faction=faction)
    return {"message": f"Faction '{faction_name}' deleted."}


@router.post("/factions/{name}/members", response={201: FactionMessageOut, **ERRORS}, summary="Add a member")
def members_add(request: HttpRequest, world_slug: WorldSlug, name: str, payload: MemberIn) -> Status[dict[str, Any]]:
    """TinyMUD's addmember / induct. With `as_member`, that member must be the leader or hold a rank of
    level >= the faction's leadership_threshold (and may only induct below their own rank)."""
    world = builder_world(request, world_slug)
    faction = faction_resolve(world=world, query=name)
    character = character_resolve(world=world, query=payload.character)
    membership = faction_services.member_add(
        faction=faction,
        character=character,
        rank=faction_services.rank_get(faction=faction, name=payload.rank) if payload.rank else None,
        role=faction_services.role_get(faction=faction, key=payload.role) if payload.role else None,
        actor=_actor(world, payload.as_member),
    )
    return Status(201, _answer(f"{membership.character.name} joins {faction.name}.", faction))


@router.patch(
    "/factions/{name}/members/{member}", response={200: FactionMessageOut, **ERRORS}, summary="Set rank or role"
)
def members_update(
    request: HttpRequest, world_slug: WorldSlug, name: str, member: str, payload: MemberPatchIn
) -> dict[str, Any]:
    """Builder authority: TinyMUD's setrank, assignrole and revokerole (empty string clears)."""
    world = builder_world(request, world_slug)
    faction = faction_resolve(world=world, query=name)
    character = character_resolve(world=world, query=member)
    data = payload.dict(exclude_unset=True)
    rank_name, role_key = data.get("rank"), data.get("role")
    faction_services.member_update(
        faction=faction,
        character=character,
        rank=faction_services.rank_get(faction=faction, name=rank_name) if rank_name else None,
        role=faction_services.role_get(faction=faction, key=role_key) if role_key else None,
        clear_rank=rank_name == "",
        clear_role=role_key == "",
    )
    return _answer(f"{character.name}'s membership of {faction.name} updated.", faction)


@router.delete(
    "/factions/{name}/members/{member}", response={200: FactionMessageOut, **ERRORS}, summary="Remove a member"
)
def members_remove(request: HttpRequest, world_slug: WorldSlug, name: str, member: str) -> dict[str, Any]:
    world = builder_world(request, world_slug)
    faction = faction_resolve(world=world, query=name)
    character = character_resolve(world=world, query=member)
    faction_services.member_remove(faction=faction, character=character)
    return _answer(f"{character.name} leaves {faction.name}.", faction)


@router.post(
    "/factions/{name}/members/{member}/promote", response={200: FactionMessageOut, **ERRORS}, summary="Promote"
)
def members_promote(
    request: HttpRequest, world_slug: WorldSlug, name: str, member: str, payload: RankChangeIn
) -> dict[str, Any]:
    """With `as_member`: actor level > target level and actor level > new level > target level."""
    world = builder_world(request, world_slug)
    faction = faction_resolve(world=world, query=name)
    character = character_resolve(world=world, query=member)
    membership = faction_services.member_promote(
        faction=faction,
        character=character,
        rank=faction_services.rank_get(faction=faction, name=payload.rank),
        actor=_actor(world, payload.as_member),
    )
    return _answer(f"{character.name} is promoted to {membership.rank.name if membership.rank else ''}.", faction)


@router.post("/factions/{name}/members/{member}/demote", response={200: FactionMessageOut, **ERRORS}, summary="Demote")
def members_demote(
    request: HttpRequest, world_slug: WorldSlug, name: str, member: str, payload: RankChangeIn
) -> dict[str, Any]:
    """With `as_member`: actor level >= target level, and the new level is below the current one."""
    world = builder_world(request, world_slug)
    faction = faction_resolve(world=world, query=name)
    character = character_resolve(world=world, query=member)
    membership = faction_services.member_demote(
        faction=faction,
        character=character,
        rank=faction_services.rank_get(faction=faction, name=payload.rank),
        actor=_actor(world, payload.as_member),
    )
    return _answer(f"{character.name} is demoted to {membership.rank.name if membership.rank else ''}.", faction)


@router.post("/factions/{name}/ranks", response={201: FactionMessageOut, **ERRORS}, summary="Add a rank")
def ranks_create(request: HttpRequest, world_slug: WorldSlug, name: str, payload: RankIn) -> Status[dict[str, Any]]:
    faction = _faction(request, world_slug, name)
    rank = faction_services.rank_create(faction=faction, name=payload.name, level=payload.level)
    return Status(201, _answer(f"Rank '{rank.name}' ({rank.level}) added to {faction.name}.", faction))


@router.patch("/factions/{name}/ranks/{rank}", response={200: FactionMessageOut, **ERRORS}, summary="Edit a rank")
def ranks_update(
    request: HttpRequest, world_slug: WorldSlug, name: str, rank: str, payload: RankPatchIn
) -> dict[str, Any]:
    faction = _faction(request, world_slug, name)
    found = faction_services.rank_update(
        rank=faction_services.rank_get(faction=faction, name=rank), **payload.dict(exclude_unset=True)
    )
    return _answer(f"Rank '{found.name}' ({found.level}) updated.", faction)


@router.delete("/factions/{name}/ranks/{rank}", response={200: FactionMessageOut, **ERRORS}, summary="Remove a rank")
def ranks_delete(request: HttpRequest, world_slug: WorldSlug, name: str, rank: str) -> dict[str, Any]:
    """Members holding it become unranked."""
    faction = _faction(request, world_slug, name)
    found = faction_services.rank_get(faction=faction, name=rank)
    rank_name = found.name
    holders = faction_services.rank_delete(rank=found)
    return _answer(f"Rank '{rank_name}' removed ({holders} member(s) unranked).", faction)


@router.post("/factions/{name}/roles", response={201: FactionMessageOut, **ERRORS}, summary="Add a role")
def roles_create(request: HttpRequest, world_slug: WorldSlug, name: str, payload: RoleIn) -> Status[dict[str, Any]]:
    """contract_config is validated: resource_contribution {resource_tag, amount>0, reward_rep,
    reward_currency>=0}; patrol {rooms: existing room keys, reward_rep, reward_currency>=0}."""
    faction = _faction(request, world_slug, name)
    role = faction_services.role_create(faction=faction, **payload.dict())
    return Status(201, _answer(f"Role '{role.key}' added to {faction.name}.", faction))


@router.patch("/factions/{name}/roles/{key}", response={200: FactionMessageOut, **ERRORS}, summary="Edit a role")
def roles_update(
    request: HttpRequest, world_slug: WorldSlug, name: str, key: str, payload: RolePatchIn
) -> dict[str, Any]:
    faction = _faction(request, world_slug, name)
    role = faction_services.role_update(
        role=faction_services.role_get(faction=faction, key=key), **payload.dict(exclude_unset=True)
    )
    return _answer(f"Role '{role.key}' updated.", faction)


@router.delete("/factions/{name}/roles/{key}", response={200: FactionMessageOut, **ERRORS}, summary="Remove a role")
def roles_delete(request: HttpRequest, world_slug: WorldSlug, name: str, key: str) -> dict[str, Any]:
    faction = _faction(request, world_slug, name)
    role = faction_services.role_get(faction=faction, key=key)
    role_key = role.key
    holders = faction_services.role_delete(role=role)
    return _answer(f"Role '{role_key}' removed ({holders} member(s) lose it).", faction)


def _link(request: HttpRequest, world_slug: str, name: str, other: str, stance: str, *, remove: bool) -> dict[str, Any]:
    world = builder_world(request, world_slug)
    faction = faction_resolve(world=world, query=name)
    other_faction = faction_resolve(world=world, query=other)
    if remove:
        faction_services.faction_link_remove(faction=faction, other=other_faction, stance=stance)
        return _answer(f"{faction.name} and {other_faction.name} are no longer {stance}s.", faction)
    faction_services.faction_link_set(faction=faction, other=other_faction, stance=stance)
    return _answer(f"{faction.name} and {other_faction.name} are now {stance}s.", faction)


@router.post("/factions/{name}/allies", response={200: FactionMessageOut, **ERRORS}, summary="Add an ally")
def allies_add(request: HttpRequest, world_slug: WorldSlug, name: str, payload: FactionLinkIn) -> dict[str, Any]:
    """Symmetric; never with itself; never ally and rival at once (409)."""
    return _link(request, world_slug, name, payload.faction, FactionStance.ALLY, remove=False)


@router.delete("/factions/{name}/allies/{other}", response={200: FactionMessageOut, **ERRORS}, summary="Remove an ally")
def allies_remove(request: HttpRequest, world_slug: WorldSlug, name: str, other: str) -> dict[str, Any]:
    return _link(request, world_slug, name, other, FactionStance.ALLY, remove=True)


@router.post("/factions/{name}/rivals", response={200: FactionMessageOut, **ERRORS}, summary="Add a rival")
def rivals_add(request: HttpRequest, world_slug: WorldSlug, name: str, payload: FactionLinkIn) -> dict[str, Any]:
    """Symmetric; never with itself; never ally and rival at once (409)."""
    return _link(request, world_slug, name, payload.faction, FactionStance.RIVAL, remove=False)


@router.delete("/factions/{name}/rivals/{other}", response={200: FactionMessageOut, **ERRORS}, summary="Remove a rival")
def rivals_remove(request: HttpRequest, world_slug: WorldSlug, name: str, other: str) -> dict[str, Any]:
    return _link(request, world_slug, name, other, FactionStance.RIVAL, remove=True)
