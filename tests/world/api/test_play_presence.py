"""`look` shows who is really there (issue 9.8): NPCs always, players whose client was active within
`MUDSITE_PRESENCE_SECONDS`; the others are listed asleep, as TinyMUD showed disconnected players."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services.tokens import token_issue
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sleeper_and_waker(tiny_world):
    sleeper = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Carol")
    token_issue(user=sleeper.account)
    ApiToken.objects.filter(user=sleeper.account).update(last_used_at=timezone.now() - timedelta(hours=2))
    waker = factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Dave")
    token_issue(user=waker.account)
    return sleeper, waker


def test_look_marks_players_asleep_or_online_and_npcs_online(alice, sleeper_and_waker):
    answer = alice.get("look")
    assert answer.status_code == 200, answer.json()
    people = {c["name"]: c for c in answer.json()["characters"]}
    assert people["Carol"]["online"] is False and people["Carol"]["last_seen"] is not None
    assert people["Dave"]["online"] is True
    assert people["Bob"]["online"] is True and people["Bob"]["last_seen"] is None
    assert "Here: Carol (asleep), Dave, Bob (NPC)." in answer.json()["message"]


def test_a_player_who_never_logged_in_is_asleep(alice, tiny_world):
    factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Imported")
    people = {c["name"]: c for c in alice.get("look").json()["characters"]}
    assert people["Imported"] == {
        "name": "Imported",
        "is_npc": False,
        "is_dead": False,
        "online": False,
        "last_seen": None,
    }


def test_the_presence_window_is_a_setting(alice, sleeper_and_waker, settings):
    settings.MUDSITE_PRESENCE_SECONDS = 3 * 3600
    people = {c["name"]: c for c in alice.get("look").json()["characters"]}
    assert people["Carol"]["online"] is True


def test_look_at_a_player_shows_presence(alice, sleeper_and_waker):
    answer = alice.get("look/Carol")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["character"]["online"] is False
