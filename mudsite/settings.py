"""mudsite settings: every value comes from the environment, with a dev-safe default."""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MUDSITE_VAR_DIR", BASE_DIR / "var"))
# Runtime data lives here and is not in git; SQLite cannot create its file's folder itself.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def database_from_url(url: str) -> dict:
    """Translate `postgres://user:pass@host:port/name?opt=v` or `sqlite:///path` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 0),
        }
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)))
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (use postgres:// or sqlite://)")


def sqlite_database(path: Path) -> dict:
    return {
        # Django's backend plus a pool of open connections (mudsite/db/sqlite3/base.py: why).
        "ENGINE": "mudsite.db.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "pool_size": env_int("DB_SQLITE_POOL_SIZE", 8),
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
            # with "database is locked" half-way through a transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # Write transactions queue at a flock gate before BEGIN (mudsite/db/sqlite3/base.py: why).
            "write_gate": env_bool("DB_SQLITE_WRITE_GATE", True),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        },
        # 0: a request's connection goes back to the pool when the request ends. Above 0, the ASGI server's
        # request threads keep theirs that long, any other thread still gives it back (mudsite/db/sqlite3/base.py);
        # faster with one client, slower under 8 (bench/README.md), so not the default.
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 0),
        "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
    }


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-secret-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # ninja's Swagger UI assets, served by this project (/api/docs works offline), without importing ninja
    "mudsite.ninja_assets.NinjaAssetsConfig",
    "accounts",
    "django_jsonform",
    "django_tasks_db",  # the database-backed task queue: admin imports run in its worker
    "world",
    "persistence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mudsite.middleware.ApiMethodNotAllowedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mudsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "mudsite.wsgi.application"
ASGI_APPLICATION = "mudsite.asgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(DATABASE_URL) if DATABASE_URL else sqlite_database(VAR_DIR / "mudsite.sqlite3")
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUDSITE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Persistence (DESIGN §5). Read at call time through persistence.conf, so override_settings works.
# Background work (admin imports) goes through Django's tasks framework; django-tasks-db keeps the
# queue in the database and `manage.py db_worker` (started by scripts/serve.sh) runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MUDSITE_IMPORT_STAGING_DIR = Path(os.environ.get("MUDSITE_IMPORT_STAGING_DIR", VAR_DIR / "imports"))
MUDSITE_STATE_DIR = Path(os.environ.get("MUDSITE_STATE_DIR", VAR_DIR / "worlds"))
MUDSITE_DEBOUNCE_MS = env_int("MUDSITE_DEBOUNCE_MS", 300)
MUDSITE_MAX_WAIT_MS = env_int("MUDSITE_MAX_WAIT_MS", 5000)
MUDSITE_SHUTDOWN_WAIT_MS = env_int("MUDSITE_SHUTDOWN_WAIT_MS", 20_000)  # waiting for an export in flight at exit
MUDSITE_BACKUPS_KEPT = env_int("MUDSITE_BACKUPS_KEPT", 0)
MUDSITE_SAVE_HISTORY_DAYS = env_int("MUDSITE_SAVE_HISTORY_DAYS", 30)  # the admin's save history
MUDSITE_COMPRESSION = os.environ.get("MUDSITE_COMPRESSION", "")  # "", "zstd" or "gzip"
MUDSITE_REMOTE_STORAGE = os.environ.get("MUDSITE_REMOTE_STORAGE", "")  # a STORAGES alias, e.g. "worlds"
MUDSITE_PROMETHEUS = env_bool("MUDSITE_PROMETHEUS", False)
MUDSITE_SCHEDULER_MODE = os.environ.get("MUDSITE_SCHEDULER_MODE", "thread")  # "thread" or "inline"

# Play API. Login throttle: this many failures per username and client address within the window
# → 429 until it passes. Counts live in the cache (CACHES; the LocMem default is per process, so
# several workers or hosts need a shared cache such as Redis or the database cache).
MUDSITE_LOGIN_FAILURE_LIMIT = env_int("MUDSITE_LOGIN_FAILURE_LIMIT", 5)
MUDSITE_LOGIN_FAILURE_WINDOW = env_int("MUDSITE_LOGIN_FAILURE_WINDOW", 300)  # seconds
MUDSITE_REGISTER_LIMIT = env_int("MUDSITE_REGISTER_LIMIT", 30)  # accounts per client address per window
MUDSITE_REGISTER_WINDOW = env_int("MUDSITE_REGISTER_WINDOW", 3600)
# Bearer tokens: lifetime, counted from the last use ("sliding") or from the login ("fixed").
MUDSITE_TOKEN_LIFETIME_SECONDS = env_int("MUDSITE_TOKEN_LIFETIME_SECONDS", 30 * 24 * 3600)
MUDSITE_TOKEN_EXPIRY = os.environ.get("MUDSITE_TOKEN_EXPIRY", "sliding")
# `look` lists a player as online when one of their tokens was used this recently, else asleep.
MUDSITE_PRESENCE_SECONDS = env_int("MUDSITE_PRESENCE_SECONDS", 300)
MUDSITE_TOKEN_TOUCH_SECONDS = env_int("MUDSITE_TOKEN_TOUCH_SECONDS", 60)  # last_used_at written at most this often
# Password reset codes (Django's PasswordResetTokenGenerator) and the mail that carries them.
PASSWORD_RESET_TIMEOUT = env_int("DJANGO_PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
MAILERS = {
    "default": {"BACKEND": os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "mudsite@localhost")
# Who answers for NPCs: a dotted path to a class with `reply(DialogueRequest) -> str`.
MUDSITE_DIALOGUE_BACKEND = os.environ.get("MUDSITE_DIALOGUE_BACKEND", "world.npc_dialogue.OfflineDialogue")

# Live feed (world/live/): SQLite has no notifications, so one poller per process looks for new rows
# this often while anyone waits (PostgreSQL uses LISTEN/NOTIFY instead); streams send a keep-alive
# comment and re-check the caller's login this often.
MUDSITE_LIVE_POLL_MS = env_int("MUDSITE_LIVE_POLL_MS", 200)
MUDSITE_LIVE_KEEPALIVE_SECONDS = env_int("MUDSITE_LIVE_KEEPALIVE_SECONDS", 15)

# Play requests under ASGI run on this many threads per server process (mudsite/asgi.py). On SQLite a
# request's database work runs in this process with the GIL held (but for the COMMIT's fsync and the write
# gate), so threads beyond two only take turns at the GIL: under 8 connections two gave 1.07-1.54x the
# looks, 1.13x the moves and 1.10-1.21x the says of eight (bench/README.md, session 24). PostgreSQL's
# queries wait on the network with the GIL released, and more threads overlap them.
SQLITE_IN_USE = DATABASES["default"]["ENGINE"] == "mudsite.db.sqlite3"
MUDSITE_REQUEST_THREADS = env_int("MUDSITE_REQUEST_THREADS", 2 if SQLITE_IN_USE else 8)

# run_world on SQLite: a world's ClockLease lapses max(this, 3 × tick period) after its holder stops
# renewing it (a killed ticker); the lease-lapse test shortens it to wait less for a dead holder.
MUDSITE_CLOCK_MIN_LEASE_MS = env_int("MUDSITE_CLOCK_MIN_LEASE_MS", 10_000)
