"""Create the calibration database with the same room shape as bench/play_bench.py's: two rooms joined by a
door, 10 NPCs and 10 items in each, one character (with a token) per client. Prints the tokens as JSON."""

import json
import sys

import django


def main(clients: int) -> None:
    django.setup()
    from django.core.management import call_command

    from bench.calibration.models import Character, Exit, Item, Room

    call_command("migrate", run_syncdb=True, verbosity=0)
    hall = Room.objects.create(name="Great Hall", description="A long hall.")
    kitchen = Room.objects.create(name="Kitchen", description="Pots and pans.")
    Exit.objects.create(source=hall, destination=kitchen, name="kitchen door")
    Exit.objects.create(source=kitchen, destination=hall, name="hall door")
    for room in (hall, kitchen):
        for n in range(10):
            Character.objects.create(name=f"Villager {room.pk} {n}", room=room, is_npc=True)
            Item.objects.create(name=f"crate {room.pk} {n}", room=room)
    tokens = [f"calibration-token-{n}" for n in range(clients)]
    for n, token in enumerate(tokens):
        Character.objects.create(name=f"Player{n}", room=hall, token=token)
    print(json.dumps(tokens))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
