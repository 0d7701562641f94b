"""Schemas of the game systems on /api/worlds/{world}/play: combat, dice, help."""

from __future__ import annotations

from ninja import Field, Schema

from world.schemas.common import Text
from world.schemas.play import PlayExitOut, PlayRoomOut

# Combat


class AttackIn(Schema):
    target: Text = Field(max_length=100, description="Who to attack, by full name (fuzzy: 'Captain Mara', 'capt').")


class CombatantOut(Schema):
    name: str
    is_npc: bool
    hp: int
    max_hp: int
    is_dead: bool
    yielded: bool


class AttackOut(Schema):
    message: str
    damage: int
    killed: bool
    yielded: bool = Field(description="The target (an NPC) yielded and will not fight on.")
    dropped: list[str] = Field(description="What a slain character left on the floor.")
    respawned_in: PlayRoomOut | None = Field(description="Where a killed player woke up (not under permadeath).")
    target: CombatantOut


class FleeOut(Schema):
    message: str
    fled_through: PlayExitOut
    room: PlayRoomOut


# Dice


class RollIn(Schema):
    expression: Text = Field(
        max_length=200, examples=["2d6+1", "4d6kh3", "1d20adv", "3d6!", "d%", "4dF"], description="Dice expression."
    )
    private: bool = Field(default=False, description="A private roll is not shown to the room.")


class DieOut(Schema):
    rolls: list[int] = Field(description="Every face rolled for this die: the first, a reroll, explosions.")
    value: int
    kept: bool
    exploded: int


class RollTermOut(Schema):
    sign: str = Field(description="+ or -")
    term: str = Field(examples=["2d6", "3"])
    value: int
    dice: list[DieOut]


class RollOut(Schema):
    message: str
    expression: str
    total: int
    minimum: int
    maximum: int
    private: bool
    terms: list[RollTermOut]


# Help


class HelpOperationOut(Schema):
    method: str
    path: str
    summary: str
    description: str
    role: str = Field(description="player, builder, staff or anyone")


class HelpOut(Schema):
    roles: list[str] = Field(description="The roles the caller has in this world.")
    operations: list[HelpOperationOut]
    message: str
