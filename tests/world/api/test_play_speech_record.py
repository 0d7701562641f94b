"""Speech's whole observable record pinned: every answer, every feed row (recipient, kind, actor, text,
data, in id order) and the NPCs' socialization, for a script of says, tells, whispers and gestures in a
room with players, live and dead NPCs and a player next door. Recorded from the code before the say
path stopped building model instances for the people in the room; any rewrite of speech must keep it."""

from __future__ import annotations

import pytest

from tests import factories
from world.models import Character, Event
from world.npc_dialogue import DialogueRequest

pytestmark = pytest.mark.django_db

SCRIPT = [
    ("say", {"text": "hello there"}),
    ("say", {"text": "good morning", "to": ["bob"]}),
    ("say", {"text": "hi both", "to": ["Dora", "Bob"]}),
    ("say", {"text": "Is Bob around? And cook?"}),
    ("say", {"text": "Bobcats and ghosts everywhere"}),
    ("say", {"text": "  spaced out  "}),
    ("say", {"text": "hi", "to": ["Zed"]}),
    ("say", {"text": "hi", "to": ["ghost"]}),
    ("tell", {"target": "Dora", "text": "psst, cook is here"}),
    ("tell", {"target": "Bob", "text": "how are you"}),
    ("whisper", {"target": "Dora", "text": "secret"}),
    ("whisper", {"target": "Cook", "text": "any soup?"}),
    ("gesture", {"verb": "wave"}),
    ("gesture", {"verb": "bow", "target": "Bob"}),
    ("gesture", {"verb": "wash hands", "target": "Dora"}),
]

EXPECTED_ANSWERS = [
    (200, {"message": 'You say, "hello there"', "replies": []}),
    (
        200,
        {"message": 'You say to Bob, "good morning"', "replies": [{"name": "Bob", "text": "Bob heard: good morning"}]},
    ),
    (
        200,
        {
            "message": 'You say to Dora and Bob, "hi both"',
            "replies": [{"name": "Bob", "text": "Bob heard: hi both"}],
        },
    ),
    (
        200,
        {
            "message": 'You say, "Is Bob around? And cook?"',
            "replies": [
                {"name": "Bob", "text": "Bob heard: Is Bob around? And cook?"},
                {"name": "Cook", "text": "Cook heard: Is Bob around? And cook?"},
            ],
        },
    ),
    (200, {"message": 'You say, "Bobcats and ghosts everywhere"', "replies": []}),
    (200, {"message": 'You say, "spaced out"', "replies": []}),
    (404, None),
    (404, None),
    (
        200,
        {
            "message": 'You tell Dora, "psst, cook is here"',
            "replies": [{"name": "Cook", "text": "Cook heard: psst, cook is here"}],
        },
    ),
    (200, {"message": 'You tell Bob, "how are you"', "replies": [{"name": "Bob", "text": "Bob heard: how are you"}]}),
    (200, {"message": 'You whisper to Dora: "secret"', "replies": []}),
    (
        200,
        {"message": 'You whisper to Cook: "any soup?"', "replies": [{"name": "Cook", "text": "Cook heard: any soup?"}]},
    ),
    (200, {"message": "You wave.", "replies": []}),
    (
        200,
        {
            "message": "You bow to Bob.",
            "replies": [{"name": "Bob", "text": "Bob heard: performs a gesture: 'bow' to you."}],
        },
    ),
    (200, {"message": "You wash hands to Dora.", "replies": []}),
]

EXPECTED_FEED: list[tuple[str, str, str, str, dict]] = [
    ("Alice", "say", "Alice", 'You say, "hello there"', {}),
    ("Dora", "say", "Alice", 'Alice says, "hello there"', {}),
    ("Alice", "say", "Alice", 'You say to Bob, "good morning"', {"to": ["Bob"]}),
    ("Dora", "say", "Alice", 'Alice says to Bob, "good morning"', {"to": ["Bob"]}),
    ("Alice", "npc_reply", "Bob", 'Bob says to you, "Bob heard: good morning"', {}),
    ("Dora", "npc_reply", "Bob", 'Bob says to Alice, "Bob heard: good morning"', {}),
    ("Alice", "say", "Alice", 'You say to Dora and Bob, "hi both"', {"to": ["Dora", "Bob"]}),
    ("Dora", "say", "Alice", 'Alice says to Dora and Bob, "hi both"', {"to": ["Dora", "Bob"]}),
    ("Alice", "npc_reply", "Bob", 'Bob says to you, "Bob heard: hi both"', {}),
    ("Dora", "npc_reply", "Bob", 'Bob says to Alice, "Bob heard: hi both"', {}),
    ("Alice", "say", "Alice", 'You say, "Is Bob around? And cook?"', {}),
    ("Dora", "say", "Alice", 'Alice says, "Is Bob around? And cook?"', {}),
    ("Alice", "npc_reply", "Bob", 'Bob says to you, "Bob heard: Is Bob around? And cook?"', {}),
    ("Dora", "npc_reply", "Bob", 'Bob says to Alice, "Bob heard: Is Bob around? And cook?"', {}),
    ("Alice", "npc_reply", "Cook", 'Cook says to you, "Cook heard: Is Bob around? And cook?"', {}),
    ("Dora", "npc_reply", "Cook", 'Cook says to Alice, "Cook heard: Is Bob around? And cook?"', {}),
    ("Alice", "say", "Alice", 'You say, "Bobcats and ghosts everywhere"', {}),
    ("Dora", "say", "Alice", 'Alice says, "Bobcats and ghosts everywhere"', {}),
    ("Alice", "say", "Alice", 'You say, "spaced out"', {}),
    ("Dora", "say", "Alice", 'Alice says, "spaced out"', {}),
    ("Alice", "tell", "Alice", 'You tell Dora, "psst, cook is here"', {"target": "Dora"}),
    ("Dora", "tell", "Alice", 'Alice tells you, "psst, cook is here"', {"target": "Dora"}),
    ("Alice", "npc_reply", "Cook", 'Cook says to you, "Cook heard: psst, cook is here"', {}),
    ("Dora", "npc_reply", "Cook", 'Cook says to Alice, "Cook heard: psst, cook is here"', {}),
    ("Dora", "tell", "Alice", 'Alice tells Bob, "how are you"', {"target": "Bob"}),
    ("Alice", "tell", "Alice", 'You tell Bob, "how are you"', {"target": "Bob"}),
    ("Alice", "npc_reply", "Bob", 'Bob says to you, "Bob heard: how are you"', {}),
    ("Dora", "npc_reply", "Bob", 'Bob says to Alice, "Bob heard: how are you"', {}),
    ("Alice", "whisper", "Alice", 'You whisper to Dora: "secret"', {"target": "Dora"}),
    ("Dora", "whisper", "Alice", 'Alice whispers to you: "secret"', {"target": "Dora"}),
    ("Alice", "whisper", "Alice", 'You whisper to Cook: "any soup?"', {"target": "Cook"}),
    ("Alice", "npc_reply", "Cook", 'Cook whispers to you, "Cook heard: any soup?"', {}),
    ("Alice", "gesture", "Alice", "You wave.", {"target": None, "verb": "wave"}),
    ("Dora", "gesture", "Alice", "Alice waves.", {"target": None, "verb": "wave"}),
    ("Dora", "gesture", "Alice", "Alice bows to Bob.", {"target": "Bob", "verb": "bow"}),
    ("Alice", "gesture", "Alice", "You bow to Bob.", {"target": "Bob", "verb": "bow"}),
    ("Alice", "npc_reply", "Bob", "Bob heard: performs a gesture: 'bow' to you.", {}),
    ("Dora", "npc_reply", "Bob", "Bob heard: performs a gesture: 'bow' to you.", {}),
    ("Alice", "gesture", "Alice", "You wash hands to Dora.", {"target": "Dora", "verb": "wash hands"}),
    ("Dora", "gesture", "Alice", "Alice washes hands to you.", {"target": "Dora", "verb": "wash hands"}),
]
EXPECTED_SOCIALIZATION: dict[str, float] = {"Bob": 100.0, "Cook": 80.0, "Ghost": 50.0}


class EchoDialogue:
    """Answers every NPC, and keeps what each was told (the request carries the NPC's description)."""

    heard: list[DialogueRequest] = []

    def reply(self, request: DialogueRequest) -> str:
        EchoDialogue.heard.append(request)
        return f"{request.npc_name} heard: {request.text}"


@pytest.fixture
def room(tiny_world, play, settings):
    settings.MUDSITE_DIALOGUE_BACKEND = "tests.world.api.test_play_speech_record.EchoDialogue"
    world, hall = tiny_world.world, tiny_world.hall
    factories.CharacterFactory(world=world, room=hall, name="Dora")
    factories.NpcFactory(world=world, room=hall, name="Cook", description="Flour to the elbows.")
    factories.NpcFactory(world=world, room=hall, name="Ghost", is_dead=True)
    factories.CharacterFactory(world=world, room=tiny_world.kitchen, name="Eve")
    Character.objects.filter(is_npc=True).update(socialization=50)
    EchoDialogue.heard = []
    return play(tiny_world.player)


def record(alice):
    answers = []
    for verb, body in SCRIPT:
        response = alice.post(verb, body)
        answers.append((response.status_code, response.json() if response.status_code == 200 else None))
    feed = [
        (e.recipient.name, e.kind, e.actor, e.text, e.data)
        for e in Event.objects.select_related("recipient").order_by("id")
    ]
    social = dict(Character.objects.filter(is_npc=True).order_by("name").values_list("name", "socialization"))
    return answers, feed, social


def test_speech_answers_feed_rows_and_socialization_are_as_recorded(room):
    answers, feed, social = record(room)
    assert answers == EXPECTED_ANSWERS
    assert feed == EXPECTED_FEED
    assert social == EXPECTED_SOCIALIZATION


def test_each_npc_is_asked_with_its_own_description_and_the_world(room, tiny_world):
    record(room)
    described = dict(Character.objects.filter(is_npc=True).values_list("name", "description"))
    asked = [(r.npc_name, r.npc_description, r.speaker_name, r.mode, r.world_name) for r in EchoDialogue.heard]
    assert asked == [
        (name, described[name], "Alice", mode, tiny_world.world.name)
        for name, mode in [
            ("Bob", "say"),
            ("Bob", "say"),
            ("Bob", "say"),
            ("Cook", "say"),
            ("Cook", "tell"),
            ("Bob", "tell"),
            ("Cook", "whisper"),
            ("Bob", "gesture"),
        ]
    ]
