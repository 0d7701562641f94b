"""Say, tell, whisper, gesture; NPC replies (deterministic, offline) and their socialization."""

from __future__ import annotations

import pytest

from tests import factories
from world.models import Character
from world.npc_dialogue import DialogueRequest, OfflineDialogue, dialogue_reply
from world.services.speech import third_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora(tiny_world, play):
    return play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Dora"))


def test_the_speaker_sees_its_own_line_and_the_room_hears_it(tiny_world, alice, dora):
    response = alice.post("say", {"text": "hello there"})
    assert response.status_code == 200
    assert response.json() == {"message": 'You say, "hello there"', "replies": []}
    assert alice.feed() == ['You say, "hello there"']
    assert dora.feed() == ['Alice says, "hello there"']


def test_say_to_an_npc_gets_a_deterministic_reply_and_socialization(tiny_world, alice, dora):
    Character.objects.filter(pk=tiny_world.npc.pk).update(socialization=50)
    first = alice.post("say", {"text": "good morning", "to": ["bob"]}).json()
    assert first["message"] == 'You say to Bob, "good morning"'
    [reply] = first["replies"]
    assert reply["name"] == "Bob"
    assert reply["text"]
    assert f'Bob says to Alice, "{reply["text"]}"' in dora.feed()
    assert f'Bob says to you, "{reply["text"]}"' in alice.feed()
    assert Character.objects.get(pk=tiny_world.npc.pk).socialization == 60
    # Same NPC, same words: same answer.
    again = alice.post("say", {"text": "good morning", "to": ["Bob"]}).json()
    assert again["replies"] == first["replies"]
    assert Character.objects.get(pk=tiny_world.npc.pk).socialization == 70


def test_socialization_is_clamped_at_100(tiny_world, alice):
    Character.objects.filter(pk=tiny_world.npc.pk).update(socialization=95)
    alice.post("say", {"text": "hi", "to": ["Bob"]})
    assert Character.objects.get(pk=tiny_world.npc.pk).socialization == 100


def test_naming_an_npc_in_plain_speech_draws_a_reply(tiny_world, alice):
    assert alice.post("say", {"text": "Is Bob around?"}).json()["replies"][0]["name"] == "Bob"
    assert alice.post("say", {"text": "Bobcats everywhere"}).json()["replies"] == []  # whole words only


def test_say_to_someone_absent_is_404(tiny_world, alice):
    assert alice.post("say", {"text": "hi", "to": ["Zed"]}).status_code == 404


def test_empty_speech_is_422(tiny_world, alice):
    assert alice.post("say", {"text": "   "}).status_code == 422


def test_tell_is_heard_by_the_room(tiny_world, alice, dora, play):
    eve = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Eve"))
    assert alice.post("tell", {"target": "dora", "text": "psst"}).json()["message"] == 'You tell Dora, "psst"'
    assert dora.feed() == ['Alice tells you, "psst"']
    assert eve.feed() == ['Alice tells Dora, "psst"']


def test_tell_an_npc_replies_publicly(tiny_world, alice, dora):
    reply = alice.post("tell", {"target": "Bob", "text": "what news?"}).json()["replies"][0]["text"]
    assert f'Bob says to Alice, "{reply}"' in dora.feed()


def test_whispers_reach_only_the_two_parties(tiny_world, alice, dora, play):
    eve = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Eve"))
    response = alice.post("whisper", {"target": "Dora", "text": "meet me later"})
    assert response.json()["message"] == 'You whisper to Dora: "meet me later"'
    assert alice.feed() == ['You whisper to Dora: "meet me later"']
    assert dora.feed() == ['Alice whispers to you: "meet me later"']
    assert eve.feed() == []


def test_an_npc_whispers_back_to_the_speaker_only(tiny_world, alice, dora):
    reply = alice.post("whisper", {"target": "Bob", "text": "a secret"}).json()["replies"][0]["text"]
    assert f'Bob whispers to you, "{reply}"' in alice.feed()
    assert dora.feed() == []


def test_gesture(tiny_world, alice, dora):
    assert alice.post("gesture", {"verb": "wave"}).json()["message"] == "You wave."
    assert dora.feed() == ["Alice waves."]
    last = dora.get("events").json()["last_id"]
    assert (
        alice.post("gesture", {"verb": "bow deeply", "target": "dora"}).json()["message"] == "You bow deeply to Dora."
    )
    assert dora.feed(after=last) == ["Alice bows deeply to you."]


def test_gesture_at_an_npc_draws_a_reaction(tiny_world, alice):
    body = alice.post("gesture", {"verb": "salute", "target": "Bob"}).json()
    assert body["replies"][0]["text"].startswith("Bob ")
    assert body["replies"][0]["text"] in alice.feed()


@pytest.mark.parametrize(
    ("verb", "acted"),
    [("wave", "waves"), ("cry", "cries"), ("play", "plays"), ("wash hands", "washes hands"), ("buzz", "buzzes")],
)
def test_third_person(verb, acted):
    assert third_person(verb) == acted


def request_for(npc: str, text: str) -> DialogueRequest:
    return DialogueRequest("W", "", "", npc, "", "Alice", text, "say")


def test_offline_dialogue_is_deterministic_and_varies_by_npc_and_text():
    backend = OfflineDialogue()
    assert backend.reply(request_for("Bob", "hi")) == backend.reply(request_for("Bob", "hi"))
    answers = {backend.reply(request_for(npc, text)) for npc in ("Bob", "Ann", "Cy") for text in ("a", "b", "c")}
    assert len(answers) > 1
    assert backend.reply(request_for("Bob", "hi")).count("Alice") == 1


def test_a_failing_backend_means_silence_not_an_error(caplog):
    class Broken:
        def reply(self, request):
            raise RuntimeError("model down: secret details")

    assert dialogue_reply(request_for("Bob", "hi"), backend=Broken()) is None
    assert "Dialogue backend failed" in caplog.text


def test_the_backend_is_chosen_by_setting(tiny_world, alice, settings):
    settings.MUDSITE_DIALOGUE_BACKEND = "tests.world.api.test_play_speech.EchoDialogue"
    assert alice.post("say", {"text": "ping", "to": ["Bob"]}).json()["replies"][0]["text"] == "Bob heard: ping"


class EchoDialogue:
    def reply(self, request: DialogueRequest) -> str:
        return f"{request.npc_name} heard: {request.text}"


def test_npc_socialization_changes_request_a_save(tiny_world, alice, monkeypatch):
    from persistence import facade

    requested = []
    monkeypatch.setattr(facade, "save_world", lambda world, **kw: requested.append(world.slug))
    alice.post("say", {"text": "no one in particular"})
    assert requested == []  # plain speech changes no world state
    alice.post("say", {"text": "hello", "to": ["Bob"]})
    assert requested == ["tiny"]
