"""Speech: say, tell, whisper and gesture, and the NPC replies they draw (TinyMUD §3.4, §4.9).

Fixed from TinyMUD: the speaker sees its own line; replies are deterministic (addressed NPCs
always answer; NPCs named by whole word in plain speech answer too, instead of a 33 % dice roll
nobody can test); a failing dialogue backend means silence, never an error text for the player;
socialization gains persist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Least

from persistence import facade
from world.exceptions import Invalid
from world.fuzzy import fuzzy_resolve
from world.models import Character, EventKind, Room
from world.npc_dialogue import DialogueMode, DialogueRequest, dialogue_reply
from world.play_sql import Present, present_in
from world.selectors import character_room
from world.services.events import EventBatch

TEXT_MAX = 1000
SOCIAL_GAIN = 10.0


@dataclass
class NpcReply:
    npc: Present
    text: str
    private: bool = False
    narrated: bool = False  # a described reaction ("Bob nods at Alice."), not a quoted line


@dataclass
class SpeechResult:
    message: str
    replies: list[NpcReply] = field(default_factory=list)


def _clean_text(text: str, *, what: str = "say") -> str:
    text = text.strip()
    if not text:
        raise Invalid(f"What do you {what}? Add some text.", details={"field": "text"})
    if len(text) > TEXT_MAX:
        raise Invalid(f"That is too long (max {TEXT_MAX} characters).", details={"field": "text"})
    return text


def _present(*, room: Room) -> list[Present]:
    """Everyone in the room, the speaker included (one query)."""
    return present_in(room_id=room.pk)


def _resolve_other(*, character: Character, present: list[Present], target: str) -> Present:
    others = [c for c in present if c.pk != character.pk]
    return fuzzy_resolve(target, others, lambda c: c.name, what="character")


def _players(present: list[Present]) -> list[int]:
    return [c.pk for c in present if not c.is_npc]


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _mentioned_npcs(text: str, present: list[Present]) -> list[Present]:
    return [c for c in present if c.is_npc and _names(text, c.name)]


def _names(text: str, name: str) -> bool:
    """`name` as a whole word in `text`, case-insensitively. An NPC whose name is not even a substring
    skips the regex (most of a room's NPCs, on every say); only for ASCII on both sides, where
    `lower()` agrees with the regex's case folding (which also matches e.g. the Kelvin sign to k)."""
    if text.isascii() and name.isascii() and name.lower() not in text.lower():
        return False
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE) is not None


def _ask(*, character: Character, npcs: list[Present], text: str, mode: DialogueMode) -> list[NpcReply]:
    world = character.world
    replies = []
    for npc in npcs:
        request = DialogueRequest(
            world_name=world.name,
            world_description=world.description,
            world_conflict=world.conflict,
            npc_name=npc.name,
            npc_description=npc.description,
            speaker_name=character.name,
            text=text,
            mode=mode,
        )
        line = dialogue_reply(request)
        if line:
            replies.append(NpcReply(npc=npc, text=line, private=mode == "whisper", narrated=mode == "gesture"))
    return replies


def _write(*, character: Character, present: list[Present], events: EventBatch, replies: list[NpcReply]) -> None:
    """Reply events, socialization gains and the speaker's events, in one transaction."""
    for reply in replies:
        npc = reply.npc.name
        if reply.private:
            events.add(
                recipients=[character.pk],
                kind=EventKind.NPC_REPLY,
                actor=npc,
                text=f'{npc} whispers to you, "{reply.text}"',
            )
        elif reply.narrated:
            events.add(recipients=_players(present), kind=EventKind.NPC_REPLY, actor=npc, text=reply.text)
        else:
            events.add(
                recipients=_players(present),
                kind=EventKind.NPC_REPLY,
                actor=npc,
                text=f'{npc} says to {character.name}, "{reply.text}"',
                actor_id=character.pk,
                actor_text=f'{npc} says to you, "{reply.text}"',
            )
    with transaction.atomic():
        events.write()
        if replies:
            Character.objects.filter(pk__in={r.npc.pk for r in replies}).update(
                socialization=Least(F("socialization") + SOCIAL_GAIN, Value(100.0))
            )
            facade.save_world(character.world)  # a bulk update sends no signal


def speech_say(*, character: Character, text: str, to: list[str] | None = None) -> SpeechResult:
    """Say something to the room, optionally addressed to some of those present (they answer if NPCs)."""
    text = _clean_text(text)
    room = character_room(character=character)
    present = _present(room=room)
    addressed = [_resolve_other(character=character, present=present, target=name) for name in to or []]
    addressed = list({c.pk: c for c in addressed}.values())
    npcs = {c.pk: c for c in addressed if c.is_npc}
    npcs.update({c.pk: c for c in _mentioned_npcs(text, present)})
    replies = _ask(character=character, npcs=list(npcs.values()), text=text, mode="say")
    names = _join_names([c.name for c in addressed]) if addressed else ""
    own = f'You say to {names}, "{text}"' if names else f'You say, "{text}"'
    events = EventBatch(world_id=character.world_id)
    events.add(
        recipients=_players(present),
        kind=EventKind.SAY,
        actor=character.name,
        text=f'{character.name} says to {names}, "{text}"' if names else f'{character.name} says, "{text}"',
        data={"to": [c.name for c in addressed]} if addressed else {},
        actor_id=character.pk,
        actor_text=own,
    )
    _write(character=character, present=present, events=events, replies=replies)
    return SpeechResult(message=own, replies=replies)


def speech_tell(*, character: Character, target: str, text: str) -> SpeechResult:
    """Speech aimed at one character that the whole room hears; an NPC target answers publicly."""
    text = _clean_text(text)
    present = _present(room=character_room(character=character))
    whom = _resolve_other(character=character, present=present, target=target)
    npcs = {whom.pk: whom} if whom.is_npc else {}
    npcs.update({c.pk: c for c in _mentioned_npcs(text, present)})
    replies = _ask(character=character, npcs=list(npcs.values()), text=text, mode="tell")
    own = f'You tell {whom.name}, "{text}"'
    data = {"target": whom.name}
    events = EventBatch(world_id=character.world_id)
    bystanders = [i for i in _players(present) if i not in (character.pk, whom.pk)]
    kind, actor = EventKind.TELL, character.name
    events.add(recipients=bystanders, kind=kind, actor=actor, text=f'{actor} tells {whom.name}, "{text}"', data=data)
    events.add(recipients=[character.pk], kind=kind, actor=actor, text=own, data=data)
    if not whom.is_npc:
        events.add(recipients=[whom.pk], kind=kind, actor=actor, text=f'{actor} tells you, "{text}"', data=data)
    _write(character=character, present=present, events=events, replies=replies)
    return SpeechResult(message=own, replies=replies)


def speech_whisper(*, character: Character, target: str, text: str) -> SpeechResult:
    """Private speech: only the two parties see it; an NPC answers privately to the speaker."""
    text = _clean_text(text, what="whisper")
    present = _present(room=character_room(character=character))
    whom = _resolve_other(character=character, present=present, target=target)
    replies = _ask(character=character, npcs=[whom] if whom.is_npc else [], text=text, mode="whisper")
    own = f'You whisper to {whom.name}: "{text}"'
    data = {"target": whom.name}
    events = EventBatch(world_id=character.world_id)
    kind, actor = EventKind.WHISPER, character.name
    events.add(recipients=[character.pk], kind=kind, actor=actor, text=own, data=data)
    if not whom.is_npc:
        events.add(recipients=[whom.pk], kind=kind, actor=actor, text=f'{actor} whispers to you: "{text}"', data=data)
    _write(character=character, present=present, events=events, replies=replies)
    return SpeechResult(message=own, replies=replies)


def third_person(verb: str) -> str:
    """'wave' → 'waves', 'cry' → 'cries', 'wash hands' → 'washes hands' (the first word only)."""
    first, _, rest = verb.partition(" ")
    lowered = first.casefold()
    if len(first) > 1 and lowered.endswith("y") and lowered[-2] not in "aeiou":
        first = first[:-1] + "ies"
    elif lowered.endswith(("s", "sh", "ch", "x", "z", "o")):
        first += "es"
    else:
        first += "s"
    return f"{first} {rest}".rstrip()


def speech_gesture(*, character: Character, verb: str, target: str | None = None) -> SpeechResult:
    """An emote: 'You wave to Bob.' / 'Alice waves to Bob.' / 'Alice waves to you.'; a targeted NPC reacts."""
    verb = " ".join(verb.split())
    if not verb:
        raise Invalid("Usage: gesture <verb> [to <target>].", details={"field": "verb"})
    if len(verb) > 100:
        raise Invalid("That gesture is too long (max 100 characters).", details={"field": "verb"})
    present = _present(room=character_room(character=character))
    whom = _resolve_other(character=character, present=present, target=target) if target else None
    acted = third_person(verb)
    events = EventBatch(world_id=character.world_id)
    kind, actor = EventKind.GESTURE, character.name
    data = {"verb": verb, "target": whom.name if whom else None}
    if whom is None:
        own = f"You {verb}."
        events.add(
            recipients=_players(present),
            kind=kind,
            actor=actor,
            text=f"{actor} {acted}.",
            data=data,
            actor_id=character.pk,
            actor_text=own,
        )
        replies: list[NpcReply] = []
    else:
        own = f"You {verb} to {whom.name}."
        bystanders = [i for i in _players(present) if i not in (character.pk, whom.pk)]
        events.add(recipients=bystanders, kind=kind, actor=actor, text=f"{actor} {acted} to {whom.name}.", data=data)
        events.add(recipients=[character.pk], kind=kind, actor=actor, text=own, data=data)
        if not whom.is_npc:
            events.add(recipients=[whom.pk], kind=kind, actor=actor, text=f"{actor} {acted} to you.", data=data)
        prompt = f"performs a gesture: '{verb}' to you."
        replies = _ask(character=character, npcs=[whom] if whom.is_npc else [], text=prompt, mode="gesture")
    _write(character=character, present=present, events=events, replies=replies)
    return SpeechResult(message=own, replies=replies)
