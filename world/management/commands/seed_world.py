import os

from django.core.management.base import BaseCommand, CommandError

from persistence.facade import export_world_now
from world.models import Character, Exit, Item, Room, World
from world.services.demo import DEMO_SLUG, demo_world_seed


class Command(BaseCommand):
    # System checks import the whole API (~1 s and 33 MB a process, issue 13); this command needs only
    # the models. `migrate` (and prepare_demo, scripts/prepare.sh) still run them.
    requires_system_checks = []

    help = (
        "Create the demo world (slug 'demo') if it does not exist. An existing demo world is left as it is, "
        "with every change players and builders made; --reset (or SEED_RESET=1) brings it back to the seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            default=os.environ.get("SEED_RESET", "").strip().lower() in {"1", "true", "yes", "on"},
            help="Bring an existing demo world back to its seeded state (undoes every change made since).",
        )

    def handle(self, *args, reset: bool, **options):
        existing = World.objects.filter(slug=DEMO_SLUG).first()
        if existing is not None and not reset:
            self.stdout.write(
                f"Demo world '{existing.slug}' already exists; left unchanged (seed_world --reset re-seeds it)."
            )
            return
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
        verb = "re-seeded" if existing is not None else "created"
        self.stdout.write(self.style.SUCCESS(f"Demo world '{world.slug}' ({world.name}) {verb}: {summary}."))
