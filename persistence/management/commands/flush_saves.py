from django.core.management.base import BaseCommand, CommandError

from persistence.facade import flush_all_saves
from world.models import World


class Command(BaseCommand):
    # System checks import the whole API (~1 s and 33 MB a process, issue 13); this command needs only
    # the models. `migrate` (and prepare_demo, scripts/prepare.sh) still run them.
    requires_system_checks = []

    help = (
        "Export every world with unsaved changes now, whichever process queued them (deploy and shutdown "
        "step). Prints one line per world; exits non-zero if any export failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--world", metavar="SLUG", help="Only this world.")
        parser.add_argument(
            "--all", action="store_true", help="Every world, not only those with unsaved changes (see --force)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Rewrite the file even if it is up to date (with --all or --world)."
        )

    def handle(self, *args, world=None, all=False, force=False, **options):
        target = None
        if world:
            target = World.objects.filter(slug=world).values_list("pk", flat=True).first()
            if target is None:
                raise CommandError(f"No world with slug {world!r}.")
        report = flush_all_saves(world=target, all_worlds=all, force=force)
        for result in report.results:
            self.stdout.write(result.line())
        if not report.results:
            self.stdout.write("No world has unsaved changes.")
        if report.temp_files_removed:
            self.stdout.write(f"Removed {report.temp_files_removed} stale temp file(s).")
        if not report.ok:
            raise CommandError(f"{len(report.failed)} world(s) could not be saved.")
