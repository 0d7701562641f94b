import sys

from django.core.management.base import BaseCommand, CommandError

from world.consistency import world_problems
from world.models import World


class Command(BaseCommand):
    help = (
        "Report every broken invariant of a world that the database cannot enforce (unreciprocated doors, "
        "malformed locks, tags naming missing templates, …). Exits 1 when it finds any."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="The world to check (default: every world).")

    def handle(self, *args, slug: str | None = None, **options):
        worlds = World.objects.filter(slug=slug) if slug else World.objects.all()
        if slug and not worlds.exists():
            raise CommandError(f"There is no world '{slug}'.")
        found = 0
        for world in worlds.order_by("slug"):
            problems = world_problems(world)
            found += len(problems)
            for problem in problems:
                self.stdout.write(f"{world.slug}: {problem}")
            if not problems:
                self.stdout.write(self.style.SUCCESS(f"{world.slug}: no problems found."))
        if found:
            self.stderr.write(f"{found} problem(s) found.")
            sys.exit(1)
