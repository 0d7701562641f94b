"""Every admin page answers for staff; bad input is a form error, never a 500; list pages don't do N+1."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services.tokens import token_issue
from persistence.models import WorldImport
from tests import factories
from world import models

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_world(tiny_world):
    """One row of every registered model, so every change page has something to show."""
    t = tiny_world
    guild = factories.FactionFactory(world=t.world, name="Guild", leader=t.npc)
    rival = factories.FactionFactory(world=t.world, name="Rivals")
    rank = models.FactionRank.objects.create(faction=guild, name="Recruit", level=1)
    role = models.FactionRole.objects.create(faction=guild, key="cook", name="Cook")
    models.FactionMembership.objects.create(faction=guild, character=t.npc, rank=rank, role=role)
    low, high = sorted([guild, rival], key=lambda f: f.pk)
    models.FactionLink.objects.create(faction_a=low, faction_b=high, stance="rival")
    factories.RelationshipFactory(world=t.world, source=t.player, target=t.npc, label="friend")
    template = factories.ItemTemplateFactory(world=t.world, key="bread", name="Bread")
    models.Item.objects.create(world=t.world, name="Bread", template=template, character=t.player, slot=2)
    token_issue(user=t.player.account)
    mission = models.Mission.objects.create(
        world=t.world, title="Errand", assignee=t.player, created_at=t.world.created_at
    )
    models.MissionObjective.objects.create(mission=mission, kind="visit", target_room=t.kitchen)
    WorldImport.objects.create(slug="copy", source_name="copy.json", staged_path="/nowhere.json", kind="mudsite")
    return t


def world_models():
    return [m for m in admin.site._registry if m._meta.app_label in {"world", "persistence"}]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", world_models(), ids=lambda m: m.__name__)
def test_changelist_search_add_and_change_pages_answer(admin_client, rich_world, model):
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "a"}).status_code == 200
    add = admin_client.get(url(model, "add"))
    assert add.status_code in (200, 403)  # 403 only where adding is deliberately off (tokens)
    obj = model.objects.first()
    assert obj is not None, f"rich_world has no {model.__name__}"
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", world_models(), ids=lambda m: m.__name__)
def test_empty_add_form_is_a_form_error_not_a_500(admin_client, rich_world, model):
    response = admin_client.post(url(model, "add"), {})
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        context = response.context
        form = context["adminform"].form if "adminform" in context else context["form"]  # imports: the upload form
        assert form.errors


def test_autocomplete_answers_for_every_foreign_key(admin_client, rich_world):
    for model, model_admin in admin.site._registry.items():
        for field_name in getattr(model_admin, "autocomplete_fields", ()):
            response = admin_client.get(
                reverse("admin:autocomplete"),
                {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name},
            )
            assert response.status_code == 200, (model, field_name)


def room_form(world, key, **extra):
    data = {
        "world": world.pk,
        "key": key,
        "name": "",
        "description": "",
        "tags": "[]",
        "faction": "",
        "owner": "",
    }
    for prefix in ("exits", "items", "characters"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | extra


def test_room_with_duplicate_key_is_a_form_error(admin_client, tiny_world):
    response = admin_client.post(url(models.Room, "add"), room_form(tiny_world.world, "HALL"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


def test_exit_added_inline_joins_the_room_world(admin_client, tiny_world):
    t = tiny_world
    data = room_form(
        t.world,
        "cellar",
        **{
            "exits-TOTAL_FORMS": "1",
            "exits-0-name": "trapdoor",
            "exits-0-kind": "door",
            "exits-0-destination": str(t.hall.pk),
        },
    )
    response = admin_client.post(url(models.Room, "add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    trapdoor = models.Exit.objects.get(name="trapdoor")
    assert trapdoor.world == t.world
    assert trapdoor.destination == t.hall


def test_exit_into_another_world_is_a_form_error(admin_client, tiny_world):
    foreign = factories.RoomFactory()
    data = {"world": tiny_world.world.pk, "source": tiny_world.hall.pk, "destination": foreign.pk, "name": "rift",
            "kind": "door", "lock_allow_ids": "[]", "lock_allow_relationships": "[]"}  # fmt: skip
    response = admin_client.post(url(models.Exit, "add"), data)
    assert response.status_code == 200
    assert "destination" in response.context["adminform"].form.errors


def test_item_in_a_wrong_slot_is_a_form_error(admin_client, tiny_world):
    data = {"world": tiny_world.world.pk, "name": "anvil", "carry": "large", "character": tiny_world.player.pk,
            "slot": "3", "tags": "[]", "crafting_recipe": "[]", "deconstruct_recipe": "[]"}  # fmt: skip
    response = admin_client.post(url(models.Item, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


def test_bad_sheet_json_is_a_form_error(admin_client, tiny_world):
    npc = tiny_world.npc
    change = admin_client.get(url(models.Character, "change", npc.pk))
    form = change.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"sheet": '{"matrix": {"rage_terror": 99}}', "inventory-TOTAL_FORMS": "0",
             "inventory-INITIAL_FORMS": "0", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}  # fmt: skip
    response = admin_client.post(url(models.Character, "change", npc.pk), data)
    assert response.status_code == 200
    assert "sheet" in response.context["adminform"].form.errors


def changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(model, "changelist"), {"all": ""}).status_code == 200
    return len(ctx)


def test_room_changelist_query_count_does_not_grow(admin_client):
    world = factories.WorldFactory()
    faction = factories.FactionFactory(world=world)
    owner = factories.NpcFactory(world=world, room=None)

    def add_rooms(n):
        models.Room.objects.bulk_create(
            models.Room(world=world, key=f"r{models.Room.objects.count()}_{i}", faction=faction, owner=owner)
            for i in range(n)
        )

    add_rooms(5)
    few = changelist_queries(admin_client, models.Room)
    add_rooms(495)
    assert models.Room.objects.count() == 500
    assert changelist_queries(admin_client, models.Room) == few


@pytest.mark.parametrize("model", [models.World, models.Exit, models.Character, models.Item, models.Faction])
def test_other_changelists_do_not_grow_either(admin_client, rich_world, model):
    few = changelist_queries(admin_client, model)
    for n in range(20):
        extra = factories.WorldFactory()
        room = factories.RoomFactory(world=extra)
        factories.ExitFactory(world=extra, source=room, destination=room, name=f"loop{n}")
        factories.NpcFactory(world=extra, room=room)
        factories.ItemFactory(world=extra, room=room)
        factories.FactionFactory(world=extra, leader=None)
    assert changelist_queries(admin_client, model) == few
