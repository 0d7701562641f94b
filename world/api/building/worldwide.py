"""World-wide build operations: setup, settings, time descriptions, builders, teleport/bring/kick, purge."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from world.api.building.common import ERRORS, builder_world, character_view, room_named, world_view
from world.api.contract import WorldSlug
from world.exceptions import Invalid
from world.schemas.building import (
    BringIn,
    BuilderIn,
    BuildersOut,
    CharacterMessageOut,
    KickIn,
    KickOut,
    PurgeIn,
    PurgeOut,
    SettingsIn,
    SetupIn,
    TeleportIn,
    TimeDescriptionIn,
    WorldMessageOut,
    WorldOut,
)
from world.selectors import character_resolve, world_builder_names
from world.services import setup as setup_services
from world.services import worlds as world_services

router = Router(tags=["build: world"])


@router.post("/setup", response={200: WorldMessageOut, **ERRORS}, summary="Run the setup wizard in one call")
def setup(request: HttpRequest, world_slug: WorldSlug, payload: SetupIn) -> dict[str, Any]:
    """TinyMUD's setup wizard: name, description, conflict, safety level, advanced GOAP, start room and an
    optional first NPC (manual), or a start room and NPC generated from the world's name (quick).
    A world that is already set up answers 409 until it is purged."""
    world = builder_world(request, world_slug)
    result = setup_services.world_setup(
        world=world,
        actor=request.user,
        name=payload.name,
        description=payload.description,
        conflict=payload.conflict,
        safety_level=payload.safety_level,
        advanced_goap=payload.advanced_goap,
        mode=payload.mode,
        start_room=setup_services.RoomSpec(**payload.start_room.dict()) if payload.start_room else None,
        npc=setup_services.NpcSpec(**payload.npc.dict()) if payload.npc else None,
    )
    npc = f" {result.npc.name} waits there." if result.npc else ""
    return {
        "message": f"Setup complete: {result.world.name} begins in '{result.start_room.key}'.{npc}",
        "world": world_view(result.world),
    }


@router.get("/settings", response={200: WorldOut, **ERRORS}, summary="World settings")
def settings_get(request: HttpRequest, world_slug: WorldSlug) -> dict[str, Any]:
    return world_view(builder_world(request, world_slug))


@router.patch("/settings", response={200: WorldMessageOut, **ERRORS}, summary="Change world settings")
def settings_update(request: HttpRequest, world_slug: WorldSlug, payload: SettingsIn) -> dict[str, Any]:
    """TinyMUD's /safety (with its aliases) and /world set (unreachable there)."""
    world = world_services.world_update_settings(
        world=builder_world(request, world_slug), **payload.dict(exclude_unset=True)
    )
    return {
        "message": f"Settings of {world.name} saved. Safety level: {world.safety_level}.",
        "world": world_view(world),
    }


@router.put("/timedesc/{hour}", response={200: WorldMessageOut, **ERRORS}, summary="Set an hour's description")
def timedesc_set(request: HttpRequest, world_slug: WorldSlug, hour: int, payload: TimeDescriptionIn) -> dict[str, Any]:
    """TinyMUD's /settimedesc: the text shown at that hour (0-23) in external rooms."""
    world = world_services.world_set_time_description(
        world=builder_world(request, world_slug), hour=hour, text=payload.text
    )
    return {"message": f"Time description for hour {hour} set.", "world": world_view(world)}


@router.delete("/timedesc/{hour}", response={200: WorldMessageOut, **ERRORS}, summary="Clear an hour's description")
def timedesc_clear(request: HttpRequest, world_slug: WorldSlug, hour: int) -> dict[str, Any]:
    world = world_services.world_set_time_description(world=builder_world(request, world_slug), hour=hour, text="")
    return {"message": f"Time description for hour {hour} cleared.", "world": world_view(world)}


@router.get("/builders", response={200: BuildersOut, **ERRORS}, summary="List the world's builders")
def builders_list(request: HttpRequest, world_slug: WorldSlug) -> dict[str, Any]:
    world = builder_world(request, world_slug)
    names = world_builder_names(world=world)
    return {"message": f"Builders: {', '.join(names)}." if names else "No builders.", "builders": names}


@router.post("/builders", response={200: BuildersOut, **ERRORS}, summary="Promote a user to builder")
def builders_promote(request: HttpRequest, world_slug: WorldSlug, payload: BuilderIn) -> dict[str, Any]:
    """TinyMUD's /auth promote, scoped to one world."""
    world = builder_world(request, world_slug)
    user = world_services.builder_promote(world=world, username=payload.username)
    return {
        "message": f"'{user.username}' is now a builder of {world.slug}.",
        "builders": world_builder_names(world=world),
    }


@router.delete("/builders/{username}", response={200: BuildersOut, **ERRORS}, summary="Demote a builder")
def builders_demote(request: HttpRequest, world_slug: WorldSlug, username: str) -> dict[str, Any]:
    """TinyMUD's /auth demote: the last builder cannot be demoted."""
    world = builder_world(request, world_slug)
    user = world_services.builder_demote(world=world, username=username)
    return {
        "message": f"'{user.username}' is no longer a builder of {world.slug}.",
        "builders": world_builder_names(world=world),
    }


@router.post("/teleport", response={200: CharacterMessageOut, **ERRORS}, summary="Teleport a character")
def teleport(request: HttpRequest, world_slug: WorldSlug, payload: TeleportIn) -> dict[str, Any]:
    """TinyMUD's /teleport: a named character (or your own) to a room."""
    world = builder_world(request, world_slug)
    room = room_named(request, world, payload.room)
    character = (
        character_resolve(world=world, query=payload.character)
        if payload.character
        else world_services.actor_character(world=world, user=request.user)
    )
    if character is None:
        raise Invalid("You have no character in this world; name the character to teleport.")
    world_services.character_teleport(world=world, character=character, room=room)
    return {
        "message": f"Teleport complete: {character.name} is in '{room.key}'.",
        "character": character_view(character),
    }


@router.post("/bring", response={200: CharacterMessageOut, **ERRORS}, summary="Bring a character to you")
def bring(request: HttpRequest, world_slug: WorldSlug, payload: BringIn) -> dict[str, Any]:
    world = builder_world(request, world_slug)
    character = world_services.character_bring(world=world, actor=request.user, name=payload.character)
    return {"message": f"Bring complete: {character.name} is with you.", "character": character_view(character)}


@router.post("/kick", response={200: KickOut, **ERRORS}, summary="Kick a player")
def kick(request: HttpRequest, world_slug: WorldSlug, payload: KickIn) -> dict[str, Any]:
    """TinyMUD's /kick, for this world only: the player's current logins stop acting here (401 `kicked`) until
    they log in again; their other worlds are untouched."""
    world = builder_world(request, world_slug)
    result = world_services.player_kick(world=world, actor=request.user, name=payload.player)
    return {
        "message": f"Kicked '{result.character.name}'.",
        "player": result.character.name,
        "tokens_revoked": result.tokens_revoked,
        "sessions_ended": result.sessions_ended,
    }


@router.post("/purge", response={200: PurgeOut, **ERRORS}, summary="Purge the world")
def purge(request: HttpRequest, world_slug: WorldSlug, payload: PurgeIn) -> dict[str, Any]:
    """Reset the world to factory defaults in one transaction (rooms, characters, items, templates, factions,
    relationships all go; the world, its slug and builders stay) and save it at once. `confirm` must equal
    the world's slug."""
    result = world_services.world_purge(world=builder_world(request, world_slug), confirm=payload.confirm)
    return {
        "message": "World purged and reset to factory default.",
        "world": world_view(result.world),
        "removed": result.removed,
    }
