"""Missions: ask, accept, abandon, offer (players and NPCs), progress from real events, rewards once,
deadlines, the builders' API and bad input."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from world.games.models import Mission, MissionStatus, ObjectiveKind
from world.models import Character, Event, EventKind, Item
from world.services import missions
from world.services.items import item_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def cup_template(tiny_world):
    return factories.ItemTemplateFactory(world=tiny_world.world, key="cup", name="silver cup")


@pytest.fixture
def dora(tiny_world, play):
    return play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Dora"))


def mission_feed(character):
    return list(Event.objects.filter(recipient=character, kind=EventKind.MISSION).values_list("text", flat=True))


def make(tiny_world, *, objectives, assignee=None, issuer=None, status=MissionStatus.ACTIVE, **fields):
    return missions.mission_create(
        world=tiny_world.world,
        title=fields.pop("title", "Errand"),
        objectives=objectives,
        issuer=issuer,
        assignee=assignee,
        status=status,
        **fields,
    )


def test_ask_an_npc_for_work_then_complete_it_by_picking_the_item_up(tiny_world, alice, cup_template):
    response = alice.post("missions/ask", {"npc": "Bob"})
    assert response.status_code == 201, response.json()
    mission = response.json()["mission"]
    assert mission["title"] == "Retrieve silver cup"
    assert mission["status"] == "pending" and mission["issuer"] == "Bob" and mission["assignee"] == "Alice"
    assert 10 <= mission["reward_currency"] <= 50 and mission["reward_xp"] == 100
    assert 3500 <= mission["seconds_left"] <= 3600
    assert mission["objectives"][0]["kind"] == "obtain" and mission["objectives"][0]["target"] == "cup"
    assert any("Bob offers you a mission" in t for t in mission_feed(tiny_world.player))

    mission_id = mission["id"][:8]
    assert alice.post(f"missions/{mission_id}/accept").json()["mission"]["status"] == "active"
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, template=cup_template, name="silver cup")
    assert alice.post("take", {"item": "silver cup"}).status_code == 200

    done = alice.get(f"missions/{mission_id}").json()
    assert done["status"] == "completed" and done["rewarded"] is True
    assert done["objectives"][0]["completed"] is True
    alice_row = Character.objects.get(pk=tiny_world.player.pk)
    assert alice_row.currency == mission["reward_currency"]
    assert alice_row.sheet["lifetime_stats"]["xp"] == 100
    assert any("Mission complete: Retrieve silver cup" in t for t in mission_feed(tiny_world.player))


def test_ask_in_a_world_without_templates_sends_you_somewhere(tiny_world, alice):
    mission = missions.mission_ask(character=tiny_world.player, npc_name="bob", rng=random.Random(1))
    assert mission.title == "Scout Kitchen"
    missions.mission_accept(character=tiny_world.player, mission_id=str(mission.uuid))
    assert alice.post("move", {"exit": "kitchen door"}).status_code == 200
    mission.refresh_from_db()
    assert mission.status == MissionStatus.COMPLETED


def test_rewards_are_paid_once(tiny_world, cup_template):
    mission = make(
        tiny_world,
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.OBTAIN, target_template=cup_template)],
        assignee=tiny_world.player,
        reward_currency=30,
        reward_items=["cup"],
    )
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, template=cup_template, name="silver cup")
    factories.ItemFactory(world=tiny_world.world, room=tiny_world.hall, template=cup_template, name="silver cup 2")
    item_take(character=tiny_world.player, item_name="silver cup 2")
    mission.refresh_from_db()
    assert mission.status == MissionStatus.COMPLETED and mission.rewarded
    item_take(character=tiny_world.player, item_name="silver cup")  # a second one pays nothing
    missions.mission_set_status(mission=mission, status=MissionStatus.COMPLETED)  # staff: already paid
    assert Character.objects.get(pk=tiny_world.player.pk).currency == 30
    # The reward item was spawned into the inventory beside the two picked up.
    assert Item.objects.filter(character=tiny_world.player, template=cup_template).count() == 3


def test_kill_objectives_through_the_combat_hook(tiny_world):
    victim = factories.NpcFactory(world=tiny_world.world, room=tiny_world.hall, name="Rat")
    mission = make(
        tiny_world,
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.KILL, target_character=victim)],
        assignee=tiny_world.player,
        reward_currency=5,
    )
    assert missions.mission_record_kill(killer=tiny_world.npc, victim=victim) == []  # not Bob's mission
    assert missions.mission_record_kill(killer=tiny_world.player, victim=victim) == [mission]
    assert missions.mission_record_kill(killer=tiny_world.player, victim=victim) == []
    assert Character.objects.get(pk=tiny_world.player.pk).currency == 5


def test_deadline_fails_the_mission_when_read_and_tells_the_assignee(tiny_world, alice):
    mission = make(
        tiny_world,
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=tiny_world.kitchen)],
        assignee=tiny_world.player,
        deadline=timezone.now() - timedelta(seconds=1),
    )
    pending = make(
        tiny_world,
        title="Later",
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=tiny_world.kitchen)],
        assignee=tiny_world.player,
        status=MissionStatus.PENDING,
        deadline=timezone.now() - timedelta(seconds=1),
    )
    body = alice.get("missions").json()
    assert {m["title"]: m["status"] for m in body["missions"]} == {"Errand": "failed", "Later": "expired"}
    assert "Mission 'Errand' failed: its deadline passed." in mission_feed(tiny_world.player)
    # Entering the room afterwards completes nothing.
    alice.post("move", {"exit": "kitchen door"})
    mission.refresh_from_db()
    pending.refresh_from_db()
    assert (mission.status, pending.status) == (MissionStatus.FAILED, MissionStatus.EXPIRED)


def test_deadline_fails_the_mission_on_the_world_clocks_tick(tiny_world):
    from world.simulation.clock import tick_world

    mission = make(
        tiny_world,
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=tiny_world.kitchen)],
        assignee=tiny_world.player,
        deadline=timezone.now() - timedelta(seconds=1),
    )
    on_time = make(
        tiny_world,
        title="On time",
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=tiny_world.kitchen)],
        assignee=tiny_world.player,
        deadline=timezone.now() + timedelta(hours=1),
    )
    tick_world(world=tiny_world.world, seed=1)
    mission.refresh_from_db()
    on_time.refresh_from_db()
    assert (mission.status, on_time.status) == (MissionStatus.FAILED, MissionStatus.ACTIVE)
    assert "Mission 'Errand' failed: its deadline passed." in mission_feed(tiny_world.player)


def test_abandon(tiny_world, alice):
    mission = make(
        tiny_world,
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=tiny_world.kitchen)],
        assignee=tiny_world.player,
    )
    response = alice.post(f"missions/{mission.uuid}/abandon")
    assert response.status_code == 200
    assert response.json()["mission"]["status"] == "failed"
    assert alice.post(f"missions/{mission.uuid}/abandon").status_code == 409
    assert alice.post(f"missions/{mission.uuid}/accept").status_code == 409


def test_offer_a_mission_to_a_player(tiny_world, alice, dora):
    mission = make(
        tiny_world,
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=tiny_world.kitchen)],
        issuer=tiny_world.player,
        status=MissionStatus.PENDING,
    )
    response = alice.post(f"missions/{mission.uuid}/offer", {"target": "Dora"})
    assert response.status_code == 200, response.json()
    assert response.json()["accepted"] is None
    assert "Alice offers you a mission: Errand." in mission_feed(dora.character)
    assert dora.post(f"missions/{mission.uuid}/accept").json()["mission"]["status"] == "active"
    assert "Dora accepts your mission 'Errand'." in mission_feed(tiny_world.player)


class TestNpcAcceptance:
    """reward × greed + relationship × 2 − risk ≥ 20 (TinyMUD's npc_mission_logic)."""

    def offer(self, tiny_world, alice, reward, kind=ObjectiveKind.KILL):
        target = {ObjectiveKind.KILL: {"target_character": tiny_world.player},
                  ObjectiveKind.VISIT: {"target_room": tiny_world.kitchen}}[kind]  # fmt: skip
        mission = make(
            tiny_world,
            objectives=[missions.ObjectiveSpec(kind=kind, **target)],
            issuer=tiny_world.player,
            status=MissionStatus.PENDING,
            reward_currency=reward,
        )
        return alice.post(f"missions/{mission.uuid}/offer", {"target": "Bob"}).json()

    def test_too_dangerous_for_the_pay(self, tiny_world, alice):
        # Bob: aggression 30, confidence 50 → risk 50 × 0.6 = 30; reward 40 − 30 = 10 < 20.
        body = self.offer(tiny_world, alice, 40)
        assert body["accepted"] is False
        assert body["message"] == 'Bob: "I\'m not interested."'
        body = self.offer(tiny_world, alice, 10)
        assert body["message"] == 'Bob: "Too dangerous for that pay."'
        assert body["mission"]["status"] == "pending"

    def test_enough_pay(self, tiny_world, alice):
        body = self.offer(tiny_world, alice, 50)  # 50 − 30 = 20
        assert body["accepted"] is True
        assert body["mission"]["status"] == "active" and body["mission"]["assignee"] == "Bob"

    def test_friendship_counts(self, tiny_world, alice):
        factories.RelationshipFactory(world=tiny_world.world, source=tiny_world.npc, target=tiny_world.player)
        assert self.offer(tiny_world, alice, 0, kind=ObjectiveKind.VISIT)["accepted"] is True  # 50 − 12 ≥ 20


class TestBuild:
    @pytest.fixture
    def builder(self, tiny_world, play):
        tiny_world.world.builders.add(tiny_world.player.account)
        return play(tiny_world.player)

    def test_create_list_status_delete(self, tiny_world, builder, cup_template):
        base = f"/api/worlds/{tiny_world.world.slug}/build/missions"
        response = builder.post(
            base,
            {
                "title": "Rat problem",
                "issuer": "Bob",
                "assignee": "Alice",
                "status": "active",
                "objectives": [
                    {"kind": "kill", "target": "Bob", "count": 1},
                    {"kind": "obtain", "target": "cup"},
                    {"kind": "visit", "target": "kitchen"},
                ],
                "reward_currency": 7,
                "reward_items": ["cup"],
            },
        )
        assert response.status_code == 201, response.json()
        mission = response.json()["mission"]
        assert [o["target"] for o in mission["objectives"]] == ["Bob", "cup", "kitchen"]
        assert [m["title"] for m in builder.get(base).json()] == ["Rat problem"]
        assert builder.get(base, status="failed").json() == []
        response = builder.post(f"{base}/{mission['id']}/status", {"status": "completed"})
        assert response.json()["mission"]["rewarded"] is True
        assert Character.objects.get(pk=tiny_world.player.pk).currency == 7
        builder.post(f"{base}/{mission['id']}/status", {"status": "active"})
        builder.post(f"{base}/{mission['id']}/status", {"status": "completed"})
        assert Character.objects.get(pk=tiny_world.player.pk).currency == 7  # paid once
        assert builder.client.delete(f"{base}/{mission['id']}", headers=builder.headers).status_code == 200
        assert not Mission.objects.exists()

    def test_players_are_not_builders(self, tiny_world, dora):
        assert dora.get(f"/api/worlds/{tiny_world.world.slug}/build/missions").status_code == 403

    def test_bad_missions(self, tiny_world, builder):
        base = f"/api/worlds/{tiny_world.world.slug}/build/missions"
        assert builder.post(base, {"title": ""}).status_code == 422
        assert builder.post(base, {"title": "x", "reward_currency": -1}).status_code == 422
        assert builder.post(base, {"title": "x", "objectives": [{"kind": "dance", "target": "Bob"}]}).status_code == 422
        assert (
            builder.post(base, {"title": "x", "objectives": [{"kind": "visit", "target": "moon"}]}).status_code == 404
        )
        assert builder.post(base, {"title": "x", "reward_items": ["nothing"]}).status_code == 404
        assert (
            builder.post(f"{base}/00000000-0000-0000-0000-000000000000/status", {"status": "active"}).status_code == 404
        )
        assert not Mission.objects.exists()


def test_play_bad_input(tiny_world, alice, dora):
    assert alice.post("missions/ask", {"npc": "Dora"}).status_code == 404  # a player, not an NPC
    assert alice.get("missions/abc").status_code == 422
    assert alice.get("missions/abcdef").status_code == 404
    mission = make(
        tiny_world,
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=tiny_world.kitchen)],
        assignee=tiny_world.player,
        status=MissionStatus.PENDING,
    )
    assert dora.post(f"missions/{mission.uuid}/accept").status_code == 404  # not hers to see
    assert alice.post(f"missions/{mission.uuid}/offer", {"target": "Dora"}).status_code == 403  # not the issuer


def test_staff_see_missions_in_the_admin(tiny_world, admin_client):
    mission = make(
        tiny_world,
        objectives=[missions.ObjectiveSpec(kind=ObjectiveKind.VISIT, target_room=tiny_world.kitchen)],
        assignee=tiny_world.player,
    )
    assert b"Errand" in admin_client.get("/admin/world/mission/").content
    assert admin_client.get(f"/admin/world/mission/{mission.pk}/change/").status_code == 200
