from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "The data step of scripts/serve.sh, in one process: migrate, then seed_world and ensure_admin "
        "(each keeps what is there; SEED_RESET=1 re-seeds the demo, MUDSITE_ADMIN_* name the admin)."
    )

    # The system checks run once, here, as `migrate` ran them when these were three processes
    # (each Django start-up is ~0.5 s of CPU; a restart paid it three times).
    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout, stderr=self.stderr)
        call_command("seed_world", stdout=self.stdout, stderr=self.stderr)
        call_command("ensure_admin", stdout=self.stdout, stderr=self.stderr)
