"""Settings for benchmarks: the project's, plus a bare JSON view to compare against (bench/urls.py)."""

import os

from mudsite.settings import *  # noqa: F403
from mudsite.settings import LOGGING

ROOT_URLCONF = "bench.urls"
DEBUG = False
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}

# Persistent connections (the project default for SQLite is a new connection per request).
if os.environ.get("BENCH_CONN_MAX_AGE"):
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])  # noqa: F405
