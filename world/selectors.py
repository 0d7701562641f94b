"""Reads. Routers and the admin read the world through these."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import ApiToken
from world.exceptions import Conflict, Forbidden, NotFound, Unauthenticated
from world.fuzzy import fuzzy_matches, fuzzy_resolve
from world.models import (
    NEED_FIELDS,
    SLOT_LABELS,
    Character,
    Event,
    Exit,
    Faction,
    Item,
    ItemTemplate,
    Relationship,
    Room,
    Violence,
    World,
)
from world.play_sql import caller_character, exits_from, look_rows, people_in
from world.sheet import MEMORY_LIMIT
from world.simulation.gametime import game_time, room_is_external

SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,64}$")


def world_get(*, slug: str) -> World:
    world = World.objects.filter(slug=slug).first() if SLUG_PATTERN.match(slug) else None
    if world is None:
        raise NotFound(f"There is no world '{slug}'.", details={"world": slug})
    return world


# Play: the caller's character and what it perceives.


def account_characters(user_id: int) -> list[dict[str, str]]:
    """The characters an account plays, for `/api/auth/me` (registered with accounts in WorldConfig.ready)."""
    characters = Character.objects.filter(account_id=user_id).select_related("world").order_by("world__slug")
    return [{"world": c.world.slug, "name": c.name} for c in characters]


def play_character_get(
    *, user: AbstractBaseUser | AnonymousUser, world_slug: str, authenticated_at: datetime | None = None
) -> Character:
    """The caller's character in this world (one query): 404 for an unknown world, 403 before joining,
    401 when a builder kicked the account from this world after these credentials were issued
    (`authenticated_at`; None counts as before any kick)."""
    if not SLUG_PATTERN.match(world_slug):
        world_get(slug=world_slug)
    character = caller_character(user_id=user.pk, world_slug=world_slug)
    if character is None:
        world_get(slug=world_slug)
        raise Forbidden(
            "You have no character in this world; join it first.", code="not_joined", details={"world": world_slug}
        )
    if kicked_since(character, authenticated_at):
        raise Unauthenticated(
            "You were kicked from this world; log in again to come back.",
            code="kicked",
            details={"world": world_slug},
        )
    return character


def kicked_since(character: Character, authenticated_at: datetime | None) -> bool:
    """Whether a builder kicked the account from this world after (or when) these credentials were
    issued; None counts as before any kick. Reads the `kicked_at` the caller's statement annotates."""
    kicked = getattr(character, "kicked_at", None)
    return kicked is not None and (authenticated_at is None or authenticated_at <= kicked)


def character_room(*, character: Character) -> Room:
    if character.room is None:
        raise Conflict("You are nowhere. Ask a builder to bring you back.", code="nowhere")
    return character.room


def room_brief(room: Room) -> dict[str, Any]:
    return {"key": room.key, "name": room.display_name, "description": room.description}


def exit_brief(exit_: Exit) -> dict[str, Any]:
    return {
        "name": exit_.name,
        "kind": exit_.kind,
        "locked": exit_.is_locked,
        "destination": exit_.destination.display_name,
    }


def character_brief(character: Character) -> dict[str, Any]:
    return {"name": character.name, "is_npc": character.is_npc, "is_dead": character.is_dead}


def item_brief(item: Item) -> dict[str, Any]:
    return {
        "name": item.name,
        "carry": item.carry,
        "tags": item.tags,
        "owner": item.owner.name if item.owner_id and item.owner else None,
    }


def room_exits(*, room: Room) -> list[Exit]:
    return exits_from(room_id=room.pk)


def room_others(*, room: Room, character: Character) -> list[Character]:
    """Everyone else in the room, players first; dead NPCs are gone from the room as in TinyMUD."""
    return people_in(room_id=room.pk, excluding=character.pk)


def room_items(*, room: Room) -> list[Item]:
    return list(Item.objects.filter(room=room).select_related("owner").order_by("name", "id"))


def presence_window() -> timedelta:
    return timedelta(seconds=getattr(settings, "MUDSITE_PRESENCE_SECONDS", 300))


# When a player's client last used one of its live tokens (tokens are touched at most once a minute, and
# an open stream re-checks its token, so a connected client keeps this fresh).
last_token_use = (
    ApiToken.objects.filter(user=OuterRef("account"), revoked_at__isnull=True, last_used_at__isnull=False)
    .order_by("-last_used_at")
    .values("last_used_at")[:1]
)


def presence_marked(row: dict[str, Any], online_since: datetime | None = None) -> dict[str, Any]:
    """NPCs are always there; a player is online when their client was active within the presence
    window (since `online_since`, by default now minus the window), else asleep, as TinyMUD showed
    disconnected players."""
    last_seen = row.pop("last_seen", None)
    if online_since is None:
        online_since = timezone.now() - presence_window()
    online = row["is_npc"] or (last_seen is not None and last_seen >= online_since)
    return {**row, "online": online, "last_seen": None if row["is_npc"] else last_seen}


def character_presence(character: Character) -> dict[str, Any]:
    """`character_brief` with presence (one query for a player, none for an NPC)."""
    last_seen = None
    if character.account_id is not None:
        last_seen = (
            ApiToken.objects.filter(user_id=character.account_id, revoked_at__isnull=True, last_used_at__isnull=False)
            .order_by("-last_used_at")
            .values_list("last_used_at", flat=True)
            .first()
        )
    return presence_marked({**character_brief(character), "last_seen": last_seen})


def _presence_note(row: dict[str, Any]) -> str:
    if row["is_npc"]:
        return " (NPC)"
    return "" if row["online"] else " (asleep)"


def room_look(*, character: Character) -> dict[str, Any]:
    """The caller's room: one statement per collection (exits, characters, items), whatever their sizes."""
    room = character_room(character=character)
    exits, others, items = look_rows(room_id=room.pk, viewer_id=character.pk)
    online_since = timezone.now() - presence_window()
    characters = [presence_marked(row, online_since) for row in others]
    lines = [room.display_name, room.description]
    if exits:
        lines.append("Exits: " + ", ".join(e["name"] for e in exits) + ".")
    if characters:
        lines.append("Here: " + ", ".join(c["name"] + _presence_note(c) for c in characters) + ".")
    if items:
        lines.append("Objects: " + ", ".join(i["name"] for i in items) + ".")
    world = character.world
    time = game_time(world.game_time_ticks, world.time_descriptions)
    if room_is_external(room.tags):
        lines.append(time["text"])
    return {
        "room": room_brief(room),
        "exits": exits,
        "characters": characters,
        "items": items,
        "time": time,
        "message": "\n".join(line for line in lines if line),
    }


def relationships_of(*, character: Character) -> dict[str, list[dict[str, str]]]:
    """Labelled relationships both ways (one query)."""
    rows = (
        Relationship.objects.filter(Q(source=character) | Q(target=character))
        .select_related("source", "target")
        .order_by("id")
    )
    outgoing = [{"name": r.target.name, "label": r.label} for r in rows if r.source_id == character.pk]
    incoming = [{"name": r.source.name, "label": r.label} for r in rows if r.target_id == character.pk]
    return {"outgoing": outgoing, "incoming": incoming}


def item_detail(item: Item) -> dict[str, Any]:
    return {
        **item_brief(item),
        "description": item.description,
        "material": item.material,
        "quality": item.quality,
        "durability": item.durability,
        "value": item.value,
        "loot_hint": item.loot_hint,
        "crafting_recipe": item.crafting_recipe,
        "deconstruct_recipe": item.deconstruct_recipe,
    }


def look_at(*, character: Character, target: str) -> dict[str, Any]:
    """A character (self included), NPC, item on the floor or carried, or exit, resolved the TinyMUD way.

    The groups are tried in that order; the first group with a match decides (ambiguity → 409).
    """
    room = character_room(character=character)
    people = [character, *room_others(room=room, character=character)]
    groups: list[tuple[str, list[Any], Callable[[Any], str]]] = [
        ("character", [p for p in people if not p.is_npc], lambda c: c.name),
        ("character", [p for p in people if p.is_npc], lambda c: c.name),
        ("item", room_items(room=room), lambda i: i.name),
        ("item", list(Item.objects.filter(character=character).select_related("owner")), lambda i: i.name),
        ("exit", room_exits(room=room), lambda e: e.name),
    ]
    for kind, candidates, name in groups:
        if fuzzy_matches(target, candidates, name):
            found = fuzzy_resolve(target, candidates, name, what=kind)
            return _look_at_result(kind, found)
    everything = [(kind, c, name) for kind, cs, name in groups for c in cs]
    fuzzy_resolve(target, everything, lambda entry: entry[2](entry[1]), what="thing")  # raises with suggestions
    raise NotFound(f"You don't see '{target}' here.")  # pragma: no cover - fuzzy_resolve always raises above


def _look_at_result(kind: str, found: Any) -> dict[str, Any]:
    if kind == "character":
        relationships = relationships_of(character=found)
        detail = {
            **character_presence(found),
            "description": found.description,
            "relationships": relationships,
        }
        labels = [f"{r['label']} of {r['name']}" for r in relationships["outgoing"]]
        message = found.description + (f"\n{found.name} is {', '.join(labels)}." if labels else "")
        return {"kind": kind, "name": found.name, "message": message, "character": detail}
    if kind == "item":
        detail = item_detail(found)
        return {"kind": kind, "name": found.name, "message": found.description or found.name, "item": detail}
    detail = exit_brief(found)
    message = f"The {found.name} appears to lead to {found.destination.display_name}."
    return {"kind": kind, "name": found.name, "message": message, "exit": detail}


def inventory_slots(*, character: Character) -> list[dict[str, Any]]:
    """The 8 labelled slots, empty ones included (one query)."""
    held = {i.slot: i for i in Item.objects.filter(character=character).select_related("owner")}
    return [
        {"slot": slot, "label": label, "item": item_brief(held[slot]) if slot in held else None}
        for slot, label in enumerate(SLOT_LABELS)
    ]


def character_sheet(*, character: Character) -> dict[str, Any]:
    room = character.room
    return {
        "name": character.name,
        "description": character.description,
        "world": character.world.slug,
        "room": room_brief(room) if room else None,
        "needs": {need: getattr(character, need) for need in NEED_FIELDS},
        "currency": character.currency,
        "inventory": inventory_slots(character=character),
        "relationships": relationships_of(character=character),
        "time": game_time(character.world.game_time_ticks, character.world.time_descriptions),
    }


def _facts(values: Any, *, skip: tuple[str, ...] = ()) -> str:
    """`key value, key value` of a step's args or a memory's facts, in the stored order."""
    if not isinstance(values, dict):
        return "" if values in (None, {}) else str(values)
    return ", ".join(f"{key} {value}" for key, value in values.items() if key not in skip)


def character_mind(*, character: Character) -> dict[str, Any]:
    """What the world clock keeps in a character's sheet, as lines to read: the plan's steps in
    order, the newest `MEMORY_LIMIT` memories (oldest first) and the ambition with its milestones.
    Hand-edited sheets may hold anything: what is not a step or a memory is shown as it is."""
    sheet = character.sheet if isinstance(character.sheet, dict) else {}
    plan = sheet.get("plan_queue")
    steps = plan if isinstance(plan, list) else [] if plan is None else [plan]
    memories = sheet.get("memories")
    memories = memories[-MEMORY_LIMIT:] if isinstance(memories, list) else []
    ambition = sheet.get("ambition")
    milestones = ambition.get("milestones") if isinstance(ambition, dict) else None
    return {
        "plan": [
            f"{step.get('tool')}: {_facts(step.get('args'))}" if isinstance(step, dict) else str(step) for step in steps
        ],
        "memories": [
            f"tick {m.get('tick')}: {m.get('type')} ({_facts(m, skip=('tick', 'type'))})"
            if isinstance(m, dict)
            else str(m)
            for m in memories
        ],
        "memory_limit": MEMORY_LIMIT,
        "ambition": None
        if not isinstance(ambition, dict)
        else {
            "name": str(ambition.get("name") or ambition.get("id")),
            "description": str(ambition.get("description") or ""),
            "completed": bool(ambition.get("is_completed")),
            "milestones": [
                (str(m.get("description")), bool(m.get("completed")))
                for m in (milestones if isinstance(milestones, list) else [])
                if isinstance(m, dict)
            ],
        },
    }


# The event feed.

EVENT_PAGE = 100
EVENT_WAIT_MAX = 25.0


def event_list(*, character: Character, after: int | None, limit: int = EVENT_PAGE) -> list[Event]:
    """This character's events after `after` in order; without `after`, the latest page."""
    events = Event.objects.filter(recipient=character)
    if after is None:
        return list(reversed(events.order_by("-id")[:limit]))
    return list(events.filter(id__gt=after).order_by("id")[:limit])


def user_can_build(*, user: Any, world: World) -> bool:
    """Staff build every world; a world builder builds the worlds listed in `World.builders`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_staff) or world.builders.filter(pk=user.pk).exists()


def world_require_builder(*, user: Any, world: World) -> None:
    """The one permission check of the build API (and of any builder tool): staff or a builder of `world`."""
    if not user_can_build(user=user, world=world):
        raise Forbidden(f"Only staff and builders of '{world.slug}' may build it.", details={"world": world.slug})


def world_get_for_builder(*, slug: str, user: Any) -> World:
    world = world_get(slug=slug)
    world_require_builder(user=user, world=world)
    return world


def _resolve_by_name(queryset: QuerySet[Any], field: str, query: str, *, what: str) -> Any:
    """Exact (case-insensitive) first, then TinyMUD's fuzzy tiers over the rows whose `field` contains `query`.

    Every fuzzy tier (ci exact, prefix, substring) is a case-insensitive substring match, so the database
    narrows the candidates and a large world is never loaded whole.
    """
    wanted = query.strip()
    exact = list(queryset.filter(**{f"{field}__iexact": wanted})[:2])
    if len(exact) == 1:
        return exact[0]
    candidates = queryset.filter(**{f"{field}__icontains": wanted}) if wanted else queryset.none()
    if not candidates.exists() and wanted:
        # Let fuzzy_resolve build its "did you mean" from the names sharing the first letter.
        candidates = queryset.filter(**{f"{field}__istartswith": wanted[:1]})[:50]
    try:
        return fuzzy_resolve(query, candidates, lambda row: getattr(row, field), what=what)
    except NotFound as exc:
        if not wanted:
            raise
        # Builders are not "here": say what was not found, keep the suggestions (TinyMUD's admin wording).
        hint = f" Did you mean: {', '.join(exc.details['candidates'])}?" if exc.details.get("candidates") else ""
        raise NotFound(f"{what[0].upper()}{what[1:]} '{query}' not found.{hint}", details=exc.details) from exc


def room_resolve(*, world: World, query: str) -> Room:
    return _resolve_by_name(Room.objects.filter(world=world), "key", query, what="room")


def room_get(*, world: World, key: str) -> Room:
    """A room by its exact key (case-insensitive): what destructive paths use."""
    room = Room.objects.filter(world=world, key__iexact=key.strip()).first()
    if room is None:
        raise NotFound(f"Room '{key}' not found.", details={"room": key})
    return room


def room_list(*, world: World, search: str = "") -> QuerySet[Room]:
    rooms = Room.objects.filter(world=world).select_related("faction", "owner")
    if search:
        rooms = rooms.filter(Q(key__icontains=search) | Q(name__icontains=search))
    return rooms.order_by("key")


def world_list() -> QuerySet[World]:
    return World.objects.order_by("slug")


def world_builder_names(*, world: World) -> list[str]:
    return sorted(world.builders.values_list("username", flat=True), key=str.casefold)


def lock_character_names(*, exits: list[Exit]) -> dict[int, str]:
    """Names of the characters the locks of these exits name (allow lists and relationship rules)."""
    locked = [e for e in exits if e.is_locked]
    ids = {i for e in locked for i in e.lock_allow_ids} | {
        r.get("to") for e in locked for r in e.lock_allow_relationships
    }
    return dict(Character.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def room_detail(*, room: Room) -> Room:
    exits = Exit.objects.select_related("source", "destination")
    return (
        Room.objects.select_related("world", "faction", "owner")
        .prefetch_related(
            Prefetch("exits", queryset=exits),
            Prefetch("entrances", queryset=exits),
            Prefetch("characters", queryset=Character.objects.only("id", "name", "room_id")),
            Prefetch("items", queryset=Item.objects.only("id", "uuid", "name", "room_id")),
        )
        .get(pk=room.pk)
    )


def character_detail(*, character: Character) -> Character:
    """One character with what the build API shows of it: relationships both ways and factions."""
    return (
        Character.objects.select_related("room")
        .prefetch_related(
            Prefetch("relationships_out", queryset=Relationship.objects.select_related("target")),
            Prefetch("relationships_in", queryset=Relationship.objects.select_related("source")),
            "memberships__faction",
        )
        .get(pk=character.pk)
    )


def npc_get_exact(*, world: World, name: str) -> Character:
    """An NPC by its exact name (any case), for deletions, where a fuzzy match would be too bold."""
    npc = Character.objects.filter(world=world, is_npc=True, name__iexact=name.strip()).first()
    if npc is None:
        raise NotFound(f"NPC '{name}' not found.", details={"name": name})
    return npc


def relationships_between(*, characters: list[Character]) -> list[dict[str, str]]:
    ids = [c.pk for c in characters]
    rows = Relationship.objects.filter(source_id__in=ids, target_id__in=ids).select_related("source", "target")
    return [{"source": r.source.name, "type": r.label, "target": r.target.name} for r in rows]


def exit_get(*, world: World, uuid: Any) -> Exit:
    found = Exit.objects.select_related("source", "destination").filter(world=world, uuid=uuid).first()
    if found is None:
        raise NotFound(f"Exit '{uuid}' not found.", details={"exit": str(uuid)})
    return found


def character_resolve(*, world: World, query: str, npc: bool | None = None) -> Character:
    characters = Character.objects.filter(world=world)
    what = "character"
    if npc is not None:
        characters = characters.filter(is_npc=npc)
        what = "NPC" if npc else "player"
    return _resolve_by_name(characters, "name", query, what=what)


def character_list(*, world: World, search: str = "", npc: bool | None = None) -> QuerySet[Character]:
    characters = Character.objects.filter(world=world).select_related("room")
    if npc is not None:
        characters = characters.filter(is_npc=npc)
    if search:
        characters = characters.filter(name__icontains=search)
    return characters.order_by("name")


def template_get(*, world: World, key: str) -> ItemTemplate:
    template = ItemTemplate.objects.filter(world=world, key__iexact=key.strip()).first()
    if template is None:
        raise NotFound(f"Template '{key}' not found.", details={"template": key})
    return template


def template_list(*, world: World, search: str = "") -> QuerySet[ItemTemplate]:
    templates = ItemTemplate.objects.filter(world=world)
    if search:
        templates = templates.filter(Q(key__icontains=search) | Q(name__icontains=search))
    return templates.order_by("key")


def item_get(*, world: World, uuid: Any) -> Item:
    item = Item.objects.filter(world=world, uuid=uuid).first()
    if item is None:
        raise NotFound(f"Item '{uuid}' not found.", details={"item": str(uuid)})
    return item


def item_list(
    *, world: World, room: Room | None = None, character: Character | None = None, search: str = ""
) -> QuerySet[Item]:
    items = Item.objects.filter(world=world).select_related("room", "character", "container", "template")
    if room is not None:
        items = items.filter(room=room)
    if character is not None:
        items = items.filter(character=character)
    if search:
        items = items.filter(name__icontains=search)
    return items.order_by("name", "id")


def faction_resolve(*, world: World, query: str) -> Faction:
    return _resolve_by_name(Faction.objects.filter(world=world), "name", query, what="faction")


def faction_list(*, world: World) -> QuerySet[Faction]:
    return Faction.objects.filter(world=world).order_by("name")


def faction_detail(*, faction: Faction) -> Faction:
    return (
        Faction.objects.select_related("leader")
        .prefetch_related("ranks", "roles", "memberships__character", "memberships__rank", "memberships__role")
        .get(pk=faction.pk)
    )


def violence_recent(*, room: Room, after: int | None = None) -> list[Violence]:
    """The violence log of a room, oldest first: who attacked, yielded, died or fled here (NPC autonomy reads it)."""
    rows = Violence.objects.filter(room=room).select_related("attacker", "target")
    if after is not None:
        rows = rows.filter(id__gt=after)
    return list(rows.order_by("id"))
