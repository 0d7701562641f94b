"""Player characters: join a world, rename, describe."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from persistence import facade
from world.exceptions import Conflict
from world.models import Character, EventKind, World
from world.services.events import EventBatch, players_in_rooms
from world.validation import CHARACTER_DESCRIPTION_MAX, character_name_check_free, character_name_clean, text_clean


def character_clean_description(description: str) -> str:
    return text_clean(description, field="description", max_length=CHARACTER_DESCRIPTION_MAX)


def _name_conflict(name: str) -> Conflict:
    return Conflict(f"The name '{name}' is already taken in this world.", code="name_taken", details={"name": name})


@transaction.atomic
def character_join(*, user: AbstractBaseUser, world: World, name: str, description: str = "") -> Character:
    """The caller's character in `world`, placed in the start room. One per account per world."""
    name = character_name_clean(name)
    description = character_clean_description(description) or Character._meta.get_field("description").default
    if Character.objects.filter(world=world, account_id=user.pk).exists():
        raise Conflict("You already have a character in this world.", code="already_joined")
    if world.start_room_id is None:
        raise Conflict("This world has no start room yet; it is not open for play.", code="world_not_ready")
    character_name_check_free(world_id=world.pk, name=name)
    try:
        with transaction.atomic():
            character = Character.objects.create(
                world=world, account_id=user.pk, name=name, description=description, room_id=world.start_room_id
            )
    except IntegrityError as exc:  # a concurrent join took the name or the account's slot
        raise Conflict("That name or account is already in play in this world.", code="conflict") from exc
    watchers = players_in_rooms(room_ids=[world.start_room_id]).get(world.start_room_id, [])
    events = EventBatch(world_id=world.pk)
    events.add(
        recipients=watchers,
        kind=EventKind.ARRIVE,
        actor=name,
        text=f"{name} arrives.",
        actor_id=character.pk,
        actor_text=f"You arrive. Welcome to {world.name}, {name}.",
    )
    events.write()
    facade.save_world(world)
    return character


@transaction.atomic
def character_update(*, character: Character, name: str | None = None, description: str | None = None) -> Character:
    """Rename (unique in the world, case-insensitively, NPCs included) and/or describe (≤300 characters)."""
    fields: list[str] = []
    old_name = character.name
    if name is not None:
        name = character_name_clean(name)
        if name != character.name:
            character_name_check_free(world_id=character.world_id, name=name, exclude_id=character.pk)
            character.name = name
            fields.append("name")
    if description is not None:
        character.description = character_clean_description(description)
        fields.append("description")
    if not fields:
        return character
    try:
        with transaction.atomic():
            character.save(update_fields=fields)
    except IntegrityError as exc:
        raise _name_conflict(character.name) from exc
    if "name" in fields and character.room_id:
        events = EventBatch(world_id=character.world_id)
        events.add(
            recipients=players_in_rooms(room_ids=[character.room_id]).get(character.room_id, []),
            kind=EventKind.RENAME,
            actor=character.name,
            text=f"{old_name} is now known as {character.name}.",
            data={"old_name": old_name},
            actor_id=character.pk,
            actor_text=f"You are now known as {character.name}.",
        )
        events.write()
    facade.save_world(character.world)
    return character
