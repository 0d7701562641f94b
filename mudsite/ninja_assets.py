"""ninja's templates and static files (the Swagger UI that /api/docs serves offline) as a Django app, without
importing ninja: listing "ninja" in INSTALLED_APPS imports the package at start-up, and with it pydantic and
ninja's operation machinery, in every process (each management command; bench/README.md, "Start-up of a
management command"). The API imports ninja when the URLs load; `mudsite.api.OfflineSwagger` renders the page
from these templates."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.apps import AppConfig


def _ninja_directory() -> str:
    spec = importlib.util.find_spec("ninja")  # finds the package without running it
    assert spec is not None and spec.origin is not None, "django-ninja is not installed"
    return str(Path(spec.origin).parent)


class NinjaAssetsConfig(AppConfig):
    name = "mudsite.ninja_assets"
    label = "ninja_assets"
    verbose_name = "API docs assets (django-ninja's templates and static files)"
    path = _ninja_directory()
