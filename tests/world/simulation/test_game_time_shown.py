"""Players see the game time: `look` (and its text in external rooms) and `me` (issue 14.10)."""

from __future__ import annotations

from world.models import Character, Room, World
from world.selectors import character_sheet, room_look
from world.simulation.clock import tick_world


def test_look_and_me_show_the_game_time_after_ticks(tiny_world):
    for _ in range(30):
        tick_world(world=tiny_world.world)
    Room.objects.filter(pk=tiny_world.hall.pk).update(tags=["external"])
    World.objects.filter(pk=tiny_world.world.pk).update(time_descriptions={"6": "Roosters crow."})
    alice = Character.objects.select_related("world", "room").get(pk=tiny_world.player.pk)
    seen = room_look(character=alice)
    assert (seen["time"]["day"], seen["time"]["hour"]) == (2, 6)
    assert "It is currently 6:00. Roosters crow." in seen["message"]
    assert character_sheet(character=alice)["time"]["ticks"] == 30


def test_indoor_look_carries_the_time_but_does_not_say_it(tiny_world):
    alice = Character.objects.select_related("world", "room").get(pk=tiny_world.player.pk)
    seen = room_look(character=alice)
    assert seen["time"]["ticks"] == 0 and "It is currently" not in seen["message"]
