"""Combat (TinyMUD §3.7): attack and flee, with TinyMUD's formula and morale and its defects fixed.

Damage = max(1, strength // 2 + weapon damage − armour defence). The weapon is the attacker's
`equipped_weapon` (set by Wield) while they still carry it; the armour is the best
`armor_defense` among the items the target carries (an 8-slot inventory has no separate armour
slot, so carried armour is worn armour). An NPC yields at 30 % of its hit points or less, or at
50 % or less when d100 + morale + confidence − aggression < 50; yielded and dead characters
neither attack nor are attacked.

Fixed from TinyMUD: every refusal is an error the caller sees; the target is named in full and
resolved fuzzily; the attacker reads their own line, not the room's; combat is saved; flee picks
among the exits the fleer may pass (locks hold) and moves through the movement service (no ghost
in the old room); a slain NPC leaves its belongings on the floor; a dead player respawns at their
bed or the start room unless the world is permadeath.

Other systems react through `character_slain` (a Django signal sent inside the transaction of the
blow) and the `Violence` log (world.combat.models).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from persistence import facade
from world.combat.models import Violence, ViolenceKind
from world.exceptions import Conflict, Forbidden, Invalid
from world.fuzzy import fuzzy_resolve
from world.models import Character, EventKind, Exit, Item, Room, World
from world.selectors import character_room, room_exits
from world.services.events import EventBatch, players_in_rooms
from world.services.movement import character_pass, exit_allows
from world.sheet import sheet_with_stat

SAFE_TAG = "safe"
YIELD_AT = 0.30
MAYBE_YIELD_AT = 0.50
MORALE_HOLDS_AT = 50
MAX_DAMAGE = 10_000  # keeps a builder's absurd stats inside the columns

# Sent once per death, inside the transaction of the killing blow:
# sender=Character, killer=Character, victim=Character, room=Room.
character_slain = Signal()

# Combat's dice (the morale roll, the flee exit) when the caller passes none: a player's blow may use
# any source. Inside a simulation tick pass `rng=` the world's seeded source (simulation.clock.tick_rng)
# so the same seed tells the same story.
combat_rng: random.Random = random.SystemRandom()


def world_permadeath(world: World) -> bool:
    """Whether dead players stay dead (TinyMUD's only rule) instead of respawning: the world's setting."""
    return world.permadeath


@dataclass
class AttackResult:
    target: Character
    damage: int
    message: str
    yielded: bool = False
    killed: bool = False
    respawned_in: Room | None = None
    dropped: list[str] = field(default_factory=list)


def is_yielded(character: Character) -> bool:
    return bool((character.sheet or {}).get("yielded"))


def _set_yielded(character: Character, value: bool) -> None:
    sheet = dict(character.sheet or {})
    if value:
        sheet["yielded"] = True
    else:
        sheet.pop("yielded", None)
    character.sheet = sheet


def weapon_damage(character: Character) -> int:
    """The wielded weapon's damage while the character still carries it (0 bare-handed)."""
    if character.equipped_weapon_id is None:
        return 0
    weapon = Item.objects.filter(pk=character.equipped_weapon_id, character=character).only("weapon_damage").first()
    return (weapon.weapon_damage or 0) if weapon else 0


def armor_defense(character: Character) -> int:
    values = Item.objects.filter(character=character, armor_defense__isnull=False).values_list(
        "armor_defense", flat=True
    )
    return max((v for v in values if v is not None), default=0)


def combat_damage(*, attacker: Character, target: Character) -> int:
    raw = attacker.strength // 2 + weapon_damage(attacker) - armor_defense(target)
    return min(max(1, raw), MAX_DAMAGE)


def room_is_safe(room: Room) -> bool:
    return any(isinstance(t, str) and t.casefold() == SAFE_TAG for t in room.tags or [])


def npc_yields(*, target: Character, rng: random.Random) -> bool:
    """TinyMUD's morale: certain at 30 % of max hp, a morale roll at 50 %."""
    max_hp = max(target.max_hp, 1)
    if target.hp <= YIELD_AT * max_hp:
        return True
    if target.hp <= MAYBE_YIELD_AT * max_hp:
        return rng.randint(1, 100) + target.morale + target.confidence - target.aggression < MORALE_HOLDS_AT
    return False


def _require_able(character: Character) -> Room:
    if character.is_dead:
        raise Conflict("You are dead. You cannot fight.", code="dead")
    if is_yielded(character):
        raise Conflict("You have yielded; you will not continue fighting.", code="yielded")
    return character_room(character=character)


def _record(room: Room, kind: ViolenceKind, attacker: Character, target: Character | None, damage: int = 0) -> None:
    Violence.objects.create(
        world_id=room.world_id,
        room=room,
        kind=kind,
        attacker=attacker,
        target=target,
        damage=damage,
        target_hp=target.hp if target is not None else 0,
    )


def _count_win(attacker: Character) -> None:
    """A blow that kills or makes the target yield is a win: `lifetime_stats.combat_wins` feeds
    the Warlord's milestones (TinyMUD checked the stat and never wrote it)."""
    attacker.sheet = sheet_with_stat(attacker.sheet, "combat_wins")
    attacker.save(update_fields=["sheet"])


def _drop_belongings(victim: Character, room: Room) -> list[str]:
    belongings = list(Item.objects.select_for_update().filter(character=victim).order_by("slot"))
    for item in belongings:
        item.character = None
        item.slot = None
        item.room = room
    Item.objects.bulk_update(belongings, ["character", "slot", "room"])
    return [item.name for item in belongings]


def _respawn_room(victim: Character) -> Room | None:
    bed = Item.objects.filter(pk=victim.home_bed_id).select_related("room").first() if victim.home_bed_id else None
    if bed is not None and bed.room is not None:
        return bed.room
    return victim.world.start_room


@transaction.atomic
def combat_attack(*, character: Character, target_name: str, rng: random.Random | None = None) -> AttackResult:
    """One blow from `character` at the character `target_name` names in the same room."""
    dice = rng or combat_rng
    room = _require_able(character)
    if not character.world.combat_allowed:
        raise Forbidden("This world forbids combat: no fighting anywhere here.", code="combat_forbidden")
    if room_is_safe(room):
        raise Forbidden("This is a safe place: no fighting here.", code="safe_room")
    present = list(Character.objects.filter(room=room).exclude(is_npc=True, is_dead=True).order_by("is_npc", "name"))
    target = fuzzy_resolve(target_name, present, lambda c: c.name, what="target")
    if target.pk == character.pk:
        raise Invalid("You cannot attack yourself.", code="attack_self")
    # Lock both rows in id order (two people hitting each other never deadlock), then re-read.
    locked = {c.pk: c for c in Character.objects.select_for_update().filter(pk__in=[character.pk, target.pk])}
    attacker, target = locked[character.pk], locked[target.pk]
    attacker.world = character.world
    target.world = character.world
    if attacker.room_id != room.pk or target.room_id != room.pk:
        raise Conflict(f"{target.name} is not here any more.", code="not_here")
    _require_able(attacker)
    if target.is_dead:
        raise Conflict(f"{target.name} is already dead.", code="target_dead")
    if is_yielded(target):
        raise Conflict(f"{target.name} has yielded and will not fight.", code="target_yielded")

    damage = combat_damage(attacker=attacker, target=target)
    target.hp = max(0, target.hp - damage)
    result = AttackResult(target=target, damage=damage, message=f"You hit {target.name} for {damage} damage.")
    lines = [f"{attacker.name} hits {target.name} for {damage} damage."]
    data: dict[str, Any] = {
        "attacker": attacker.name,
        "attacker_id": attacker.pk,
        "target": target.name,
        "target_id": target.pk,
        "damage": damage,
        "hp": target.hp,
        "room": room.key,  # where it happened, for the NPC witnesses (the clock reads it later)
    }
    _record(room, ViolenceKind.ATTACK, attacker, target, damage)
    death_kind = None
    if target.hp <= 0:
        result.killed = True
        death_kind = _kill(attacker=attacker, victim=target, room=room, result=result, lines=lines)
    elif target.is_npc and npc_yields(target=target, rng=dice):
        _set_yielded(target, True)
        result.yielded = True
        lines.append(f"{target.name} yields! They will not continue fighting.")
        _record(room, ViolenceKind.YIELD, attacker, target)
    target.save(update_fields=["hp", "is_dead", "room", "sheet", "equipped_weapon"])
    if result.killed or result.yielded:
        _count_win(attacker)
    data.update(killed=result.killed, yielded=result.yielded, dropped=result.dropped)

    text = " ".join(lines)
    own = " ".join([result.message, *lines[1:]])
    result.message = own
    events = EventBatch(world_id=room.world_id)
    watchers = players_in_rooms(room_ids=[room.pk]).get(room.pk, [])
    others = [i for i in watchers if i not in (attacker.pk, target.pk)]
    kind = EventKind.DEATH if death_kind else EventKind.VIOLENCE
    events.add(recipients=others, kind=kind, actor=attacker.name, text=text, data=data)
    events.add(recipients=[attacker.pk], kind=kind, actor=attacker.name, text=own, data=data)
    if not target.is_npc:
        hit_you = f"{attacker.name} hits you for {damage} damage."
        if result.killed:
            hit_you += " You die." + (
                f" You wake up in {result.respawned_in.display_name}." if result.respawned_in else " Permadeath."
            )
        events.add(recipients=[target.pk], kind=kind, actor=attacker.name, text=hit_you, data=data)
    if result.respawned_in is not None and result.respawned_in.pk != room.pk:
        arrivals = players_in_rooms(room_ids=[result.respawned_in.pk]).get(result.respawned_in.pk, [])
        events.add(
            recipients=[i for i in arrivals if i != target.pk],
            kind=EventKind.ARRIVE,
            actor=target.name,
            text=f"{target.name} appears, gasping for breath.",
            data={"to": result.respawned_in.key, "respawn": True},
        )
    events.write()
    if result.killed:
        character_slain.send(sender=Character, killer=attacker, victim=target, room=room)
    facade.save_world(character.world)
    return result


def _kill(*, attacker: Character, victim: Character, room: Room, result: AttackResult, lines: list[str]) -> str:
    """Death: an NPC is slain and leaves play; a player dies for good or respawns (world rule)."""
    _record(room, ViolenceKind.DEATH, attacker, victim)
    if victim.is_npc:
        result.dropped = _drop_belongings(victim, room)
        victim.is_dead = True
        victim.room = None
        victim.equipped_weapon = None
        lines.append(f"{victim.name} is slain.")
        if result.dropped:
            lines.append(f"{victim.name} drops {', '.join(result.dropped)}.")
        return "slain"
    if world_permadeath(victim.world):
        result.dropped = _drop_belongings(victim, room)
        victim.is_dead = True
        victim.equipped_weapon = None
        lines.append(f"{victim.name} dies! Permadeath.")
        return "permadeath"
    respawn = _respawn_room(victim) or room
    victim.hp = victim.max_hp
    victim.room = respawn
    _set_yielded(victim, False)
    result.respawned_in = respawn
    lines.append(f"{victim.name} dies!")
    return "respawn"


@dataclass
class FleeResult:
    exit: Exit
    origin: Room
    message: str


@transaction.atomic
def combat_flee(*, character: Character, rng: random.Random | None = None) -> FleeResult:
    """Run through a random exit of the room that the fleer may pass (locks hold)."""
    dice = rng or combat_rng
    if character.is_dead:
        raise Conflict("You are dead. There is nowhere to flee.", code="dead")
    origin = character_room(character=character)
    passable = [e for e in room_exits(room=origin) if exit_allows(exit_=e, character=character)]
    if not passable:
        raise Conflict("There is nowhere to flee: every way out is locked to you.", code="no_escape")
    exit_ = dice.choice(passable)
    witnesses = [i for i in players_in_rooms(room_ids=[origin.pk]).get(origin.pk, []) if i != character.pk]
    events = EventBatch(world_id=origin.world_id)
    events.add(
        recipients=witnesses,
        kind=EventKind.FLEE,
        actor=character.name,
        text=f"{character.name} flees from combat!",
        data={"exit": exit_.name, "from": origin.key},
    )
    events.write()
    _record(origin, ViolenceKind.FLEE, character, None)
    character_pass(character=character, exit_=exit_)
    destination = exit_.destination
    return FleeResult(
        exit=exit_, origin=origin, message=f"You flee through the {exit_.name} to {destination.display_name}."
    )
