"""What NPCs say back. A small seam: services build a DialogueRequest and ask a DialogueBackend.

`OfflineDialogue` is the default and what TinyMUD does without an AI key: a fixed, deterministic
answer (chosen by a hash of the NPC's name and the text, never by a random generator). A
language-model backend implements the same `reply` method and is selected with the
MUDSITE_DIALOGUE_BACKEND setting (a dotted path). Services call the backend *before* opening
their write transaction, so a slow model never holds database locks.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from typing import Literal, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DialogueMode = Literal["say", "tell", "whisper", "gesture"]


@dataclass(frozen=True)
class DialogueRequest:
    world_name: str
    world_description: str
    world_conflict: str
    npc_name: str
    npc_description: str
    speaker_name: str
    text: str
    mode: DialogueMode


class DialogueBackend(Protocol):
    def reply(self, request: DialogueRequest) -> str:
        """The NPC's spoken line (plain text, no quotes). May raise; callers turn that into silence."""
        ...


class OfflineDialogue:
    LINES = (
        "I hear you, {speaker}. Try 'look' to survey your surroundings.",
        "Hm. {speaker}, is it? I will think on what you said.",
        "Interesting words, {speaker}. These are strange times in {world}.",
        "Well met, {speaker}. Mind how you go.",
    )
    GESTURE_LINES = (
        "{npc} nods at {speaker}.",
        "{npc} acknowledges {speaker} with a glance.",
    )

    def reply(self, request: DialogueRequest) -> str:
        seed = hashlib.sha256(f"{request.npc_name}\x00{request.text}".encode()).digest()[0]
        lines = self.GESTURE_LINES if request.mode == "gesture" else self.LINES
        return lines[seed % len(lines)].format(
            speaker=request.speaker_name, npc=request.npc_name, world=request.world_name or "this world"
        )


@cache
def _backend_class(path: str) -> type:
    return import_string(path)


def dialogue_backend() -> DialogueBackend:
    path = getattr(settings, "MUDSITE_DIALOGUE_BACKEND", "world.npc_dialogue.OfflineDialogue")
    return _backend_class(path)()


def dialogue_reply(request: DialogueRequest, *, backend: DialogueBackend | None = None) -> str | None:
    """The NPC's line, or None when the backend failed (logged; the player never sees the error)."""
    try:
        return (backend or dialogue_backend()).reply(request).strip() or None
    except Exception:
        logger.exception("Dialogue backend failed for NPC %s", request.npc_name)
        return None
