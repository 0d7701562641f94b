"""Item templates and items (TinyMUD's /object ... and its template wizard)."""
# No `from __future__ import annotations`: ninja's @paginate re-reads these annotations at runtime.

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from world.api.building.common import ERRORS, builder_world, room_named
from world.api.contract import WorldSlug
from world.api.pagination import Page
from world.models import Item, ItemTemplate
from world.schemas.building import (
    ItemDeletedOut,
    ItemFieldsIn,
    ItemMessageOut,
    ItemOut,
    ItemSpawnIn,
    ItemSummaryOut,
    MessageOut,
    TemplateIn,
    TemplateMessageOut,
    TemplateOut,
    item_out,
)
from world.selectors import (
    character_resolve,
    item_get,
    item_list,
    template_get,
    template_list,
)
from world.services import templates as template_services

router = Router(tags=["build: item templates and items"])


@router.get("/templates", response={200: list[TemplateOut], **ERRORS}, summary="List item templates")
@paginate(Page)
def templates_list(request: HttpRequest, world_slug: WorldSlug, search: str = "") -> QuerySet[ItemTemplate]:
    return template_list(world=builder_world(request, world_slug), search=search)


@router.post("/templates", response={201: TemplateMessageOut, **ERRORS}, summary="Create an item template")
def templates_create(request: HttpRequest, world_slug: WorldSlug, payload: TemplateIn) -> Status[dict[str, Any]]:
    """Every field of TinyMUD's template wizard; satiation/hydration become `Edible: N` / `Drinkable: N`
    tags and small/large/Immovable tags become `carry`."""
    fields = payload.dict(exclude={"key"})
    template = template_services.template_create(world=builder_world(request, world_slug), key=payload.key, **fields)
    return Status(201, {"message": f"Template '{template.key}' created.", "template": template})


@router.get("/templates/{key}", response={200: TemplateOut, **ERRORS}, summary="Read an item template")
def templates_read(request: HttpRequest, world_slug: WorldSlug, key: str) -> ItemTemplate:
    return template_get(world=builder_world(request, world_slug), key=key)


@router.patch("/templates/{key}", response={200: TemplateMessageOut, **ERRORS}, summary="Update an item template")
def templates_update(request: HttpRequest, world_slug: WorldSlug, key: str, payload: ItemFieldsIn) -> dict[str, Any]:
    template = template_get(world=builder_world(request, world_slug), key=key)
    template = template_services.template_update(template=template, **payload.dict(exclude_unset=True))
    return {"message": f"Template '{template.key}' updated.", "template": template}


@router.delete("/templates/{key}", response={200: MessageOut, **ERRORS}, summary="Delete an item template")
def templates_delete(request: HttpRequest, world_slug: WorldSlug, key: str) -> dict[str, Any]:
    """Items made from it stay, with their own copy of its fields."""
    template = template_get(world=builder_world(request, world_slug), key=key)
    made = template_services.template_delete(template=template)
    return {"message": f"Template '{template.key}' deleted ({made} item(s) made from it keep their fields)."}


@router.get("/items", response={200: list[ItemSummaryOut], **ERRORS}, summary="List items")
@paginate(Page)
def items_list(
    request: HttpRequest, world_slug: WorldSlug, room: str = "", character: str = "", search: str = ""
) -> QuerySet[Item]:
    world = builder_world(request, world_slug)
    items = item_list(
        world=world,
        room=room_named(request, world, room) if room else None,
        character=character_resolve(world=world, query=character) if character else None,
        search=search,
    )
    return items


@router.post("/items", response={201: ItemMessageOut, **ERRORS}, summary="Spawn an item")
def items_spawn(request: HttpRequest, world_slug: WorldSlug, payload: ItemSpawnIn) -> Status[dict[str, Any]]:
    """From a `template` (fields copied, any field given here overrides) or ad hoc (`name` required), into
    exactly one of: a `room`, a `character`'s inventory `slot`, or a `container`'s `container_slot`."""
    world = builder_world(request, world_slug)
    data = payload.dict(exclude_unset=True)
    places = {k: data.pop(k, None) for k in ("template", "room", "character", "slot", "container", "container_slot")}
    item = template_services.item_spawn(
        world=world,
        template=template_get(world=world, key=places["template"]) if places["template"] else None,
        room=room_named(request, world, places["room"]) if places["room"] else None,
        character=character_resolve(world=world, query=places["character"]) if places["character"] else None,
        slot=places["slot"],
        container=item_get(world=world, uuid=places["container"]) if places["container"] else None,
        container_slot=places["container_slot"],
        **data,
    )
    origin = f" from template '{item.template.key}'" if item.template else ""
    return Status(201, {"message": f"Created '{item.name}'{origin}.", "item": item_out(item)})


@router.get("/items/{item_id}", response={200: ItemOut, **ERRORS}, summary="Read an item")
def items_read(request: HttpRequest, world_slug: WorldSlug, item_id: UUID) -> dict[str, Any]:
    return item_out(item_get(world=builder_world(request, world_slug), uuid=item_id))


@router.delete("/items/{item_id}", response={200: ItemDeletedOut, **ERRORS}, summary="Delete an item")
def items_delete(request: HttpRequest, world_slug: WorldSlug, item_id: UUID) -> dict[str, Any]:
    item = item_get(world=builder_world(request, world_slug), uuid=item_id)
    name = item.name
    removed = template_services.item_delete(item=item)
    return {"message": f"Deleted '{name}'.", "removed": removed}
