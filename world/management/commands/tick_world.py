from django.core.management.base import BaseCommand, CommandError

from world.models import World
from world.simulation.clock import tick_world


class Command(BaseCommand):
    # System checks import the whole API (~1 s and 33 MB a process, issue 13); this command needs only
    # the models. `migrate` (and prepare_demo, scripts/prepare.sh) still run them.
    requires_system_checks = []

    help = "Advance a world's clock by N ticks now (tests, tooling, catching up). Each tick is one transaction."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--ticks", type=int, default=1)
        parser.add_argument("--seed", type=int, default=None, help="Seed of the random source (default: the world's).")

    def handle(self, *args, slug: str, ticks: int, seed: int | None, **options):
        world = World.objects.filter(slug=slug).first()
        if world is None:
            raise CommandError(f"No world '{slug}'.")
        if ticks < 0:
            raise CommandError("--ticks must be 0 or more.")
        report = None
        for _ in range(ticks):
            report = tick_world(world=world, seed=seed)
            if options["verbosity"] > 1:
                self.stdout.write(f"tick {report.tick}: {report.acted} steps, {report.failed} failed")
        final = report.tick if report else world.game_time_ticks
        self.stdout.write(self.style.SUCCESS(f"World '{slug}' advanced {ticks} ticks (game time {final})."))
