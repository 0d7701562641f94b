"""Background tasks (Django's tasks framework; run by `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from persistence.imports import import_run


@task()
def run_world_import(import_id: int) -> str:
    return import_run(import_id).status
