"""TinyMUD's autonomy rules (reference §4.5) firing inside a real tick, each trigger fed by what the
game writes: faction memberships and rivalries, the theft and violence the services record, the
exits an NPC walked through, fights in its room. No rule is called alone here: every test ticks.
"""

from __future__ import annotations

from django.db.models import Max

from tests import factories
from world.models import Character, Event, EventKind, World
from world.services import combat
from world.services.exits import exit_lock
from world.services.factions import faction_create, faction_link_set, member_add
from world.services.interactions import interaction_choose, interaction_start
from world.services.items import item_take
from world.services.movement import character_move
from world.sheet import MEMORY_LIMIT
from world.simulation.clock import tick_world


def feed(character) -> list[str]:
    return list(Event.objects.filter(recipient_id=character.pk).values_list("text", flat=True))


def fresh(character) -> Character:
    return Character.objects.select_related("world").get(pk=character.pk)


def memories_of(character, kind: str) -> list[dict]:
    return [m for m in fresh(character).sheet.get("memories", []) if m.get("type") == kind]


def npc(tiny_world, name, room=None, **fields) -> Character:
    return factories.make_npc(world=tiny_world.world, room=room or tiny_world.hall, name=name, **fields)


# ---------------------------------------------------------------------------------------------- rival factions


def sworn_rivals(world: World) -> tuple:
    watch = faction_create(world=world, name="Watch")
    thieves = faction_create(world=world, name="Thieves")
    return watch, thieves


def test_an_npc_sneers_at_a_rival_factions_member_in_its_room(tiny_world):
    watch, thieves = sworn_rivals(tiny_world.world)
    faction_link_set(faction=watch, other=thieves, stance="rival")
    carl = npc(tiny_world, "Carl")
    member_add(faction=watch, character=tiny_world.npc)
    member_add(faction=thieves, character=carl)
    tick_world(world=tiny_world.world)
    seen = feed(tiny_world.player)
    assert "Bob sneers at Carl, a sworn rival." in seen, seen
    assert "Carl sneers at Bob, a sworn rival." in seen, seen


def test_a_player_of_a_rival_faction_is_sneered_at_too(tiny_world):
    watch, thieves = sworn_rivals(tiny_world.world)
    faction_link_set(faction=watch, other=thieves, stance="rival")
    member_add(faction=watch, character=tiny_world.npc)
    member_add(faction=thieves, character=tiny_world.player)
    tick_world(world=tiny_world.world)
    assert "Bob sneers at Alice, a sworn rival." in feed(tiny_world.player)


def test_members_of_unlinked_or_allied_factions_or_in_another_room_are_left_alone(tiny_world):
    watch, thieves = sworn_rivals(tiny_world.world)
    carl = npc(tiny_world, "Carl")
    dora = npc(tiny_world, "Dora", room=tiny_world.kitchen)
    member_add(faction=watch, character=tiny_world.npc)
    member_add(faction=thieves, character=carl)
    faction_link_set(faction=watch, other=thieves, stance="ally")
    member_add(faction=thieves, character=dora)
    tick_world(world=tiny_world.world)
    assert not [t for t in feed(tiny_world.player) if "sneers" in t]


# ---------------------------------------------------------------------------------------------- report crime


def dutiful(tiny_world, name="Carl", room=None) -> Character:
    """An NPC whose responsibility (> 70) makes it report what it saw."""
    return npc(tiny_world, name, room=room, responsibility=80)


def test_an_npc_that_saw_a_player_steal_through_take_reports_it(tiny_world):
    carl = dutiful(tiny_world)
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=tiny_world.npc)
    item_take(character=fresh(tiny_world.player), item_name="purse")  # what `/play/take` does
    tick_world(world=tiny_world.world)
    assert 'Carl says, "Guards! I witnessed a crime by Alice!"' in feed(tiny_world.player), feed(tiny_world.player)
    assert [m["actor"] for m in memories_of(carl, "reported_crime")] == ["Alice"]


def test_an_npc_that_saw_a_player_steal_through_interact_reports_it(tiny_world):
    carl = dutiful(tiny_world)
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=tiny_world.npc)
    alice = fresh(tiny_world.player)
    interaction_start(character=alice, object_name="purse")
    interaction_choose(character=alice, choice="Pick Up")
    tick_world(world=tiny_world.world)
    assert [m["crime"] for m in memories_of(carl, "witnessed_crime")] == ["theft"]
    assert [m["actor"] for m in memories_of(carl, "reported_crime")] == ["Alice"]


def test_a_theft_is_seen_where_it_happened_not_where_the_thief_went(tiny_world):
    """The thief alone (no other player) walks on before the tick: the NPCs of the room it robbed
    saw it, those of the room it walked into did not."""
    carl = dutiful(tiny_world)
    dora = dutiful(tiny_world, "Dora", room=tiny_world.kitchen)
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=tiny_world.npc)
    item_take(character=fresh(tiny_world.player), item_name="purse")
    character_move(character=fresh(tiny_world.player), exit_name="kitchen door")
    tick_world(world=tiny_world.world)
    assert [m["actor"] for m in memories_of(carl, "witnessed_crime")] == ["Alice"]
    assert memories_of(dora, "witnessed_crime") == []
    assert memories_of(dora, "reported_crime") == []


def test_an_npc_that_saw_an_npc_steal_in_a_tick_reports_it_the_next(tiny_world):
    """No player in the room: the NPC thief's take is still recorded and witnessed."""
    character_move(character=fresh(tiny_world.player), exit_name="kitchen door")
    Character.objects.filter(pk=tiny_world.npc.pk).update(
        sheet={"plan_queue": [{"tool": "take", "args": {"item": "purse"}}]}
    )
    owner = npc(tiny_world, "Owen", room=tiny_world.kitchen)
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=owner)
    carl = dutiful(tiny_world)
    tick_world(world=tiny_world.world)
    assert fresh(tiny_world.npc).sheet["lifetime_stats"]["thefts"] == 1
    assert [m["actor"] for m in memories_of(carl, "witnessed_crime")] == ["Bob"]
    tick_world(world=tiny_world.world)
    assert [m["actor"] for m in memories_of(carl, "reported_crime")] == ["Bob"]


def test_an_npc_that_saw_violence_reports_it(tiny_world):
    carl = dutiful(tiny_world)
    combat.combat_attack(character=fresh(tiny_world.player), target_name="Bob")
    tick_world(world=tiny_world.world)
    assert [m["crime"] for m in memories_of(carl, "witnessed_crime")] == ["violence"]
    assert 'Carl says, "Guards! I witnessed a crime by Alice!"' in feed(tiny_world.player)


def test_an_npc_that_saw_a_killing_reports_it(tiny_world):
    carl = dutiful(tiny_world)
    Character.objects.filter(pk=tiny_world.npc.pk).update(hp=1)
    assert combat.combat_attack(character=fresh(tiny_world.player), target_name="Bob").killed
    tick_world(world=tiny_world.world)
    assert [m["actor"] for m in memories_of(carl, "witnessed_crime")] == ["Alice"]
    assert [m["actor"] for m in memories_of(carl, "reported_crime")] == ["Alice"]


def test_a_crime_is_witnessed_once_and_reported_once(tiny_world):
    """However many ticks follow (the world has no clock row: the defaults), the same event is
    not seen again."""
    carl = dutiful(tiny_world)
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=tiny_world.npc)
    item_take(character=fresh(tiny_world.player), item_name="purse")
    for _ in range(4):
        tick_world(world=tiny_world.world)
    assert len(memories_of(carl, "witnessed_crime")) == 1
    assert len(memories_of(carl, "reported_crime")) == 1
    assert sum("Guards!" in t for t in feed(tiny_world.player)) == 1


def test_an_npc_elsewhere_or_careless_does_not_report(tiny_world):
    dora = dutiful(tiny_world, "Dora", room=tiny_world.kitchen)
    npc(tiny_world, "Carl", responsibility=50)
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=tiny_world.npc)
    item_take(character=fresh(tiny_world.player), item_name="purse")
    tick_world(world=tiny_world.world)
    assert memories_of(dora, "witnessed_crime") == []
    assert not [t for t in feed(tiny_world.player) if "Guards!" in t]


# ---------------------------------------------------------------------------------------------- explore


def curious(tiny_world, **sheet) -> None:
    """Bob explores (curiosity > 60, confidence > 40); nothing on the floor to investigate first."""
    tiny_world.apple.delete()
    Character.objects.filter(pk=tiny_world.npc.pk).update(curiosity=70, confidence=50, sheet=sheet)


def test_an_npc_exploring_an_exit_remembers_it(tiny_world):
    curious(tiny_world)
    tick_world(world=tiny_world.world)
    bob = fresh(tiny_world.npc)
    assert bob.room_id == tiny_world.kitchen.pk
    assert [(m["room"], m["exit"], m["tick"]) for m in memories_of(bob, "explored_exit")] == [
        ("hall", "kitchen door", 1)
    ]


def test_explored_exit_memories_keep_the_newest_50(tiny_world):
    old = [{"type": "chat", "tick": 0, "n": n} for n in range(MEMORY_LIMIT)]
    curious(tiny_world, memories=old)
    tick_world(world=tiny_world.world)
    memories = fresh(tiny_world.npc).sheet["memories"]
    assert len(memories) == MEMORY_LIMIT
    assert memories[0]["n"] == 1, "the oldest is dropped"
    assert memories[-1]["type"] == "explored_exit"


def test_an_explored_exit_is_not_explored_again(tiny_world):
    curious(tiny_world, memories=[{"type": "explored_exit", "tick": 0, "room": "hall", "exit": "kitchen door"}])
    tick_world(world=tiny_world.world)
    assert fresh(tiny_world.npc).room_id == tiny_world.hall.pk


# ---------------------------------------------------------------------------------------------- flee


def fight_in_the_hall(tiny_world) -> None:
    """Alice hits Carl in the hall (a real blow, through the combat service)."""
    npc(tiny_world, "Carl", hp=50, max_hp=50)
    combat.combat_attack(character=fresh(tiny_world.player), target_name="Carl")


def locked_armory(tiny_world, allow: list[str]) -> None:
    """A locked exit named to come before "kitchen door" (exits are tried in name order)."""
    armory = factories.RoomFactory(world=tiny_world.world, key="armory", name="Armory")
    door = factories.make_exit(source=tiny_world.hall, destination=armory, name="armory door")
    exit_lock(world=tiny_world.world, exit=door, allow=allow)


def test_a_timid_npc_flees_a_fight_through_an_open_exit_not_a_locked_one(tiny_world):
    locked_armory(tiny_world, allow=[])
    Character.objects.filter(pk=tiny_world.npc.pk).update(aggression=10)
    fight_in_the_hall(tiny_world)
    tick_world(world=tiny_world.world)
    assert fresh(tiny_world.npc).room_id == tiny_world.kitchen.pk
    assert not [t for t in feed(tiny_world.player) if "Bob hesitates" in t]


def test_an_npc_flees_through_a_locked_exit_it_may_pass(tiny_world):
    locked_armory(tiny_world, allow=["Bob"])
    Character.objects.filter(pk=tiny_world.npc.pk).update(aggression=10)
    fight_in_the_hall(tiny_world)
    tick_world(world=tiny_world.world)
    assert fresh(tiny_world.npc).room.key == "armory"


def test_a_frightened_npc_flees_danger(tiny_world):
    """flee_danger (90): safety below 30 once it saw the blow (seeing violence costs safety)."""
    locked_armory(tiny_world, allow=[])
    Character.objects.filter(pk=tiny_world.npc.pk).update(safety=50, aggression=50)
    fight_in_the_hall(tiny_world)
    tick_world(world=tiny_world.world)
    bob = fresh(tiny_world.npc)
    assert bob.room_id == tiny_world.kitchen.pk
    assert bob.sheet["cooldowns"].get("flee_danger") == 1


def test_an_npc_with_every_exit_locked_to_it_stays_without_hesitating(tiny_world):
    Character.objects.filter(pk=tiny_world.npc.pk).update(aggression=10)
    exit_lock(world=tiny_world.world, exit=tiny_world.door_out, allow=[])
    fight_in_the_hall(tiny_world)
    tick_world(world=tiny_world.world)
    assert fresh(tiny_world.npc).room_id == tiny_world.hall.pk
    assert not [t for t in feed(tiny_world.player) if "Bob hesitates" in t]


def test_a_bold_npc_or_one_in_another_room_does_not_flee(tiny_world):
    dora = npc(tiny_world, "Dora", room=tiny_world.kitchen, aggression=10)
    Character.objects.filter(pk=tiny_world.npc.pk).update(aggression=50)
    fight_in_the_hall(tiny_world)
    tick_world(world=tiny_world.world)
    assert fresh(tiny_world.npc).room_id == tiny_world.hall.pk
    assert fresh(dora).room_id == tiny_world.kitchen.pk


def test_a_fight_is_fled_once_not_every_tick_after(tiny_world):
    """The fight was one blow: once away, the NPC is not chased by it on later ticks."""
    Character.objects.filter(pk=tiny_world.npc.pk).update(aggression=10)
    fight_in_the_hall(tiny_world)
    tick_world(world=tiny_world.world)
    assert fresh(tiny_world.npc).room_id == tiny_world.kitchen.pk
    last = Event.objects.aggregate(Max("id"))["id__max"]
    tick_world(world=tiny_world.world)
    assert fresh(tiny_world.npc).room_id == tiny_world.kitchen.pk
    assert not Event.objects.filter(id__gt=last, kind=EventKind.ARRIVE, actor="Bob").exists()


def test_an_npc_theft_a_player_saw_is_witnessed_and_reported_once(tiny_world):
    """The tick's own record of an NPC's theft and the theft event the players in the room got
    are one crime, not two."""
    Character.objects.filter(pk=tiny_world.npc.pk).update(
        sheet={"plan_queue": [{"tool": "take", "args": {"item": "purse"}}]}
    )
    owner = npc(tiny_world, "Owen", room=tiny_world.kitchen)
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=owner)
    carl = dutiful(tiny_world)
    for _ in range(3):
        tick_world(world=tiny_world.world)
    assert [m["actor"] for m in memories_of(carl, "witnessed_crime")] == ["Bob"]
    assert sum("Guards!" in t for t in feed(tiny_world.player)) == 1
