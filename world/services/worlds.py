"""World-level writes: create, settings, builders, teleport/bring/kick and purge (TinyMUD §3.9 core admin)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from persistence import facade
from world.exceptions import Conflict, Forbidden, Invalid, NotFound
from world.models import (
    WORLD_STATE_FIELDS,
    Character,
    DailyDuty,
    Exit,
    Faction,
    FactionLink,
    Item,
    ItemTemplate,
    Mission,
    Relationship,
    Room,
    SafetyLevel,
    World,
    WorldClock,
    WorldKick,
)
from world.selectors import character_resolve
from world.services.conflicts import conflict_on_integrity_error
from world.services.events import relocation_announce

TIME_DESCRIPTION_MAX = 500
SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,64}$")

# TinyMUD's setup wizard and /safety accept these spellings (case-insensitive).
SAFETY_ALIASES: dict[str, str] = {
    "G": SafetyLevel.G,
    "HIGH": SafetyLevel.G,
    "ALL-AGES": SafetyLevel.G,
    "PG-13": SafetyLevel.PG13,
    "PG13": SafetyLevel.PG13,
    "PG_13": SafetyLevel.PG13,
    "PG": SafetyLevel.PG13,
    "MEDIUM": SafetyLevel.PG13,
    "R": SafetyLevel.R,
    "LOW": SafetyLevel.R,
    "OFF": SafetyLevel.OFF,
    "NONE": SafetyLevel.OFF,
    "NO FILTERS": SafetyLevel.OFF,
    "SAFETY FILTERS OFF": SafetyLevel.OFF,
    "DISABLE": SafetyLevel.OFF,
    "DISABLED": SafetyLevel.OFF,
}
GOAP_ON = {"yes", "y", "enable", "enabled", "true", "on", "1"}
GOAP_OFF = {"no", "n", "disable", "disabled", "false", "off", "skip", "", "0"}


def safety_level_parse(value: str) -> str:
    level = SAFETY_ALIASES.get(" ".join(value.split()).upper())
    if level is None:
        raise Invalid(
            "Invalid safety level. Use one of: G, PG-13, R, OFF.",
            details={"safety_level": value, "choices": list(SafetyLevel.values)},
        )
    return str(level)


def goap_flag_parse(value: bool | str) -> bool:
    if isinstance(value, bool):
        return value
    folded = value.strip().lower()
    if folded in GOAP_ON:
        return True
    if folded in GOAP_OFF:
        return False
    raise Invalid("Answer yes or no for advanced GOAP.", details={"advanced_goap": value})


@transaction.atomic
def world_create(*, slug: str, name: str, creator: Any) -> World:
    """Staff create worlds; the creator becomes the world's first builder."""
    if not getattr(creator, "is_staff", False):
        raise Forbidden("Only staff may create worlds.")
    slug = slug.strip()
    name = name.strip()
    if not SLUG_PATTERN.match(slug):
        raise Invalid("A world slug is 1-64 lowercase letters, digits and hyphens.", details={"slug": slug})
    if not 2 <= len(name) <= 64:
        raise Invalid("A world name is 2-64 characters.", details={"name": name})
    if World.objects.filter(slug=slug).exists():
        raise Conflict(f"World '{slug}' already exists.", details={"slug": slug})
    with conflict_on_integrity_error(f"World '{slug}' already exists.", details={"slug": slug}):
        world = World.objects.create(slug=slug, name=name)
    world.builders.add(creator)
    facade.save_world(world, debounced=False)
    return world


def goap_mode_set(*, world: World, enabled: bool) -> int:
    """TinyMUD's reset_goap_mode_safely: switching planners drops the NPCs' queued plans. Returns how many."""
    if world.advanced_goap == enabled:
        return 0
    world.advanced_goap = enabled
    cleared = 0
    for npc in Character.objects.filter(world=world, is_npc=True):
        if npc.sheet.get("plan_queue"):
            npc.sheet = {**npc.sheet, "plan_queue": []}
            npc.save(update_fields=["sheet"])
            cleared += 1
    return cleared


@transaction.atomic
def world_update_settings(
    *,
    world: World,
    name: str | None = None,
    description: str | None = None,
    conflict: str | None = None,
    safety_level: str | None = None,
    advanced_goap: bool | str | None = None,
    offer_ttl_seconds: int | None = None,
    permadeath: bool | None = None,
    combat_allowed: bool | None = None,
) -> World:
    """TinyMUD's /safety and the unreachable /world set, made reachable; and the game rules."""
    if name is not None:
        if not 2 <= len(name.strip()) <= 64:
            raise Invalid("World name must be 2-64 characters.", details={"name": name})
        world.name = name.strip()
    if description is not None:
        world.description = description.strip()
    if conflict is not None:
        world.conflict = conflict.strip()
    if safety_level is not None:
        world.safety_level = safety_level_parse(safety_level)
    if advanced_goap is not None:
        goap_mode_set(world=world, enabled=goap_flag_parse(advanced_goap))
    if offer_ttl_seconds is not None:
        if not 1 <= offer_ttl_seconds <= 86400:
            raise Invalid("Offers stand 1-86400 seconds.", details={"offer_ttl_seconds": offer_ttl_seconds})
        world.offer_ttl_seconds = offer_ttl_seconds
    if permadeath is not None:
        world.permadeath = permadeath
    if combat_allowed is not None:
        world.combat_allowed = combat_allowed
    world.save()
    return world


@transaction.atomic
def world_set_time_description(*, world: World, hour: int, text: str) -> World:
    """TinyMUD's /settimedesc; an empty text removes the override (back to the default line)."""
    if not 0 <= hour <= 23:
        raise Invalid("Hour must be an integer between 0 and 23.", details={"hour": hour})
    if len(text) > TIME_DESCRIPTION_MAX:
        raise Invalid(f"A time description is at most {TIME_DESCRIPTION_MAX} characters.", details={"hour": hour})
    descriptions = {str(k): v for k, v in world.time_descriptions.items()}
    if text.strip():
        descriptions[str(hour)] = text.strip()
    else:
        descriptions.pop(str(hour), None)
    world.time_descriptions = dict(sorted(descriptions.items(), key=lambda kv: int(kv[0])))
    world.save(update_fields=["time_descriptions", "updated_at"])
    return world


def _user_get(username: str) -> Any:
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if user is None:
        raise NotFound(f"User '{username}' not found.", details={"username": username})
    return user


@transaction.atomic
def builder_promote(*, world: World, username: str) -> Any:
    user = _user_get(username)
    if world.builders.filter(pk=user.pk).exists():
        raise Conflict(f"'{user.username}' is already a builder.", details={"username": user.username})
    world.builders.add(user)
    facade.save_world(world, debounced=False)
    return user


@transaction.atomic
def builder_demote(*, world: World, username: str) -> Any:
    # Lock the world row so two concurrent demotions cannot both see "two builders left".
    World.objects.select_for_update().filter(pk=world.pk).first()
    user = _user_get(username)
    if not world.builders.filter(pk=user.pk).exists():
        raise Conflict(f"'{user.username}' is not a builder.", details={"username": user.username})
    if world.builders.count() <= 1:
        raise Conflict("Cannot demote the last remaining builder.", details={"username": user.username})
    world.builders.remove(user)
    facade.save_world(world, debounced=False)
    return user


@transaction.atomic
def character_teleport(
    *, world: World, character: Character, room: Room, own_text: str | None = None, reason: str = "teleport"
) -> Character:
    """Move `character` to `room`; the witnesses in both rooms and the character see it happen."""
    if room.world_id != world.pk or character.world_id != world.pk:
        raise Invalid("The character and the room must belong to this world.")
    origin = character.room
    character.room = room
    character.save(update_fields=["room"])
    relocation_announce(
        characters=[character],
        origin=origin,
        destination=room,
        own_text=own_text or f"In a flash of light you are taken to {room.display_name}.",
        reason=reason,
    )
    return character


def actor_character(*, world: World, user: Any) -> Character | None:
    return Character.objects.filter(world=world, account_id=getattr(user, "pk", None)).select_related("room").first()


@transaction.atomic
def character_bring(*, world: World, actor: Any, name: str) -> Character:
    """TinyMUD's /bring: move someone to the room of the caller's own character."""
    mine = actor_character(world=world, user=actor)
    if mine is None or mine.room is None:
        raise Invalid(
            f"You have no character standing in a room of '{world.slug}' to bring anyone to; use teleport.",
            details={"world": world.slug},
        )
    character = character_resolve(world=world, query=name)
    return character_teleport(
        world=world,
        character=character,
        room=mine.room,
        own_text=f"{mine.name} brings you to {mine.room.display_name} in a flash of light.",
        reason="bring",
    )


@dataclass
class KickResult:
    character: Character
    tokens_revoked: int
    sessions_ended: int


@transaction.atomic
def player_kick(*, world: World, actor: Any, name: str) -> KickResult:
    """TinyMUD's /kick, for one world: every token and browser session the player holds stops acting in
    this world (a fresh login lets them back in); their other worlds are untouched. Nothing is revoked,
    since tokens and sessions are account-wide: `tokens_revoked` and `sessions_ended` stay 0."""
    character = character_resolve(world=world, query=name, npc=False)
    account = character.account
    if account is None:  # pragma: no cover - guarded by the npc/account constraint
        raise Invalid(f"'{character.name}' is not a player.")
    if account.pk == getattr(actor, "pk", None):
        raise Invalid("You cannot kick yourself.")
    if account.is_staff and not getattr(actor, "is_staff", False):
        raise Forbidden("Only staff may kick staff.")
    WorldKick.objects.update_or_create(world=world, user=account, defaults={"kicked_at": timezone.now()})
    return KickResult(character=character, tokens_revoked=0, sessions_ended=0)


@dataclass
class PurgeResult:
    world: World
    removed: dict[str, int] = field(default_factory=dict)


def world_empty(*, world: World) -> dict[str, int]:
    """Delete everything a world holds, keeping the World row (its slug, builders and save state);
    returns how many rows of each kind went. Purge and the importer's --replace both empty through it.
    """
    World.objects.filter(pk=world.pk).update(start_room=None)
    world.start_room = None
    removed: dict[str, int] = {}
    # Order matters: characters hold their room with RESTRICT, so they go before rooms.
    for label, queryset in (
        ("missions", Mission.objects.filter(world=world)),
        ("relationships", Relationship.objects.filter(world=world)),
        ("daily_duties", DailyDuty.objects.filter(world=world)),
        ("world_clock", WorldClock.objects.filter(world=world)),
        ("faction_links", FactionLink.objects.filter(faction_a__world=world)),
        ("factions", Faction.objects.filter(world=world)),
        ("items", Item.objects.filter(world=world)),
        ("characters", Character.objects.filter(world=world)),
        ("exits", Exit.objects.filter(world=world)),
        ("rooms", Room.objects.filter(world=world)),
        ("templates", ItemTemplate.objects.filter(world=world)),
    ):
        removed[label] = queryset.count()
        queryset.delete()
    return removed


@transaction.atomic
def world_purge(*, world: World, confirm: str) -> PurgeResult:
    """TinyMUD's /purge, durable: one transaction empties the world and requests an immediate export.

    The World row stays (its slug and builders); everything in it goes, players' characters included.
    The export is built from the database after commit, so no stale in-memory world can be written back
    (TinyMUD's purge resurrected the old world, reference W3).
    """
    if confirm != world.slug:
        raise Invalid(
            f"To purge, send confirm equal to the world's slug ('{world.slug}').",
            details={"confirm": confirm, "expected": world.slug},
        )
    world = World.objects.select_for_update().get(pk=world.pk)
    removed = world_empty(world=world)
    defaults = World(slug=world.slug, name=world.slug)
    for name in WORLD_STATE_FIELDS:
        setattr(world, name, getattr(defaults, name))
    world.save()
    # Bulk deletes bypass per-row bookkeeping: ask for the export explicitly, immediately.
    facade.save_world(world, debounced=False)
    return PurgeResult(world=world, removed=removed)
