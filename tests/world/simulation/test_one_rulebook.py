"""One rulebook (issue 14 item 5): an NPC acts through the services players use, inside a real tick.
Its theft is recorded as a player's theft is; ownership and locks hold it as they hold a player."""

from __future__ import annotations

from tests import factories
from world.models import Carry, Character, Event, EventKind, Item
from world.services.exits import exit_lock
from world.services.items import item_take
from world.services.movement import character_move
from world.simulation.clock import tick_world


def fresh(character) -> Character:
    return Character.objects.select_related("world", "room").get(pk=character.pk)


def planned(character, *steps: tuple[str, dict]) -> None:
    """Hand `character` a plan, with the action points to carry all of it out this tick."""
    plan = [{"tool": tool, "args": args} for tool, args in steps]
    Character.objects.filter(pk=character.pk).update(sheet={"plan_queue": plan, "action_points": len(plan) - 1})


def thefts_seen_by(character) -> list[Event]:
    return list(Event.objects.filter(recipient_id=character.pk, kind=EventKind.THEFT).order_by("id"))


def feed(character) -> list[str]:
    return list(Event.objects.filter(recipient_id=character.pk).values_list("text", flat=True))


def test_an_npc_stealing_by_its_rule_is_recorded_as_a_players_theft_is(tiny_world):
    """Bob's steal rule (wealth_desire > 70, responsibility < 40) takes Alice's purse in a tick;
    Dave (a player) took her ring through `take` before it: Alice sees two thefts alike."""
    alice = tiny_world.player
    dave = factories.make_player(world=tiny_world.world, room=tiny_world.hall, name="Dave")
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="ring", owner=alice, value=30)
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=alice, value=20)
    item_take(character=fresh(dave), item_name="ring")
    Character.objects.filter(pk=tiny_world.npc.pk).update(responsibility=20, sheet={"wealth_desire": 80})
    tick_world(world=tiny_world.world)
    by_player, by_npc = thefts_seen_by(alice)
    assert (by_player.actor, by_player.text) == ("Dave", "Dave picks up the ring, which belongs to Alice.")
    assert (by_npc.actor, by_npc.text) == ("Bob", "Bob picks up the purse, which belongs to Alice.")
    assert by_npc.data.keys() == by_player.data.keys()
    assert (by_npc.data["owner"], by_npc.data["theft"], by_npc.data["room"]) == ("Alice", True, "hall")
    bob = fresh(tiny_world.npc)
    assert Item.objects.get(name="purse").character_id == bob.pk
    assert bob.sheet["lifetime_stats"]["thefts"] == 1
    assert [e.actor for e in thefts_seen_by(dave)] == ["Dave", "Bob"]


def test_an_npc_taking_what_is_nobodys_or_its_own_is_no_theft(tiny_world):
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="hat", owner=tiny_world.npc)
    planned(tiny_world.npc, ("take", {"item": "hat"}), ("take", {"item": "apple"}))
    report = tick_world(world=tiny_world.world)
    assert report.failed == 0
    assert thefts_seen_by(tiny_world.player) == []
    assert {"Bob picks up the hat.", "Bob picks up the apple."} <= set(feed(tiny_world.player))


def test_an_npc_thief_is_not_the_owner_and_may_not_claim_what_it_stole(tiny_world):
    """Ownership holds: taking is not owning, and claiming someone else's thing is refused (the
    step fails like any refused step: the room sees Bob hesitate and grumble)."""
    purse = factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="purse", owner=tiny_world.player)
    planned(tiny_world.npc, ("take", {"item": "purse"}), ("claim", {"item": "purse"}))
    report = tick_world(world=tiny_world.world)
    purse.refresh_from_db()
    assert (purse.character_id, purse.owner_id) == (tiny_world.npc.pk, tiny_world.player.pk)
    assert report.failed == 1
    seen = feed(tiny_world.player)
    assert "Bob hesitates." in seen and 'Bob grumbles loudly: "That belongs to someone else."' in seen


def test_an_npc_may_not_sleep_in_a_bed_it_does_not_own(tiny_world):
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="cot", tags=["Bed"], carry=Carry.FIXED,
                        owner=tiny_world.player)  # fmt: skip
    planned(tiny_world.npc, ("sleep", {"item": "cot"}))
    tick_world(world=tiny_world.world)
    assert 'Bob grumbles loudly: "That\'s not my bed."' in feed(tiny_world.player)
    assert "sleeping_ticks" not in fresh(tiny_world.npc).sheet


def test_an_npc_may_not_take_what_a_player_may_not(tiny_world):
    factories.make_item(world=tiny_world.world, room=tiny_world.hall, name="anvil", carry=Carry.FIXED)
    planned(tiny_world.npc, ("take", {"item": "anvil"}))
    tick_world(world=tiny_world.world)
    assert 'Bob grumbles loudly: "It won\'t budge!"' in feed(tiny_world.player)
    assert Item.objects.get(name="anvil").room_id == tiny_world.hall.pk


def test_a_locked_door_holds_an_npc_as_it_holds_a_player(tiny_world):
    exit_lock(world=tiny_world.world, exit=tiny_world.door_out, allow=["Alice"])
    planned(tiny_world.npc, ("move", {"exit": "kitchen door"}))
    report = tick_world(world=tiny_world.world)
    assert report.failed == 1 and fresh(tiny_world.npc).room_id == tiny_world.hall.pk
    assert 'Bob grumbles loudly: "Blasted door is locked!"' in feed(tiny_world.player)
    character_move(character=fresh(tiny_world.player), exit_name="kitchen door")  # the lock lets Alice by
    assert fresh(tiny_world.player).room_id == tiny_world.kitchen.pk


def test_a_hungry_npc_does_not_plan_through_a_door_locked_to_it(tiny_world):
    tiny_world.apple.delete()
    factories.make_item(world=tiny_world.world, room=tiny_world.kitchen, name="bread", tags=["Edible: 30"])
    exit_lock(world=tiny_world.world, exit=tiny_world.door_out, allow=["Alice"])
    Character.objects.filter(pk=tiny_world.npc.pk).update(hunger=10)
    for _ in range(3):
        tick_world(world=tiny_world.world)
    bob = fresh(tiny_world.npc)
    assert bob.room_id == tiny_world.hall.pk and bob.hunger < 10
    assert not [t for t in feed(tiny_world.player) if "Bob hesitates" in t]
