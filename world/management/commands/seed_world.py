from django.core.management.base import BaseCommand, CommandError

from persistence.facade import export_world_now
from world.models import Character, Exit, Item, Room
from world.services.demo import demo_world_seed


class Command(BaseCommand):
    help = "Create or refresh the demo world (slug 'demo'). Safe to run again: it changes nothing the second time."

    def handle(self, *args, **options):
        world = demo_world_seed()
        counts = {
            model.__name__.lower() + "s": model.objects.filter(world=world).count()
            for model in (Room, Exit, Character, Item)
        }
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        # The command ends with the world file written, not with a save queued in a process
        # that is about to exit.
        saved = export_world_now(world)
        self.stdout.write(saved.line())
        if not saved.ok:
            raise CommandError(f"the demo world could not be saved: {saved.error}")
        self.stdout.write(self.style.SUCCESS(f"Demo world '{world.slug}' ({world.name}) ready: {summary}."))
