from django.core.management.base import BaseCommand

from world.services.events import events_prune


class Command(BaseCommand):
    # System checks import the whole API (~1 s and 33 MB a process, issue 13); this command needs only
    # the models. `migrate` (and prepare_demo, scripts/prepare.sh) still run them.
    requires_system_checks = []

    help = "Delete player event-feed rows older than --days (default 7). Safe to run from cron."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=float, default=7.0)

    def handle(self, *args, days: float, **options):
        from datetime import timedelta

        deleted = events_prune(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} event(s) older than {days:g} day(s).")
