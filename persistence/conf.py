"""Persistence settings, read at call time so `override_settings` and tests can change them."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def state_dir() -> Path:
    return Path(getattr(settings, "MUDSITE_STATE_DIR", Path(settings.BASE_DIR) / "var" / "worlds"))


def debounce_seconds() -> float:
    return int(getattr(settings, "MUDSITE_DEBOUNCE_MS", 300)) / 1000


def max_wait_seconds() -> float:
    return int(getattr(settings, "MUDSITE_MAX_WAIT_MS", 5000)) / 1000


def backups_kept() -> int:
    return int(getattr(settings, "MUDSITE_BACKUPS_KEPT", 0))


def compression() -> str:
    """'' (plain JSON), 'zstd' or 'gzip'."""
    value = str(getattr(settings, "MUDSITE_COMPRESSION", "") or "").strip().lower()
    if value not in {"", "zstd", "gzip"}:
        raise ValueError(f"MUDSITE_COMPRESSION must be '', 'zstd' or 'gzip', not {value!r}")
    return value


def remote_storage() -> str:
    """A STORAGES alias to upload every export to after the local write ('' = none)."""
    return str(getattr(settings, "MUDSITE_REMOTE_STORAGE", "") or "")


def prometheus_enabled() -> bool:
    return bool(getattr(settings, "MUDSITE_PROMETHEUS", False))


def scheduler_mode() -> str:
    """'thread': one background scheduler per process (the default);
    'inline': export at once in the committing thread (unit tests);
    'manual': only queue (in this process) and mark dirty; exports come from flush_all_saves,
    another process's sweep or `manage.py flush_saves` (tests and benchmarks of the request path)."""
    return str(getattr(settings, "MUDSITE_SCHEDULER_MODE", "thread") or "thread")


def sweep_seconds() -> float:
    return int(getattr(settings, "MUDSITE_SWEEP_MS", 5000)) / 1000


def shutdown_wait_seconds() -> float:
    """How long a shutting-down process waits for an export already in flight (below gunicorn's
    graceful_timeout, 30 s, after which the master kills the worker)."""
    return int(getattr(settings, "MUDSITE_SHUTDOWN_WAIT_MS", 20_000)) / 1000


def export_chunk_delay_seconds() -> float:
    """Test-only: pause after each written chunk so crash tests can kill an export mid-write."""
    return int(getattr(settings, "MUDSITE_TEST_EXPORT_DELAY_MS", 0)) / 1000


def import_max_bytes() -> int:
    """The most bytes an import reads after decompression: a tiny zstd bomb must not fill the memory."""
    return int(getattr(settings, "MUDSITE_IMPORT_MAX_BYTES", 512 * 1024 * 1024))


def import_staging_dir() -> Path:
    """Where admin uploads wait for their import (not the world files' directory)."""
    return Path(getattr(settings, "MUDSITE_IMPORT_STAGING_DIR", Path(settings.BASE_DIR) / "var" / "imports"))


def save_history_days() -> float:
    """How long the save history (one row per written or failed export) is kept."""
    return float(getattr(settings, "MUDSITE_SAVE_HISTORY_DAYS", 30))
