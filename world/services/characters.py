"""Player characters: join a world, rename, describe."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from persistence import facade
from world.exceptions import Conflict, Invalid
from world.models import Character, EventKind, World
from world.services.events import EventBatch, players_in_rooms

NAME_MIN, NAME_MAX = 2, 32
DESCRIPTION_MAX = 300


def character_clean_name(name: str) -> str:
    """TinyMUD's 2-32 characters, plus: no control characters, no surrounding blanks."""
    name = " ".join(name.split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise Invalid(f"Name must be between {NAME_MIN} and {NAME_MAX} characters.", details={"field": "name"})
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise Invalid("Names cannot contain control characters.", details={"field": "name"})
    return name


def character_clean_description(description: str) -> str:
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(f"Description too long (max {DESCRIPTION_MAX} characters).", details={"field": "description"})
    return description


def _name_taken(*, world_id: int, name: str, exclude_id: int | None = None) -> bool:
    taken = Character.objects.filter(world_id=world_id, name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return taken.exists()


def _name_conflict(name: str) -> Conflict:
    return Conflict(f"The name '{name}' is already taken in this world.", code="name_taken", details={"name": name})


@transaction.atomic
def character_join(*, user: AbstractBaseUser, world: World, name: str, description: str = "") -> Character:
    """The caller's character in `world`, placed in the start room. One per account per world."""
    name = character_clean_name(name)
    description = character_clean_description(description) or Character._meta.get_field("description").default
    if Character.objects.filter(world=world, account_id=user.pk).exists():
        raise Conflict("You already have a character in this world.", code="already_joined")
    if world.start_room_id is None:
        raise Conflict("This world has no start room yet; it is not open for play.", code="world_not_ready")
    if _name_taken(world_id=world.pk, name=name):
        raise _name_conflict(name)
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
        name = character_clean_name(name)
        if name != character.name:
            if _name_taken(world_id=character.world_id, name=name, exclude_id=character.pk):
                raise _name_conflict(name)
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
