"""Faction writes (TinyMUD's /faction ...) with the hierarchy rules TinyMUD defined but never enforced.

Who acts: a request may name `as_member`, a member of the faction; then TinyMUD's predicates apply to that
member (can_induct, can_promote, can_demote). Without it the caller acts with builder authority (staff or a
world builder) and the rules are bypassed, like TinyMUD's setrank.

- can_induct: the actor is the faction's leader, or the actor's rank level >= leadership_threshold.
- can_promote: actor level > target's current level, and actor level > new level > target's current level.
- can_demote: actor level >= target's current level, and new level < target's current level.

A member without a rank has level 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from persistence import facade
from world.exceptions import Conflict, Forbidden, Invalid, NotFound
from world.models import (
    Carry,
    Character,
    ContractType,
    Faction,
    FactionLink,
    FactionMembership,
    FactionRank,
    FactionRole,
    FactionStance,
    Item,
    Room,
    World,
)
from world.services.conflicts import conflict_on_integrity_error
from world.services.exits import back_door_name, door_link
from world.services.npcs import npc_create, relationship_set
from world.services.rooms import room_create, room_key_sanitize, room_key_unique
from world.validation import character_name_unique, key_check_free

# ---------------------------------------------------------------------------------------------- factions


def _faction_changed(faction: Faction) -> None:
    """Ranks, roles, memberships and links have no world column of their own: name the world explicitly."""
    facade.save_world(faction.world)


def _name_clean(raw: str, *, what: str, high: int = 64) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > high:
        raise Invalid(f"A {what} name is 1-{high} characters.", details={"name": raw})
    return name


def _require_free_faction_name(world: World, name: str, exclude: Faction | None = None) -> None:
    key_check_free(
        Faction.objects.filter(world=world),
        field="name",
        value=name,
        message=f"Faction '{name}' already exists.",
        exclude_pk=exclude.pk if exclude is not None else None,
    )


@transaction.atomic
def faction_create(*, world: World, name: str, description: str = "", leadership_threshold: int = 5) -> Faction:
    clean = _name_clean(name, what="faction")
    _require_free_faction_name(world, clean)
    if not 0 <= leadership_threshold <= 1000:
        raise Invalid("leadership_threshold is 0-1000.", details={"leadership_threshold": leadership_threshold})
    with conflict_on_integrity_error(f"Faction '{clean}' already exists.", details={"name": clean}):
        return Faction.objects.create(
            world=world, name=clean, description=description.strip(), leadership_threshold=leadership_threshold
        )


@transaction.atomic
def faction_update(
    *,
    faction: Faction,
    name: str | None = None,
    description: str | None = None,
    leadership_threshold: int | None = None,
    leader: Character | None = None,
    clear_leader: bool = False,
) -> Faction:
    if name is not None:
        clean = _name_clean(name, what="faction")
        _require_free_faction_name(faction.world, clean, exclude=faction)
        faction.name = clean
    if description is not None:
        faction.description = description.strip()
    if leadership_threshold is not None:
        if not 0 <= leadership_threshold <= 1000:
            raise Invalid("leadership_threshold is 0-1000.", details={"leadership_threshold": leadership_threshold})
        faction.leadership_threshold = leadership_threshold
    if leader is not None:
        if not faction.memberships.filter(character=leader).exists():
            raise Invalid(f"'{leader.name}' must be a member to lead {faction.name}.", details={"leader": leader.name})
        faction.leader = leader
    elif clear_leader:
        faction.leader = None
    with conflict_on_integrity_error(f"Faction '{faction.name}' already exists.", details={"name": faction.name}):
        faction.save()
    return faction


@transaction.atomic
def faction_delete(*, faction: Faction) -> None:
    """Memberships, ranks, roles and ally/rival links go with it; rooms and items it owned become unowned."""
    faction.delete()


# ---------------------------------------------------------------------------------------------- hierarchy


def membership_get(*, faction: Faction, character: Character) -> FactionMembership:
    membership = faction.memberships.select_related("rank", "role").filter(character=character).first()
    if membership is None:
        raise NotFound(
            f"'{character.name}' is not a member of {faction.name}.",
            details={"faction": faction.name, "member": character.name},
        )
    return membership


def member_level(membership: FactionMembership) -> int:
    return membership.rank.level if membership.rank is not None else 0


def can_induct(*, faction: Faction, actor: FactionMembership) -> bool:
    return faction.leader_id == actor.character_id or member_level(actor) >= faction.leadership_threshold


def can_promote(*, actor_level: int, target_level: int, new_level: int) -> bool:
    return actor_level > target_level and actor_level > new_level > target_level


def can_demote(*, actor_level: int, target_level: int, new_level: int) -> bool:
    return actor_level >= target_level and new_level < target_level


def rank_get(*, faction: Faction, name: str) -> FactionRank:
    rank = faction.ranks.filter(name__iexact=name.strip()).first()
    if rank is None:
        raise NotFound(
            f"Rank '{name}' does not exist in {faction.name}.",
            details={"rank": name, "ranks": list(faction.ranks.values_list("name", flat=True))},
        )
    return rank


def role_get(*, faction: Faction, key: str) -> FactionRole:
    role = faction.roles.filter(key__iexact=key.strip()).first()
    if role is None:
        raise NotFound(f"Role '{key}' does not exist in {faction.name}.", details={"role": key})
    return role


@transaction.atomic
def member_add(
    *,
    faction: Faction,
    character: Character,
    rank: FactionRank | None = None,
    role: FactionRole | None = None,
    actor: Character | None = None,
) -> FactionMembership:
    """TinyMUD's addmember / induct. With an acting member, can_induct must hold."""
    if actor is not None:
        acting = membership_get(faction=faction, character=actor)
        if not can_induct(faction=faction, actor=acting):
            raise Forbidden(
                f"{actor.name} may not induct: only the leader or ranks of level "
                f"{faction.leadership_threshold} and above may.",
                details={"actor_level": member_level(acting), "threshold": faction.leadership_threshold},
            )
        if rank is not None and rank.level >= member_level(acting) and faction.leader_id != actor.pk:
            raise Forbidden(f"{actor.name} may only induct at a rank below their own.")
    if faction.memberships.filter(character=character).exists():
        raise Conflict(f"'{character.name}' is already a member of {faction.name}.", details={"member": character.name})
    with conflict_on_integrity_error(f"'{character.name}' is already a member of {faction.name}."):
        membership = FactionMembership.objects.create(faction=faction, character=character, rank=rank, role=role)
    _faction_changed(faction)
    return membership


@transaction.atomic
def member_remove(*, faction: Faction, character: Character) -> None:
    membership = membership_get(faction=faction, character=character)
    if faction.leader_id == character.pk:
        faction.leader = None
        faction.save(update_fields=["leader"])
    membership.delete()
    _faction_changed(faction)


@transaction.atomic
def member_update(
    *,
    faction: Faction,
    character: Character,
    rank: FactionRank | None = None,
    role: FactionRole | None = None,
    clear_rank: bool = False,
    clear_role: bool = False,
) -> FactionMembership:
    """Builder authority: setrank, assignrole, revokerole."""
    membership = membership_get(faction=faction, character=character)
    if rank is not None:
        membership.rank = rank
    elif clear_rank:
        membership.rank = None
    if role is not None:
        membership.role = role
    elif clear_role:
        membership.role = None
    membership.save(update_fields=["rank", "role"])
    _faction_changed(faction)
    return membership


def _rank_change(
    *, faction: Faction, character: Character, rank: FactionRank, actor: Character | None, promote: bool
) -> FactionMembership:
    membership = membership_get(faction=faction, character=character)
    current = member_level(membership)
    verb, side = ("promote", "above") if promote else ("demote", "below")
    if (rank.level <= current) if promote else (rank.level >= current):
        raise Invalid(
            f"'{rank.name}' ({rank.level}) is not {side} {character.name}'s level ({current}).",
            details={"current_level": current, "new_level": rank.level},
        )
    if actor is not None:
        level = member_level(membership_get(faction=faction, character=actor))
        allowed = can_promote if promote else can_demote
        if not allowed(actor_level=level, target_level=current, new_level=rank.level):
            raise Forbidden(
                f"{actor.name} (level {level}) may not {verb} {character.name} (level {current}) "
                f"to {rank.name} (level {rank.level}).",
                details={"actor_level": level, "target_level": current, "new_level": rank.level},
            )
    membership.rank = rank
    membership.save(update_fields=["rank"])
    _faction_changed(faction)
    return membership


@transaction.atomic
def member_promote(
    *, faction: Faction, character: Character, rank: FactionRank, actor: Character | None = None
) -> FactionMembership:
    return _rank_change(faction=faction, character=character, rank=rank, actor=actor, promote=True)


@transaction.atomic
def member_demote(
    *, faction: Faction, character: Character, rank: FactionRank, actor: Character | None = None
) -> FactionMembership:
    return _rank_change(faction=faction, character=character, rank=rank, actor=actor, promote=False)


# ---------------------------------------------------------------------------------------------- ranks


def _rank_level_check(level: int) -> int:
    if not -1000 <= level <= 1000:
        raise Invalid("A rank level is -1000..1000.", details={"level": level})
    return level


@transaction.atomic
def rank_create(*, faction: Faction, name: str, level: int) -> FactionRank:
    clean = _name_clean(name, what="rank")
    _rank_level_check(level)
    if faction.ranks.filter(name__iexact=clean).exists():
        raise Conflict(f"Rank '{clean}' already exists in {faction.name}.", details={"rank": clean})
    with conflict_on_integrity_error(f"Rank '{clean}' already exists in {faction.name}."):
        rank = FactionRank.objects.create(faction=faction, name=clean, level=level)
    _faction_changed(faction)
    return rank


@transaction.atomic
def rank_update(*, rank: FactionRank, name: str | None = None, level: int | None = None) -> FactionRank:
    if name is not None:
        clean = _name_clean(name, what="rank")
        if rank.faction.ranks.filter(name__iexact=clean).exclude(pk=rank.pk).exists():
            raise Conflict(f"Rank '{clean}' already exists.", details={"rank": clean})
        rank.name = clean
    if level is not None:
        rank.level = _rank_level_check(level)
    rank.save()
    _faction_changed(rank.faction)
    return rank


@transaction.atomic
def rank_delete(*, rank: FactionRank) -> int:
    """Members holding it become unranked (TinyMUD's remove_rank stripped it from members). Returns how many."""
    holders = FactionMembership.objects.filter(rank=rank).count()
    rank.delete()
    _faction_changed(rank.faction)
    return holders


# ---------------------------------------------------------------------------------------------- roles


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    reward_rep: int = 5
    reward_currency: int = Field(default=10, ge=0)


class ResourceContribution(_Contract):
    resource_tag: str = Field(min_length=1, max_length=64)
    amount: int = Field(gt=0, le=1000)


class Patrol(_Contract):
    rooms: list[str] = Field(min_length=1)


def contract_config_clean(*, world: World, contract_type: str, config: dict[str, Any] | None) -> dict[str, Any]:
    config = config or {}
    if contract_type == ContractType.NONE:
        if config:
            raise Invalid("A role without a contract takes no contract_config.", details={"contract_config": config})
        return {}
    schema: type[_Contract] | None = {
        ContractType.RESOURCE_CONTRIBUTION: ResourceContribution,
        ContractType.PATROL: Patrol,
    }.get(contract_type)  # type: ignore[call-overload]
    if schema is None:
        raise Invalid(
            f"contract_type must be one of: {', '.join(ContractType.values)}.",
            details={"contract_type": contract_type},
        )
    try:
        parsed = schema.model_validate(config)
    except PydanticValidationError as exc:
        errors = [f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}" for e in exc.errors()]
        raise Invalid("Invalid contract config: " + "; ".join(errors), details={"errors": errors}) from exc
    clean = parsed.model_dump()
    if isinstance(parsed, ResourceContribution):
        clean["resource_tag"] = parsed.resource_tag.strip()
    if isinstance(parsed, Patrol):
        keys = {k.casefold(): k for k in Room.objects.filter(world=world).values_list("key", flat=True)}
        missing = [r for r in parsed.rooms if r.strip().casefold() not in keys]
        if missing:
            raise Invalid(f"Unknown patrol rooms: {', '.join(missing)}.", details={"rooms": missing})
        clean["rooms"] = list(dict.fromkeys(keys[r.strip().casefold()] for r in parsed.rooms))
    return clean


@transaction.atomic
def role_create(
    *,
    faction: Faction,
    key: str,
    name: str,
    description: str = "",
    contract_type: str = ContractType.NONE,
    contract_config: dict[str, Any] | None = None,
) -> FactionRole:
    clean_key = room_key_sanitize(key)
    if faction.roles.filter(key__iexact=clean_key).exists():
        raise Conflict(f"Role '{clean_key}' already exists in {faction.name}.", details={"role": clean_key})
    config = contract_config_clean(world=faction.world, contract_type=contract_type, config=contract_config)
    with conflict_on_integrity_error(f"Role '{clean_key}' already exists in {faction.name}."):
        role = FactionRole.objects.create(
            faction=faction,
            key=clean_key,
            name=_name_clean(name, what="role"),
            description=description.strip(),
            contract_type=contract_type,
            contract_config=config,
        )
    _faction_changed(faction)
    return role


@transaction.atomic
def role_update(
    *,
    role: FactionRole,
    name: str | None = None,
    description: str | None = None,
    contract_type: str | None = None,
    contract_config: dict[str, Any] | None = None,
) -> FactionRole:
    if name is not None:
        role.name = _name_clean(name, what="role")
    if description is not None:
        role.description = description.strip()
    if contract_type is not None or contract_config is not None:
        kind = contract_type if contract_type is not None else role.contract_type
        config = (
            contract_config
            if contract_config is not None
            else (role.contract_config if kind == role.contract_type else {})
        )
        role.contract_config = contract_config_clean(world=role.faction.world, contract_type=kind, config=config)
        role.contract_type = kind
    role.save()
    _faction_changed(role.faction)
    return role


@transaction.atomic
def role_delete(*, role: FactionRole) -> int:
    holders = FactionMembership.objects.filter(role=role).count()
    role.delete()
    _faction_changed(role.faction)
    return holders


# ---------------------------------------------------------------------------------------------- allies / rivals


def _pair(a: Faction, b: Faction) -> tuple[Faction, Faction]:
    if a.pk == b.pk:
        raise Invalid("A faction cannot be its own ally or rival.", details={"faction": a.name})
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def faction_link_set(*, faction: Faction, other: Faction, stance: str) -> FactionLink:
    """Symmetric by construction (one row per pair); a pair is allied or rivals, never both."""
    first, second = _pair(faction, other)
    existing = FactionLink.objects.filter(faction_a=first, faction_b=second).first()
    if existing is not None:
        if existing.stance == stance:
            raise Conflict(f"{faction.name} and {other.name} are already {stance}s.", details={"stance": stance})
        raise Conflict(
            f"{faction.name} and {other.name} are {existing.stance}s; remove that first.",
            details={"stance": existing.stance},
        )
    with conflict_on_integrity_error(f"{faction.name} and {other.name} are already linked."):
        link = FactionLink.objects.create(faction_a=first, faction_b=second, stance=stance)
    _faction_changed(faction)
    return link


@transaction.atomic
def faction_link_remove(*, faction: Faction, other: Faction, stance: str) -> None:
    first, second = _pair(faction, other)
    link = FactionLink.objects.filter(faction_a=first, faction_b=second, stance=stance).first()
    if link is None:
        raise NotFound(f"{faction.name} and {other.name} are not {stance}s.", details={"stance": stance})
    link.delete()
    _faction_changed(faction)


def faction_links(*, faction: Faction) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {FactionStance.ALLY: [], FactionStance.RIVAL: []}
    links = FactionLink.objects.filter(faction_a=faction) | FactionLink.objects.filter(faction_b=faction)
    for link in links.select_related("faction_a", "faction_b"):
        other = link.faction_b if link.faction_a_id == faction.pk else link.faction_a
        out[link.stance].append(other.name)
    return {k: sorted(v, key=str.casefold) for k, v in out.items()}


# ---------------------------------------------------------------------------------------------- generator

ANCHOR_WORDS = ("tavern", "inn", "square", "plaza", "center", "hub", "crossroads")


def anchor_score(room: Room) -> int:
    words = set(re.split(r"[^a-z0-9]+", f"{room.key} {room.name}".casefold()))
    return sum(1 for word in ANCHOR_WORDS if word in words)


def anchor_room(*, world: World, exclude: set[int]) -> Room | None:
    """The room a generated footprint attaches to: the best tavern/inn/square… match, else the start room."""
    best: tuple[int, int, str] | None = None
    chosen: Room | None = None
    for room in Room.objects.filter(world=world).exclude(pk__in=exclude).only("id", "key", "name"):
        score = anchor_score(room)
        if score == 0:
            continue
        rank = (-score, 0 if room.pk == world.start_room_id else 1, room.key.casefold())
        if best is None or rank < best:
            best, chosen = rank, room
    if chosen is None and world.start_room_id and world.start_room_id not in exclude:
        chosen = world.start_room
    return chosen


@dataclass
class GeneratedFaction:
    faction: Faction
    rooms: list[Room] = field(default_factory=list)
    npcs: list[Character] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    anchor: Room | None = None


IRON_VANGUARD = {
    "name": "Iron Vanguard",
    "description": "A disciplined order of soldiers sworn to hold the line against the dark.",
    "ranks": (("Recruit", 1), ("Soldier", 2), ("Captain", 5), ("Commander", 10)),
    "rooms": (
        ("hall", "Vanguard Hall", "A stern hall hung with iron banners; orders are given here."),
        ("bunks", "Vanguard Bunks", "Rows of narrow bunks, each with a footlocker, all in strict order."),
        ("kitchen", "Vanguard Kitchen", "A soot-stained kitchen smelling of stew and woodsmoke."),
    ),
    "npcs": (
        ("Commander Hale", "Commander", "hall", "A scarred veteran whose word is law in the Vanguard."),
        ("Captain Mira", "Captain", "hall", "A sharp-eyed officer who drills the recruits at dawn."),
        ("Private Tomas", "Soldier", "kitchen", "A young soldier more skilled with a ladle than a sword."),
    ),
}


@transaction.atomic
def faction_generate(*, world: World) -> GeneratedFaction:
    """TinyMUD's offline factiongen, in one transaction: the Iron Vanguard's hall, bunks and kitchen joined by
    doors, four ranks, three ranked NPCs with owned beds, a food crate and a water cask, and a path from the
    best anchor room (tavern, inn, square…) to the hall."""
    spec: dict[str, Any] = IRON_VANGUARD
    faction = faction_create(world=world, name=spec["name"], description=spec["description"])
    ranks = {name: rank_create(faction=faction, name=name, level=level) for name, level in spec["ranks"]}
    result = GeneratedFaction(faction=faction)
    rooms: dict[str, Room] = {}
    for suffix, room_name, description in spec["rooms"]:
        key = room_key_unique(world=world, base=f"iron_vanguard_{suffix}")
        room = room_create(world=world, key=key, name=room_name, description=description)
        room.faction = faction
        room.save(update_fields=["faction"])
        rooms[suffix] = room
        result.rooms.append(room)
    hall = rooms["hall"]
    for other in ("bunks", "kitchen"):
        door_link(
            world=world,
            room_a=hall,
            door_a=f"door to {rooms[other].name.lower()}",
            room_b=rooms[other],
            door_b="door to hall",
        )
    for npc_name, rank_name, room_suffix, description in spec["npcs"]:
        npc = npc_create(
            world=world,
            room=rooms[room_suffix],
            name=character_name_unique(world_id=world.pk, base=npc_name),
            description=description,
        )
        FactionMembership.objects.create(faction=faction, character=npc, rank=ranks[rank_name])
        bed = Item.objects.create(
            world=world,
            name=f"{npc.name}'s bed",
            description="A narrow soldier's bed, neatly made.",
            tags=["bed"],
            carry=Carry.FIXED,
            owner=npc,
            faction=faction,
            room=rooms["bunks"],
        )
        npc.home_bed = bed
        npc.save(update_fields=["home_bed"])
        result.npcs.append(npc)
        result.items.append(bed)
    faction.leader = result.npcs[0]
    faction.save(update_fields=["leader"])
    for i, npc in enumerate(result.npcs):
        for other_npc in result.npcs[i + 1 :]:
            relationship_set(world=world, source=npc, target=other_npc, label="comrade", mutual=True)
    kitchen = rooms["kitchen"]
    for item_name, tag, description in (
        ("Food Crate", "Edible: 30", "A crate of hard bread and salted meat."),
        ("Water Cask", "Drinkable: 30", "A cask of clean water with a tin cup on a chain."),
    ):
        if not Item.objects.filter(room=kitchen, name__iexact=item_name).exists():
            result.items.append(
                Item.objects.create(
                    world=world,
                    name=item_name,
                    description=description,
                    tags=[tag],
                    carry=Carry.FIXED,
                    faction=faction,
                    room=kitchen,
                )
            )
    anchor = anchor_room(world=world, exclude={r.pk for r in result.rooms})
    if anchor is not None:
        door_link(
            world=world,
            room_a=anchor,
            door_a=back_door_name(room=anchor, door=f"path to {faction.name}", leads_to=hall),
            room_b=hall,
            door_b=back_door_name(room=hall, door="exit to world", leads_to=anchor),
        )
        result.anchor = anchor
    _faction_changed(faction)
    return result
