"""Reads. Routers and the admin read the world through these."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from world.exceptions import Forbidden, NotFound
from world.fuzzy import fuzzy_resolve
from world.models import Character, Exit, Faction, Item, ItemTemplate, Room, World


def world_get(*, slug: str) -> World:
    world = World.objects.filter(slug=slug).first()
    if world is None:
        raise NotFound(f"There is no world '{slug}'.", details={"world": slug})
    return world


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
