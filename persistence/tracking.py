"""Which models are world state, and the signals that request a save when they change.

Every ORM save or delete of a tracked model requests a debounced save of its world, so Django
admin edits and ordinary services persist with no extra code. The request is made *before* the
row is written (pre_save / pre_delete / pre_add…): on PostgreSQL the dirty marker is a row lock
held until commit, and taking it before any row of the world keeps two game transactions from
locking the same rows in opposite orders (a deadlock). Outside a transaction (autocommit) the
mark is made after the write instead, or it would commit, and could be exported, before its row.
Bulk operations should likewise call `save_world` before their first write (inside their
transaction). Bulk operations (queryset update,
bulk_create, delete) bypass signals and call `save_world` themselves. Transient models (event
feed, interaction sessions, tokens) never trigger an export. Every model of the `world` app must
be in exactly one of the two lists (a test checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from persistence.facade import save_world
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
    w.WorldClock: lambda o: o.world_id,
    w.DailyDuty: lambda o: o.world_id,
    w.Mission: lambda o: o.world_id,
    w.MissionObjective: lambda o: w.Mission.objects.filter(pk=o.mission_id).values_list("world_id", flat=True).first(),
}

# Labels, so models other branches add (the event feed, interaction sessions) can be declared
# before they exist. Never exported, never a reason to export.
TRANSIENT_MODELS: frozenset[str] = frozenset(
    {
        "accounts.ApiToken",
        "world.Event",
        "world.InteractionSession",
        "world.ClockLease",
        "world.ExitsVersion",
        "world.Offer",
        "world.OfferItem",
        "world.Violence",
        "world.WitnessCursor",
        "world.WorldKick",
    }
)


def request_for(sender: type[Model], instance: Model, kwargs: dict[str, Any]) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the importer requests its own save
    world_id = TRACKED_MODELS[sender](instance)
    if world_id is not None:
        save_world(world_id, using=kwargs.get("using") or router.db_for_write(sender))


def in_transaction(sender: type[Model], kwargs: dict[str, Any]) -> bool:
    return connections[kwargs.get("using") or router.db_for_write(sender)].in_atomic_block


def on_save(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """pre_save: inside a transaction, mark before the row is locked (see the module docstring)."""
    if in_transaction(sender, kwargs):
        request_for(sender, instance, kwargs)


def on_saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    """post_save: in autocommit the mark would commit, and could be exported, before the row it is
    about; mark after the write instead. A new World has no id before it is saved."""
    if not in_transaction(sender, kwargs) or (sender is w.World and created):
        request_for(sender, instance, kwargs)


def deletes_a_world(origin: Any) -> bool:
    return isinstance(origin, w.World) or (isinstance(origin, QuerySet) and origin.model is w.World)


def on_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if deletes_a_world(kwargs.get("origin")):
        return  # the world and its save state are going; nothing to export
    request_for(sender, instance, kwargs)  # deletes always run inside a transaction


def on_builders_changed(sender: type[Model], instance: Model, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    using = kwargs.get("using") or router.db_for_write(sender)
    if not reverse:  # world.builders.add(...): the instance is the world
        world_ids = [instance.pk]
    elif action == "pre_clear":  # user.built_worlds.clear()
        world_ids = list(instance.built_worlds.values_list("pk", flat=True))  # type: ignore[attr-defined]
    else:
        world_ids = sorted(pk_set or ())
    for world_id in world_ids:
        save_world(world_id, using=using)


def connect() -> None:
    for model in TRACKED_MODELS:
        uid = f"mudsite-save-{model._meta.label_lower}"
        pre_save.connect(on_save, sender=model, dispatch_uid=uid + "-save")
        post_save.connect(on_saved, sender=model, dispatch_uid=uid + "-saved")
        pre_delete.connect(on_delete, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(on_builders_changed, sender=w.World.builders.through, dispatch_uid="mudsite-save-builders")
