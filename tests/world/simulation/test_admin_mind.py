"""The admin's Character page shows what the world clock keeps in an NPC's mind: its plan, its
memories (the newest 50) and its ambition (issue 14 item 4), read by a staff user's real client."""

from __future__ import annotations

from django.urls import reverse

from tests import factories
from world.models import Character
from world.sheet import MEMORY_LIMIT
from world.simulation import ambitions
from world.simulation.clock import tick_world


def change_page(client, character) -> str:
    answer = client.get(reverse("admin:world_character_change", args=[character.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def staff_client(client):
    client.force_login(factories.UserFactory(username="keeper", is_staff=True, is_superuser=True))
    return client


def test_the_character_page_shows_plan_memories_and_ambition(client, tiny_world):
    sheet = {
        "plan_queue": [{"tool": "move", "args": {"exit": "kitchen door"}}, {"tool": "eat", "args": {"item": "bread"}}],
        "memories": [{"type": "explored_exit", "tick": 3, "room": "hall", "exit": "kitchen door"}],
        "ambition": ambitions.new_ambition("explorer"),
    }
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet=sheet)
    page = change_page(staff_client(client), tiny_world.npc)
    assert "move: exit kitchen door" in page and "eat: item bread" in page
    assert "tick 3: explored_exit" in page and "exit kitchen door" in page
    ambition = sheet["ambition"]
    assert ambition["name"] in page and ambition["milestones"][0]["description"] in page


def test_an_npc_with_nothing_in_mind_says_so(client, tiny_world):
    page = change_page(staff_client(client), tiny_world.npc)
    assert "No plan." in page and "No memories." in page and "No ambition." in page


def test_a_hand_edited_51st_memory_is_gone_after_a_tick_and_the_page_shows_50(client, tiny_world):
    memories = [{"type": "chat", "tick": 0, "said": f"line {n:02d}"} for n in range(MEMORY_LIMIT + 1)]
    Character.objects.filter(pk=tiny_world.npc.pk).update(sheet={"memories": memories})
    tick_world(world=tiny_world.world)
    kept = Character.objects.get(pk=tiny_world.npc.pk).sheet["memories"]
    assert len(kept) == MEMORY_LIMIT and kept[0]["said"] == "line 01", "the oldest went"
    page = change_page(staff_client(client), tiny_world.npc)
    assert page.count('class="npc-memory"') == MEMORY_LIMIT
    assert "line 00" not in page and "line 50" in page
    assert f"Memories ({MEMORY_LIMIT} of at most {MEMORY_LIMIT})" in page
