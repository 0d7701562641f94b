import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    # System checks import the whole API (~1 s and 33 MB a process, issue 13); this command needs only
    # the models. `migrate` (and prepare_demo, scripts/prepare.sh) still run them.
    requires_system_checks = []

    help = (
        "Create the local staff account if it is missing and print how to log in (development machines). "
        "An existing account keeps its password unless --reset-password is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("MUDSITE_ADMIN_USER", "admin"))
        parser.add_argument("--password", default=os.environ.get("MUDSITE_ADMIN_PASSWORD", "mudsite-admin"))
        parser.add_argument(
            "--reset-password", action="store_true", help="Set the password of an existing account to --password."
        )

    def handle(self, *args, username: str, password: str, reset_password: bool, **options):
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        if created or reset_password:
            user.set_password(password)
        user.save()
        if created or reset_password:
            self.stdout.write(f"Admin login: {username} / {password} ({'created' if created else 'password reset'})")
        else:
            self.stdout.write(
                f"Admin login: {username} (existing account, password unchanged; "
                "ensure_admin --reset-password sets it again)"
            )
