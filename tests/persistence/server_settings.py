"""Settings for the server shutdown tests: the real project plus one view that changes a world."""

from mudsite.settings import *  # noqa: F403

ROOT_URLCONF = "tests.persistence.server_urls"
