"""NPCs and relationships (TinyMUD's /npc ...)."""
# No `from __future__ import annotations`: ninja's @paginate re-reads these annotations at runtime.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from world.api.building.common import ERRORS, builder_world, character_view, room_named
from world.api.contract import WorldSlug
from world.api.pagination import Page
from world.models import Character, World
from world.schemas.building import (
    CharacterMessageOut,
    CharacterOut,
    CharacterSummaryOut,
    FamilyIn,
    NpcDeletedOut,
    NpcIn,
    NpcPatchIn,
    RelationshipIn,
    RelationshipMessageOut,
    RelationshipPairIn,
)
from world.selectors import character_list, character_resolve, npc_get_exact, relationships_between
from world.services import npcs as npc_services

router = Router(tags=["build: NPCs and relationships"])


def _npc(world: World, name: str, *, exact: bool = False) -> Character:
    if exact:
        return npc_get_exact(world=world, name=name)
    return character_resolve(world=world, query=name, npc=True)


@router.get("/npcs", response={200: list[CharacterSummaryOut], **ERRORS}, summary="List NPCs")
@paginate(Page)
def npcs_list(request: HttpRequest, world_slug: WorldSlug, search: str = "") -> QuerySet[Character]:
    return character_list(world=builder_world(request, world_slug), search=search, npc=True)


@router.post("/npcs", response={201: CharacterMessageOut, **ERRORS}, summary="Add an NPC")
def npcs_create(request: HttpRequest, world_slug: WorldSlug, payload: NpcIn) -> Status[dict[str, Any]]:
    """TinyMUD's /npc add. Names are unique per world (TinyMUD let one NPC stand in several rooms)."""
    world = builder_world(request, world_slug)
    room = room_named(request, world, payload.room) if payload.room else None
    npc = npc_services.npc_create(world=world, room=room, name=payload.name, description=payload.description)
    where = f" in '{room.key}'" if room else ""
    return Status(201, {"message": f"NPC '{npc.name}' added{where}.", "character": character_view(npc)})


@router.get("/npcs/{name}", response={200: CharacterOut, **ERRORS}, summary="Read an NPC's sheet")
def npcs_read(request: HttpRequest, world_slug: WorldSlug, name: str) -> dict[str, Any]:
    return character_view(_npc(builder_world(request, world_slug), name))


@router.patch("/npcs/{name}", response={200: CharacterMessageOut, **ERRORS}, summary="Edit an NPC")
def npcs_update(request: HttpRequest, world_slug: WorldSlug, name: str, payload: NpcPatchIn) -> dict[str, Any]:
    """Rename, describe, move (or take out of its room), and set attributes, aspects and matrix values —
    all range-checked, all or nothing."""
    world = builder_world(request, world_slug)
    npc = _npc(world, name)
    room = room_named(request, world, payload.room) if payload.room else None
    npc = npc_services.npc_edit(
        npc=npc,
        name=payload.name,
        description=payload.description,
        room=room,
        remove_from_room=payload.remove_from_room,
        attributes=payload.attributes,
        aspects=payload.aspects,
        matrix=payload.matrix,
    )
    return {"message": f"NPC '{npc.name}' updated.", "character": character_view(npc)}


@router.delete("/npcs/{name}", response={200: NpcDeletedOut, **ERRORS}, summary="Delete an NPC")
def npcs_delete(request: HttpRequest, world_slug: WorldSlug, name: str) -> dict[str, Any]:
    """Exact name (case-insensitive). Relationships and memberships go; owned things become unowned; carried
    things fall to the floor; lock policies forget it."""
    result = npc_services.npc_delete(npc=_npc(builder_world(request, world_slug), name, exact=True))
    return {"message": f"NPC '{result.name}' deleted.", **result.__dict__}


@router.post("/relationships", response={200: RelationshipMessageOut, **ERRORS}, summary="Set a relationship")
def relationships_set(request: HttpRequest, world_slug: WorldSlug, payload: RelationshipIn) -> dict[str, Any]:
    """TinyMUD's setrelation: `source` is `type` to `target` (both ways when `mutual`). Players or NPCs."""
    world = builder_world(request, world_slug)
    source = character_resolve(world=world, query=payload.source)
    other = character_resolve(world=world, query=payload.target)
    npc_services.relationship_set(world=world, source=source, target=other, label=payload.type, mutual=payload.mutual)
    both = " (mutual)" if payload.mutual else ""
    return {
        "message": f"{source.name} is now {payload.type.strip()} to {other.name}{both}.",
        "relationships": relationships_between(characters=[source, other]),
    }


@router.post("/relationships/remove", response={200: RelationshipMessageOut, **ERRORS}, summary="Remove relationships")
def relationships_remove(request: HttpRequest, world_slug: WorldSlug, payload: RelationshipPairIn) -> dict[str, Any]:
    """TinyMUD's removerelations: both directions between `a` and `b`."""
    world = builder_world(request, world_slug)
    a = character_resolve(world=world, query=payload.a)
    b = character_resolve(world=world, query=payload.b)
    removed = npc_services.relationship_remove(source=a, target=b)
    return {"message": f"Removed {removed} relationship(s) between {a.name} and {b.name}.", "relationships": []}


@router.post("/familygen", response={201: CharacterMessageOut, **ERRORS}, summary="Generate a relative (offline)")
def familygen(request: HttpRequest, world_slug: WorldSlug, payload: FamilyIn) -> Status[dict[str, Any]]:
    """TinyMUD's offline familygen: an NPC named `<Target>'s <Relationship>` with a mutual relationship."""
    world = builder_world(request, world_slug)
    room = room_named(request, world, payload.room)
    relative_of = character_resolve(world=world, query=payload.target)
    npc = npc_services.npc_family_generate(
        world=world, room=room, target=relative_of, relationship=payload.relationship
    )
    return Status(
        201, {"message": f"Generated related NPC: {npc.name} in '{room.key}'.", "character": character_view(npc)}
    )
