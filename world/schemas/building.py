"""Request and response schemas of the build API (`/api/worlds` and `/api/worlds/{world}/build/...`)."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, model_validator

from world.models import Character, Exit, Faction, Item, Room, World
from world.validation import tree_text_problem


class In(Schema):
    """Every request body: all its text, however deep, passes world.validation (no NUL, no lone
    surrogate, no control character but newline and tab)."""

    @model_validator(mode="after")
    def storable_text(self) -> In:
        problem = tree_text_problem(self.model_dump())
        if problem:
            raise ValueError(f"Text {problem}.")
        return self


class MessageOut(Schema):
    message: str


# ---------------------------------------------------------------------------------------------- worlds


class WorldCreateIn(In):
    slug: str = Field(description="Lowercase letters, digits and hyphens; part of every world path.")
    name: str


class WorldOut(Schema):
    slug: str
    name: str
    description: str
    conflict: str
    safety_level: str
    setup_complete: bool
    start_room: str | None
    advanced_goap: bool
    game_time_ticks: int
    time_descriptions: dict[str, str]
    offer_ttl_seconds: int = Field(description="How long a trade offer stands.")
    permadeath: bool = Field(description="Dead players stay dead instead of respawning.")
    combat_allowed: bool = Field(description="False: attacking anyone in this world is refused.")
    builders: list[str]


def world_out(world: World, builders: list[str]) -> dict[str, Any]:
    return {
        "slug": world.slug,
        "name": world.name,
        "description": world.description,
        "conflict": world.conflict,
        "safety_level": world.safety_level,
        "setup_complete": world.setup_complete,
        "start_room": world.start_room.key if world.start_room_id and world.start_room else None,
        "advanced_goap": world.advanced_goap,
        "game_time_ticks": world.game_time_ticks,
        "time_descriptions": {str(k): v for k, v in world.time_descriptions.items()},
        "offer_ttl_seconds": world.offer_ttl_seconds,
        "permadeath": world.permadeath,
        "combat_allowed": world.combat_allowed,
        "builders": builders,
    }


class WorldSummaryOut(Schema):
    slug: str
    name: str
    description: str
    setup_complete: bool


class WorldMessageOut(Schema):
    message: str
    world: WorldOut


class SettingsIn(In):
    name: str | None = None
    description: str | None = None
    conflict: str | None = None
    safety_level: str | None = Field(None, description="G, PG-13, R or OFF (TinyMUD's aliases accepted).")
    advanced_goap: bool | str | None = None
    offer_ttl_seconds: int | None = Field(None, ge=1, le=86400, description="Seconds a trade offer stands.")
    permadeath: bool | None = Field(None, description="Dead players stay dead (and drop what they carry).")
    combat_allowed: bool | None = Field(None, description="False forbids combat in the whole world.")


class TimeDescriptionIn(In):
    text: str = Field(description="The line shown at that hour in external rooms; empty removes it.")


# ---------------------------------------------------------------------------------------------- setup


class RoomSpecIn(In):
    key: str
    description: str
    name: str = ""


class NpcSpecIn(In):
    name: str
    description: str = ""


class SetupIn(In):
    name: str = Field(description="2-64 characters.")
    description: str = Field(description="At least 10 characters.")
    conflict: str = Field(description="At least 5 characters.")
    safety_level: str = "G"
    advanced_goap: bool | str = False
    mode: Literal["manual", "quick"] = "manual"
    start_room: RoomSpecIn | None = Field(None, description="Manual mode: the first room (becomes the start room).")
    npc: NpcSpecIn | None = Field(None, description="Manual mode, optional: the first NPC, in the start room.")


# ---------------------------------------------------------------------------------------------- rooms and exits


class ExitOut(Schema):
    uuid: UUID
    name: str
    kind: str
    source: str
    destination: str
    is_locked: bool
    lock_allow: list[str]
    lock_relationships: list[dict[str, str]]


def exit_out(exit: Exit, names: dict[int, str]) -> dict[str, Any]:
    """`names`: selectors.lock_character_names of the exit (characters its lock names)."""
    return {
        "uuid": exit.uuid,
        "name": exit.name,
        "kind": exit.kind,
        "source": exit.source.key,
        "destination": exit.destination.key,
        "is_locked": exit.is_locked,
        "lock_allow": [names.get(i, f"#{i}") for i in exit.lock_allow_ids],
        "lock_relationships": [
            {"type": r.get("type", ""), "to": names.get(r.get("to"), f"#{r.get('to')}")}
            for r in exit.lock_allow_relationships
        ],
    }


class RoomSummaryOut(Schema):
    key: str
    name: str
    uuid: UUID
    tags: list[str]
    faction: str | None = None

    @staticmethod
    def resolve_faction(obj: Room) -> str | None:
        return obj.faction.name if obj.faction else None


class ItemBriefOut(Schema):
    uuid: UUID
    name: str


class RoomOut(Schema):
    key: str
    name: str
    uuid: UUID
    description: str
    tags: list[str]
    faction: str | None
    owner: str | None
    is_start_room: bool
    exits: list[ExitOut]
    entrances: list[ExitOut]
    characters: list[str]
    items: list[ItemBriefOut]


def room_out(room: Room, names: dict[int, str]) -> dict[str, Any]:
    """`room` from selectors.room_detail; `names`: selectors.lock_character_names of its exits and entrances."""
    exits = list(room.exits.all())
    entrances = list(room.entrances.all())
    return {
        "key": room.key,
        "name": room.name,
        "uuid": room.uuid,
        "description": room.description,
        "tags": room.tags,
        "faction": room.faction.name if room.faction else None,
        "owner": room.owner.name if room.owner else None,
        "is_start_room": room.world.start_room_id == room.pk,
        "exits": [exit_out(e, names) for e in exits],
        "entrances": [exit_out(e, names) for e in entrances],
        "characters": sorted((c.name for c in room.characters.all()), key=str.casefold),
        "items": [{"uuid": i.uuid, "name": i.name} for i in room.items.all()],
    }


class RoomIn(In):
    key: str = Field(description="Sanitized to [A-Za-z0-9_] (spaces become underscores); unique per world.")
    name: str = ""
    description: str = ""
    tags: list[str] = []


class RoomPatchIn(In):
    key: str | None = Field(None, description="A new key renames the room; every reference follows.")
    name: str | None = None
    description: str | None = None
    tags: list[str] | None = None


class RoomMessageOut(Schema):
    message: str
    room: RoomOut


class RoomDeletedOut(Schema):
    message: str
    key: str
    removed_exits: list[dict[str, Any]]
    moved_characters: list[str]
    removed_items: int
    new_start_room: str | None
    patrols_updated: int


class DoorIn(In):
    room: str = Field(description="The room the door is in.")
    name: str = Field(description="The door's name.")
    to: str = Field(description="The room it leads to.")
    two_way: bool = Field(True, description="Also create the back door (TinyMUD's adddoor does).")


class DoorLinkIn(In):
    room_a: str
    door_a: str
    room_b: str
    door_b: str


class PortalIn(In):
    room: str
    name: str
    to: str


class StairsIn(In):
    room: str
    direction: Literal["up", "down"]
    to: str
    two_way: bool = True


class ExitsOut(Schema):
    message: str
    exits: list[ExitOut]


class ExitRemovedOut(Schema):
    message: str
    removed: list[dict[str, Any]]


class LockRuleIn(In):
    type: str
    to: str = Field(description="A character name.")


class LockIn(In):
    allow: list[str] = Field([], description="Character names allowed through.")
    relationships: list[LockRuleIn] = Field([], description="Whoever has this relationship to that character passes.")


class ExitMessageOut(Schema):
    message: str
    exit: ExitOut


# ---------------------------------------------------------------------------------------------- characters


class RelationshipOut(Schema):
    name: str
    label: str


class CharacterOut(Schema):
    name: str
    uuid: UUID
    is_npc: bool
    description: str
    room: str | None
    currency: int
    needs: dict[str, float]
    personality: dict[str, int]
    stats: dict[str, int]
    is_dead: bool
    sheet: dict[str, Any]
    relationships_out: list[RelationshipOut]
    relationships_in: list[RelationshipOut]
    factions: list[str]


def character_out(character: Character) -> dict[str, Any]:
    """`character` from selectors.character_detail (relationships and memberships prefetched)."""
    return {
        "name": character.name,
        "uuid": character.uuid,
        "is_npc": character.is_npc,
        "description": character.description,
        "room": character.room.key if character.room else None,
        "currency": character.currency,
        "needs": {f: getattr(character, f) for f in ("hunger", "thirst", "socialization", "sleep", "safety")},
        "personality": {f: getattr(character, f) for f in ("responsibility", "aggression", "confidence", "curiosity")},
        "stats": {
            f: getattr(character, f)
            for f in ("strength", "dexterity", "intelligence", "health", "hp", "max_hp", "morale")
        },
        "is_dead": character.is_dead,
        "sheet": character.sheet,
        "relationships_out": [{"name": r.target.name, "label": r.label} for r in character.relationships_out.all()],
        "relationships_in": [{"name": r.source.name, "label": r.label} for r in character.relationships_in.all()],
        "factions": sorted(m.faction.name for m in character.memberships.all()),
    }


class CharacterSummaryOut(Schema):
    name: str
    uuid: UUID
    is_npc: bool
    room: str | None = None

    @staticmethod
    def resolve_room(obj: Character) -> str | None:
        return obj.room.key if obj.room else None


class NpcIn(In):
    room: str | None = Field(None, description="Where it stands; omit for an NPC in no room.")
    name: str = Field(description="2-32 characters, unique per world (players included).")
    description: str = ""


class NpcPatchIn(In):
    name: str | None = None
    description: str | None = None
    room: str | None = Field(None, description="Move the NPC to this room.")
    remove_from_room: bool = Field(False, description="Take the NPC out of its room (it is not deleted).")
    attributes: dict[str, int] = Field({}, description="e.g. strength, hp, will, currency: range-checked.")
    aspects: dict[str, str] = Field({}, description="high_concept, trouble, background, focus.")
    matrix: dict[str, int] = Field({}, description="Psychosocial axes, -10..10.")


class CharacterMessageOut(Schema):
    message: str
    character: CharacterOut


class NpcDeletedOut(Schema):
    message: str
    name: str
    relationships: int
    memberships: int
    owned_items: int
    owned_rooms: int
    dropped_items: int
    locks_updated: int
    led_factions: int


class RelationshipIn(In):
    source: str
    type: str
    target: str
    mutual: bool = False


class RelationshipPairIn(In):
    a: str
    b: str


class RelationshipMessageOut(Schema):
    message: str
    relationships: list[dict[str, str]]


class FamilyIn(In):
    room: str
    target: str = Field(description="The NPC the new relative belongs to.")
    relationship: str = Field(description="e.g. sister, son, uncle.")


class TeleportIn(In):
    room: str
    character: str | None = Field(None, description="Who to move; omitted = your own character in this world.")


class BringIn(In):
    character: str


class KickIn(In):
    player: str


class KickOut(Schema):
    message: str
    player: str
    tokens_revoked: int
    sessions_ended: int


class BuilderIn(In):
    username: str


class BuildersOut(Schema):
    message: str
    builders: list[str]


class PurgeIn(In):
    confirm: str = Field(description="Must equal the world's slug.")


class PurgeOut(Schema):
    message: str
    world: WorldOut
    removed: dict[str, int]


# ---------------------------------------------------------------------------------------------- templates / items


class ItemFieldsIn(In):
    name: str | None = None
    description: str | None = None
    tags: list[str] | None = Field(None, description='weapon, bed, Container, "Edible: N", small/large/Immovable…')
    carry: Literal["small", "large", "fixed"] | None = None
    material: str | None = None
    value: int | None = None
    satiation: int | None = Field(None, description='Stored as the tag "Edible: N".')
    hydration: int | None = Field(None, description='Stored as the tag "Drinkable: N".')
    durability: int | None = None
    quality: str | None = None
    loot_hint: str | None = None
    crafting_recipe: list[str] | None = None
    deconstruct_recipe: list[str] | None = None
    weapon_damage: int | None = None
    weapon_type: str | None = None
    armor_defense: int | None = None
    armor_type: str | None = None


class TemplateIn(ItemFieldsIn):
    key: str


class TemplateOut(Schema):
    key: str
    name: str
    description: str
    tags: list[str]
    carry: str
    material: str
    value: int | None
    durability: int | None
    quality: str
    loot_hint: str
    crafting_recipe: list[str]
    deconstruct_recipe: list[str]
    weapon_damage: int | None
    weapon_type: str
    armor_defense: int | None
    armor_type: str


class TemplateMessageOut(Schema):
    message: str
    template: TemplateOut


class ItemSpawnIn(ItemFieldsIn):
    template: str | None = Field(None, description="A template key; omitted = an ad-hoc item (name required).")
    room: str | None = None
    character: str | None = None
    slot: int | None = Field(None, description="Inventory slot 0-7; omitted = the first that fits.")
    container: UUID | None = None
    container_slot: int | None = Field(None, description="0-1 small, 2-3 large; omitted = the first that fits.")


class ItemOut(Schema):
    uuid: UUID
    template: str | None
    name: str
    description: str
    tags: list[str]
    carry: str
    material: str
    value: int | None
    durability: int | None
    quality: str
    owner: str | None
    faction: str | None
    room: str | None
    character: str | None
    slot: int | None
    container: UUID | None
    container_slot: int | None


def item_out(item: Item) -> dict[str, Any]:
    return {
        "uuid": item.uuid,
        "template": item.template.key if item.template else None,
        "name": item.name,
        "description": item.description,
        "tags": item.tags,
        "carry": item.carry,
        "material": item.material,
        "value": item.value,
        "durability": item.durability,
        "quality": item.quality,
        "owner": item.owner.name if item.owner else None,
        "faction": item.faction.name if item.faction else None,
        "room": item.room.key if item.room else None,
        "character": item.character.name if item.character else None,
        "slot": item.slot,
        "container": item.container.uuid if item.container else None,
        "container_slot": item.container_slot,
    }


class ItemSummaryOut(Schema):
    uuid: UUID
    name: str
    carry: str
    template: str | None = None
    room: str | None = None
    character: str | None = None
    slot: int | None = None
    container: UUID | None = None
    container_slot: int | None = None

    @staticmethod
    def resolve_template(obj: Item) -> str | None:
        return obj.template.key if obj.template else None

    @staticmethod
    def resolve_room(obj: Item) -> str | None:
        return obj.room.key if obj.room else None

    @staticmethod
    def resolve_character(obj: Item) -> str | None:
        return obj.character.name if obj.character else None

    @staticmethod
    def resolve_container(obj: Item) -> UUID | None:
        return obj.container.uuid if obj.container else None


class ItemMessageOut(Schema):
    message: str
    item: ItemOut


class ItemDeletedOut(Schema):
    message: str
    removed: int


# ---------------------------------------------------------------------------------------------- factions


class RankOut(Schema):
    name: str
    level: int


class RoleOut(Schema):
    key: str
    name: str
    description: str
    contract_type: str
    contract_config: dict[str, Any]


class MemberOut(Schema):
    name: str
    rank: str | None
    level: int
    role: str | None


class FactionOut(Schema):
    name: str
    uuid: UUID
    description: str
    leader: str | None
    leadership_threshold: int
    ranks: list[RankOut]
    roles: list[RoleOut]
    members: list[MemberOut]
    allies: list[str]
    rivals: list[str]


def faction_out(faction: Faction, links: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "name": faction.name,
        "uuid": faction.uuid,
        "description": faction.description,
        "leader": faction.leader.name if faction.leader else None,
        "leadership_threshold": faction.leadership_threshold,
        "ranks": [{"name": r.name, "level": r.level} for r in faction.ranks.all()],
        "roles": [
            {
                "key": r.key,
                "name": r.name,
                "description": r.description,
                "contract_type": r.contract_type,
                "contract_config": r.contract_config,
            }
            for r in faction.roles.all()
        ],
        "members": [
            {
                "name": m.character.name,
                "rank": m.rank.name if m.rank else None,
                "level": m.rank.level if m.rank else 0,
                "role": m.role.key if m.role else None,
            }
            for m in sorted(faction.memberships.all(), key=lambda m: m.character.name.casefold())
        ],
        "allies": links.get("ally", []),
        "rivals": links.get("rival", []),
    }


class FactionSummaryOut(Schema):
    name: str
    uuid: UUID
    description: str


class FactionIn(In):
    name: str
    description: str = ""
    leadership_threshold: int = 5


class FactionPatchIn(In):
    name: str | None = None
    description: str | None = None
    leadership_threshold: int | None = None
    leader: str | None = Field(None, description="A member's name; empty string clears the leader.")


class FactionMessageOut(Schema):
    message: str
    faction: FactionOut


class MemberIn(In):
    character: str
    rank: str | None = None
    role: str | None = None
    as_member: str | None = Field(
        None, description="Induct as this member: TinyMUD's can_induct applies. Omitted = builder authority."
    )


class MemberPatchIn(In):
    rank: str | None = Field(None, description="Set the rank (builder authority); empty string clears it.")
    role: str | None = Field(None, description="Assign a role key; empty string revokes it.")


class RankChangeIn(In):
    rank: str
    as_member: str | None = Field(
        None, description="Act as this member: can_promote / can_demote apply. Omitted = builder authority."
    )


class RankIn(In):
    name: str
    level: int


class RankPatchIn(In):
    name: str | None = None
    level: int | None = None


class RoleIn(In):
    key: str
    name: str
    description: str = ""
    contract_type: Literal["none", "resource_contribution", "patrol"] = "none"
    contract_config: dict[str, Any] = Field(
        {},
        description="resource_contribution: {resource_tag, amount>0, reward_rep, reward_currency>=0}; "
        "patrol: {rooms: [room keys], reward_rep, reward_currency>=0}.",
    )


class RolePatchIn(In):
    name: str | None = None
    description: str | None = None
    contract_type: Literal["none", "resource_contribution", "patrol"] | None = None
    contract_config: dict[str, Any] | None = None


class FactionLinkIn(In):
    faction: str = Field(description="The other faction.")


class GeneratedFactionOut(Schema):
    message: str
    faction: FactionOut
    rooms: list[str]
    npcs: list[str]
    items: list[str]
    anchor: str | None
