"""Builder comfort in the admin: exit locks picked by name, bulk lock/unlock, moving and spawning."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests import factories
from world import models

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(factories.UserFactory(username="builder", is_staff=True, is_superuser=True))
    return client


def exit_form_data(exit_: models.Exit, **overrides) -> dict:
    data = {
        "source": exit_.source_id,
        "destination": exit_.destination_id,
        "name": exit_.name,
        "kind": exit_.kind,
        "is_locked": "on",
        "lock_allow_ids": json.dumps(exit_.lock_allow_ids),
        "lock_allow_relationships": json.dumps(exit_.lock_allow_relationships),
    }
    data.update(overrides)
    return data


def test_the_exit_page_offers_characters_by_name_not_by_id(staff_client, tiny_world):
    page = staff_client.get(reverse("admin:world_exit_change", args=[tiny_world.door_out.pk])).content.decode()

    schema_text = page[page.index("lock_allow_ids") :]
    assert '"title": "Bob (NPC)"' in schema_text or "Bob (NPC)" in schema_text
    assert "Alice" in schema_text
    assert "apprentice" in page  # relationship labels are offered as choices


def test_picked_characters_and_rules_are_saved(staff_client, tiny_world):
    door = tiny_world.door_out
    rules = [{"type": "friend", "to": tiny_world.npc.pk}]

    response = staff_client.post(
        reverse("admin:world_exit_change", args=[door.pk]),
        exit_form_data(
            door, lock_allow_ids=json.dumps([tiny_world.player.pk]), lock_allow_relationships=json.dumps(rules)
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    door.refresh_from_db()
    assert door.is_locked and door.lock_allow_ids == [tiny_world.player.pk]
    assert door.lock_allow_relationships == rules


def test_a_character_of_another_world_cannot_be_picked(staff_client, tiny_world):
    stranger = factories.CharacterFactory(world=factories.WorldFactory(slug="elsewhere"))
    door = tiny_world.door_out

    response = staff_client.post(
        reverse("admin:world_exit_change", args=[door.pk]),
        exit_form_data(door, lock_allow_ids=json.dumps([stranger.pk])),
    )

    assert response.status_code == 200
    assert "Please correct the error" in response.content.decode()  # the picker's choices refuse it
    door.refresh_from_db()
    assert door.lock_allow_ids == []


def test_chosen_exits_are_locked_and_unlocked_in_bulk(staff_client, tiny_world):
    doors = [tiny_world.door_out, tiny_world.door_back]
    url = reverse("admin:world_exit_changelist")

    staff_client.post(url, {"action": "lock_exits", "_selected_action": [d.pk for d in doors]})
    assert all(d.is_locked for d in models.Exit.objects.filter(pk__in=[d.pk for d in doors]))

    response = staff_client.post(url, {"action": "unlock_exits", "_selected_action": [doors[0].pk]}, follow=True)
    assert "Unlocked 1 exit." in response.content.decode()
    assert not models.Exit.objects.get(pk=doors[0].pk).is_locked
    assert models.Exit.objects.get(pk=doors[1].pk).is_locked


def test_characters_are_moved_to_a_picked_room(staff_client, tiny_world):
    url = reverse("admin:world_character_changelist")
    chosen = [tiny_world.player.pk, tiny_world.npc.pk]

    page = staff_client.post(url, {"action": "move_characters", "_selected_action": chosen})
    assert page.status_code == 200 and "Move characters" in page.content.decode()

    done = staff_client.post(
        url,
        {"action": "move_characters", "_selected_action": chosen, "apply": "1", "room": tiny_world.kitchen.pk},
        follow=True,
    )
    assert "Moved 2 character(s) to" in done.content.decode()
    assert set(models.Character.objects.filter(pk__in=chosen).values_list("room", flat=True)) == {tiny_world.kitchen.pk}


def test_a_room_of_another_world_is_refused_when_moving(staff_client, tiny_world):
    far = factories.RoomFactory(world=factories.WorldFactory(slug="far"), key="far")
    url = reverse("admin:world_character_changelist")

    response = staff_client.post(
        url, {"action": "move_characters", "_selected_action": [tiny_world.player.pk], "apply": "1", "room": far.pk}
    )

    assert response.status_code == 200 and "must belong to this world" in response.content.decode()
    assert models.Character.objects.get(pk=tiny_world.player.pk).room_id != far.pk


def test_a_template_is_spawned_into_chosen_rooms(staff_client, tiny_world):
    bread = factories.ItemTemplateFactory(world=tiny_world.world, key="bread", name="Bread")
    rooms = [tiny_world.hall.pk, tiny_world.kitchen.pk]
    url = reverse("admin:world_room_changelist")

    done = staff_client.post(
        url,
        {"action": "spawn_template", "_selected_action": rooms, "apply": "1", "template": bread.pk, "count": 2},
        follow=True,
    )

    assert "Spawned 4 × Bread in 2 room(s)." in done.content.decode()
    for pk in rooms:
        assert models.Item.objects.filter(room_id=pk, template=bread).count() == 2
