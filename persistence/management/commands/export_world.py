import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from persistence.facade import export_world_now, write_world_copy
from world.models import World


class Command(BaseCommand):
    # System checks import the whole API (~1 s and 33 MB a process, issue 13); this command needs only
    # the models. scripts/prepare.sh's `migrate` still runs them on every start.
    requires_system_checks = []

    help = (
        "Export one world. Without -o it writes the world's state file (as a save would); with -o FILE it "
        "writes a copy of the current state to FILE ('-' for standard output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", metavar="FILE")

    def handle(self, *args, slug, output=None, **options):
        world_id = World.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if world_id is None:
            raise CommandError(f"No world with slug {slug!r}.")
        if output is None:
            result = export_world_now(world_id, wait_seconds=60)
            self.stdout.write(result.line())
            if not result.ok:
                raise CommandError(result.error or result.status)
            return
        if output == "-":
            data = write_world_copy(world_id)
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        size = write_world_copy(world_id, Path(output))
        self.stdout.write(f"{slug}: {size} bytes -> {output}")
