import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create (or reset) the local staff account and print how to log in. For development machines."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("MUDSITE_ADMIN_USER", "admin"))
        parser.add_argument("--password", default=os.environ.get("MUDSITE_ADMIN_PASSWORD", "mudsite-admin"))

    def handle(self, *args, username: str, password: str, **options):
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write(f"Admin login: {username} / {password} ({'created' if created else 'reset'})")
