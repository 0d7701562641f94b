"""factory_boy factories for the world model, and typed `make_*` helpers over them.

Related rows share one world. The factories are generic in their model, so `XFactory.create(...)` is typed;
the `make_*` functions name the fields tests set most and return the model, so a test reads as
`room = make_room(world=world, key="hall")` and mypy checks it (tests/world/services/ is type-checked)."""

from __future__ import annotations

from typing import Any, Final

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from world import models


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class WorldFactory(factory.django.DjangoModelFactory[models.World]):
    class Meta:
        model = models.World
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"world-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    description = "A small world for tests."
    conflict = "Something is amiss."


class RoomFactory(factory.django.DjangoModelFactory[models.Room]):
    class Meta:
        model = models.Room

    world = factory.SubFactory(WorldFactory)
    key = factory.Sequence(lambda n: f"room_{n}")
    name = factory.LazyAttribute(lambda o: o.key.replace("_", " ").title())
    description = "Four walls and a floor."


class ExitFactory(factory.django.DjangoModelFactory[models.Exit]):
    class Meta:
        model = models.Exit

    world = factory.SubFactory(WorldFactory)
    source = factory.SubFactory(RoomFactory, world=factory.SelfAttribute("..world"))
    destination = factory.SubFactory(RoomFactory, world=factory.SelfAttribute("..world"))
    name = factory.Sequence(lambda n: f"door {n}")


class CharacterFactory(factory.django.DjangoModelFactory[models.Character]):
    class Meta:
        model = models.Character

    world = factory.SubFactory(WorldFactory)
    account: factory.SubFactory | None = factory.SubFactory(UserFactory)  # NPCs have none
    is_npc = False
    name = factory.Sequence(lambda n: f"Hero{n}")
    room = factory.SubFactory(RoomFactory, world=factory.SelfAttribute("..world"))


class NpcFactory(CharacterFactory):
    account = None
    is_npc = True
    name = factory.Sequence(lambda n: f"Npc{n}")


class ItemTemplateFactory(factory.django.DjangoModelFactory[models.ItemTemplate]):
    class Meta:
        model = models.ItemTemplate

    world = factory.SubFactory(WorldFactory)
    key = factory.Sequence(lambda n: f"template_{n}")
    name = factory.Sequence(lambda n: f"Thing {n}")


class ItemFactory(factory.django.DjangoModelFactory[models.Item]):
    class Meta:
        model = models.Item

    world = factory.SubFactory(WorldFactory)
    name = factory.Sequence(lambda n: f"pebble {n}")
    room = factory.SubFactory(RoomFactory, world=factory.SelfAttribute("..world"))


class FactionFactory(factory.django.DjangoModelFactory[models.Faction]):
    class Meta:
        model = models.Faction

    world = factory.SubFactory(WorldFactory)
    name = factory.Sequence(lambda n: f"Faction {n}")


class RelationshipFactory(factory.django.DjangoModelFactory[models.Relationship]):
    class Meta:
        model = models.Relationship

    world = factory.SubFactory(WorldFactory)
    source = factory.SubFactory(NpcFactory, world=factory.SelfAttribute("..world"))
    target = factory.SubFactory(NpcFactory, world=factory.SelfAttribute("..world"))
    label = "friend"


# ---------------------------------------------------------------------------------------------- typed helpers
# Each passes `fields` straight to its factory (any model field), so a helper never hides a column.


class _StartRoom:
    """The default place of a new character or item: the world's start room (`room=None` means nowhere)."""


START_ROOM: Final = _StartRoom()


def _place(world: models.World, room: models.Room | None | _StartRoom) -> models.Room | None:
    return world.start_room if isinstance(room, _StartRoom) else room


def make_user(*, username: str | None = None, **fields: Any) -> User:
    if username is not None:
        fields["username"] = username
    return UserFactory.create(**fields)


def make_world(*, slug: str | None = None, playable: bool = True, **fields: Any) -> models.World:
    """A world; `playable` gives it a start room and completes its setup, as play services require."""
    if slug is not None:
        fields["slug"] = slug
    world = WorldFactory.create(**fields)
    if playable and world.start_room_id is None:
        world.start_room = make_room(world=world, key="start", name="Start")
        world.setup_complete = True
        world.save(update_fields=["start_room", "setup_complete"])
    return world


def make_room(*, world: models.World, key: str | None = None, **fields: Any) -> models.Room:
    if key is not None:
        fields["key"] = key
    return RoomFactory.create(world=world, **fields)


def make_exit(*, source: models.Room, destination: models.Room, name: str | None = None, **fields: Any) -> models.Exit:
    """One exit row (a one-way door unless `kind` says otherwise); services make the two-way pairs."""
    if name is not None:
        fields["name"] = name
    return ExitFactory.create(world=source.world, source=source, destination=destination, **fields)


def make_player(
    *, world: models.World, room: models.Room | None | _StartRoom = START_ROOM, name: str | None = None, **fields: Any
) -> models.Character:
    """A player character with its own account, in `room` (by default the world's start room)."""
    if name is not None:
        fields["name"] = name
    return CharacterFactory.create(world=world, room=_place(world, room), **fields)


def make_npc(
    *, world: models.World, room: models.Room | None | _StartRoom = START_ROOM, name: str | None = None, **fields: Any
) -> models.Character:
    if name is not None:
        fields["name"] = name
    return NpcFactory.create(world=world, room=_place(world, room), **fields)


def make_template(*, world: models.World, key: str | None = None, **fields: Any) -> models.ItemTemplate:
    if key is not None:
        fields["key"] = key
    return ItemTemplateFactory.create(world=world, **fields)


def make_item(
    *,
    world: models.World,
    name: str | None = None,
    room: models.Room | None | _StartRoom = START_ROOM,
    character: models.Character | None = None,
    slot: int | None = None,
    **fields: Any,
) -> models.Item:
    """An item on the floor of `room` (default: the start room), or in `character`'s inventory `slot`."""
    if name is not None:
        fields["name"] = name
    if character is not None:
        return ItemFactory.create(world=world, room=None, character=character, slot=slot, **fields)
    return ItemFactory.create(world=world, room=_place(world, room), **fields)


def make_faction(*, world: models.World, name: str | None = None, **fields: Any) -> models.Faction:
    if name is not None:
        fields["name"] = name
    return FactionFactory.create(world=world, **fields)


def make_relationship(
    *, source: models.Character, target: models.Character, label: str = "friend"
) -> models.Relationship:
    """`source` is `label` to `target` (one direction, like TinyMUD's sheet entries)."""
    return RelationshipFactory.create(world=source.world, source=source, target=target, label=label)
