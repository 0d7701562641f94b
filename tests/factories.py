"""factory_boy factories for the world model. Related rows share one world."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from world import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class WorldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.World
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"world-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    description = "A small world for tests."
    conflict = "Something is amiss."


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Room

    world = factory.SubFactory(WorldFactory)
    key = factory.Sequence(lambda n: f"room_{n}")
    name = factory.LazyAttribute(lambda o: o.key.replace("_", " ").title())
    description = "Four walls and a floor."


class ExitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Exit

    world = factory.SubFactory(WorldFactory)
    source = factory.SubFactory(RoomFactory, world=factory.SelfAttribute("..world"))
    destination = factory.SubFactory(RoomFactory, world=factory.SelfAttribute("..world"))
    name = factory.Sequence(lambda n: f"door {n}")


class CharacterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Character

    world = factory.SubFactory(WorldFactory)
    account = factory.SubFactory(UserFactory)
    is_npc = False
    name = factory.Sequence(lambda n: f"Hero{n}")
    room = factory.SubFactory(RoomFactory, world=factory.SelfAttribute("..world"))


class NpcFactory(CharacterFactory):
    account = None
    is_npc = True
    name = factory.Sequence(lambda n: f"Npc{n}")


class ItemTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ItemTemplate

    world = factory.SubFactory(WorldFactory)
    key = factory.Sequence(lambda n: f"template_{n}")
    name = factory.Sequence(lambda n: f"Thing {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Item

    world = factory.SubFactory(WorldFactory)
    name = factory.Sequence(lambda n: f"pebble {n}")
    room = factory.SubFactory(RoomFactory, world=factory.SelfAttribute("..world"))


class FactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Faction

    world = factory.SubFactory(WorldFactory)
    name = factory.Sequence(lambda n: f"Faction {n}")


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Relationship

    world = factory.SubFactory(WorldFactory)
    source = factory.SubFactory(NpcFactory, world=factory.SelfAttribute("..world"))
    target = factory.SubFactory(NpcFactory, world=factory.SelfAttribute("..world"))
    label = "friend"
