"""The project's settings for the server the browser tests start, with the tests' fast password hasher."""

from mudsite.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
