"""Settings for the server shutdown tests: the real project plus views that change a world."""

import os

from mudsite.settings import *  # noqa: F403

ROOT_URLCONF = "tests.persistence.server_urls"
# Slow exports down so a test can send SIGTERM while one is in flight.
MUDSITE_TEST_EXPORT_DELAY_MS = int(os.environ.get("MUDSITE_TEST_EXPORT_DELAY_MS", "0"))
