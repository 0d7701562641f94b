"""Schemas of /api/worlds/{world}/play: what a character perceives and does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from world.schemas.common import Text
from world.schemas.simulation import GameTimeOut


class PlayRoomOut(Schema):
    key: str
    name: str
    description: str


class PlayExitOut(Schema):
    name: str
    kind: str = Field(description="door, stairs_up, stairs_down or portal")
    locked: bool
    destination: str = Field(description="The name of the room it leads to.")


class CharacterBriefOut(Schema):
    name: str
    is_npc: bool
    is_dead: bool
    online: bool = Field(description="NPCs always; players whose client was active in the last few minutes.")
    last_seen: datetime | None = Field(None, description="When a player's client was last active (null for NPCs).")


class PlayItemOut(Schema):
    name: str
    carry: str = Field(description="small, large or fixed (Immovable)")
    tags: list[Any]
    owner: str | None


class LookOut(Schema):
    room: PlayRoomOut
    exits: list[PlayExitOut]
    characters: list[CharacterBriefOut] = Field(description="Everyone else here, players first.")
    items: list[PlayItemOut] = Field(description="What lies on the floor.")
    time: GameTimeOut = Field(description="The world's game time (rooms tagged external also say it).")
    message: str


class RelationOut(Schema):
    name: str
    label: str


class RelationshipsOut(Schema):
    outgoing: list[RelationOut]
    incoming: list[RelationOut]


class CharacterDetailOut(CharacterBriefOut):
    description: str
    relationships: RelationshipsOut


class ItemDetailOut(PlayItemOut):
    description: str
    material: str
    quality: str
    durability: int | None
    value: int | None
    loot_hint: str
    crafting_recipe: list[Any]
    deconstruct_recipe: list[Any]


class LookAtOut(Schema):
    kind: str = Field(description="character, item or exit")
    name: str
    message: str
    character: CharacterDetailOut | None = None
    item: ItemDetailOut | None = None
    exit: PlayExitOut | None = None


class MoveIn(Schema):
    exit: Text = Field(
        max_length=200, description="A door's name, up, down, or a travel point's name (fuzzy; may be empty if one)."
    )


class MoveOut(LookOut):
    moved_through: PlayExitOut


# Speech


class SayIn(Schema):
    text: Text = Field(max_length=1000)
    to: list[Text] | None = Field(default=None, max_length=10, description="Names of those addressed.")


class TargetTextIn(Schema):
    target: Text = Field(max_length=100)
    text: Text = Field(max_length=1000)


class GestureIn(Schema):
    verb: Text = Field(max_length=100, examples=["wave"])
    target: Text | None = Field(default=None, max_length=100)


class ReplyOut(Schema):
    name: str
    text: str


class SpeechOut(Schema):
    message: str
    replies: list[ReplyOut] = Field(description="NPC answers (also delivered to the event feed).")


# The sheet and inventory


class SlotOut(Schema):
    slot: int
    label: str
    item: PlayItemOut | None


class NeedsOut(Schema):
    hunger: float
    thirst: float
    socialization: float
    sleep: float
    safety: float


class SheetOut(Schema):
    name: str
    description: str
    world: str
    room: PlayRoomOut | None
    needs: NeedsOut
    currency: int
    inventory: list[SlotOut]
    relationships: RelationshipsOut
    time: GameTimeOut


class JoinIn(Schema):
    name: Text = Field(max_length=100)
    description: Text = Field(default="", max_length=2000)


class SheetPatchIn(Schema):
    name: Text | None = Field(default=None, max_length=100)
    description: Text | None = Field(default=None, max_length=2000)


class ItemIn(Schema):
    item: Text = Field(max_length=200)


class GiveIn(ItemIn):
    target: Text = Field(max_length=100)


class InventoryOut(Schema):
    slots: list[SlotOut]
    message: str


class ItemActionOut(Schema):
    message: str
    item: PlayItemOut
    inventory: list[SlotOut]


# Events


class EventOut(Schema):
    id: int
    kind: str
    actor: str
    text: str
    data: dict[str, Any]
    created_at: datetime


class EventsOut(Schema):
    events: list[EventOut]
    last_id: int | None = Field(description="Pass as `after` next time (unchanged when nothing new).")
