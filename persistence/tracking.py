"""Which models are world state, and the signals that request a save when they change.

Every ORM save or delete of a tracked model requests a debounced save of its world, so Django
admin edits and ordinary services persist with no extra code. Bulk operations (queryset update,
bulk_create, delete) bypass signals and call `save_world` themselves. Transient models (event
feed, interaction sessions, tokens) never trigger an export. Every model of the `world` app must
be in exactly one of the two lists (a test checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import router
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from persistence.facade import note_world_deletion, save_world
from world import models as w


def _faction_world(faction_id: int | None, instance: Model, attr: str) -> int | None:
    cached = instance._state.fields_cache.get(attr)
    if cached is not None:
        return cached.world_id
    if faction_id is None:
        return None
    return w.Faction.objects.filter(pk=faction_id).values_list("world_id", flat=True).first()


WorldOf = Callable[[Any], "int | None"]

TRACKED_MODELS: dict[type[Model], WorldOf] = {
    w.World: lambda o: o.pk,
    w.Room: lambda o: o.world_id,
    w.Exit: lambda o: o.world_id,
    w.Character: lambda o: o.world_id,
    w.ItemTemplate: lambda o: o.world_id,
    w.Item: lambda o: o.world_id,
    w.Faction: lambda o: o.world_id,
    w.FactionRank: lambda o: _faction_world(o.faction_id, o, "faction"),
    w.FactionRole: lambda o: _faction_world(o.faction_id, o, "faction"),
    w.FactionMembership: lambda o: _faction_world(o.faction_id, o, "faction"),
    w.FactionLink: lambda o: _faction_world(o.faction_a_id, o, "faction_a"),
    w.Relationship: lambda o: o.world_id,
}

# Labels, so models other branches add (the event feed, interaction sessions) can be declared
# before they exist. Never exported, never a reason to export.
TRANSIENT_MODELS: frozenset[str] = frozenset(
    {
        "world.ApiToken",
        "world.Event",
        "world.InteractionSession",
    }
)


def on_saved_or_deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the importer requests its own save
    world_id = TRACKED_MODELS[sender](instance)
    if world_id is not None:
        save_world(world_id, using=kwargs.get("using") or router.db_for_write(sender))


def on_world_pre_delete(sender: type[Model], instance: w.World, using: str, **kwargs: Any) -> None:
    # The cascade deletes rooms, items… first: their signals must not re-create a SaveState row
    # for a world that is about to disappear (the FK would fail at commit).
    note_world_deletion(instance.pk, using=using)


def on_builders_changed(sender: type[Model], instance: Model, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    using = kwargs.get("using") or "default"
    if not reverse:
        save_world(instance.pk, using=using)
        return
    if action == "post_clear":  # the user's worlds are unknown after the fact; pre_clear gives them
        return
    for world_id in sorted(pk_set or ()):
        save_world(world_id, using=using)


def on_builders_pre_clear(sender: type[Model], instance: Model, action: str, reverse: bool, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        using = kwargs.get("using") or "default"
        for world_id in instance.built_worlds.values_list("pk", flat=True):  # type: ignore[attr-defined]
            save_world(world_id, using=using)


def connect() -> None:
    for model in TRACKED_MODELS:
        uid = f"mudsite-save-{model._meta.label_lower}"
        post_save.connect(on_saved_or_deleted, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(on_saved_or_deleted, sender=model, dispatch_uid=uid + "-delete")
    pre_delete.connect(on_world_pre_delete, sender=w.World, dispatch_uid="mudsite-save-world-pre-delete")
    through = w.World.builders.through
    m2m_changed.connect(on_builders_changed, sender=through, dispatch_uid="mudsite-save-builders")
    m2m_changed.connect(on_builders_pre_clear, sender=through, dispatch_uid="mudsite-save-builders-clear")
