"""Per-world save state: the durable dirty marker and the save statistics (DESIGN §5).

`dirty_version` is bumped inside every transaction that changes a world, so "this world needs
an export" commits or rolls back with the change itself. An export that read version v sets
`saved_version = v` once its file is durable. Every counter lives here, in the database, so
every worker process and the admin see the same numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from world.models import World


class SaveState(models.Model):
    world = models.OneToOneField(World, primary_key=True, on_delete=models.CASCADE, related_name="save_state")
    dirty_version = models.BigIntegerField(default=0, help_text="Bumped by every committed change.")
    saved_version = models.BigIntegerField(default=0, help_text="The version in the world file on disk.")
    first_dirty_at = models.DateTimeField(null=True, blank=True, help_text="Oldest unsaved change (max wait).")
    last_dirty_at = models.DateTimeField(null=True, blank=True, help_text="Newest unsaved change (debounce).")
    requests_debounced = models.BigIntegerField(default=0)
    requests_immediate = models.BigIntegerField(default=0)
    coalesced = models.BigIntegerField(default=0, help_text="Requests absorbed by an already pending save.")
    export_count = models.BigIntegerField(default=0)
    error_count = models.BigIntegerField(default=0)
    consecutive_failures = models.IntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.FloatField(null=True, blank=True)
    last_bytes = models.BigIntegerField(null=True, blank=True)
    last_path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["world__slug"]
        verbose_name = "save statistics"
        verbose_name_plural = "save statistics"
        permissions = [("flush_saves", "Can export worlds now (save now, flush all)")]

    def __str__(self) -> str:
        return f"save statistics of {self.world.slug}"

    @property
    def is_dirty(self) -> bool:
        return self.dirty_version > self.saved_version


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "previewed"
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


ACTIVE_IMPORT_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)


class WorldImport(models.Model):
    """A world file uploaded in the admin: previewed, then imported by the task worker.

    The uploaded bytes wait in a staging file (MUDSITE_IMPORT_STAGING_DIR) until the import ran.
    At most one import per slug is queued or running: the partial unique constraint refuses the second.
    """

    slug = models.SlugField(max_length=64)
    replace = models.BooleanField(default=False, help_text="Replace the world of this slug if it exists.")
    source_name = models.CharField(max_length=255, help_text="The uploaded file's name.")
    staged_path = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, help_text="mudsite or tinymud")
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    counts = models.JSONField(default=dict, blank=True, help_text="Rows per kind the file holds.")
    error = models.TextField(blank=True)
    world = models.ForeignKey(World, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "world import"
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_IMPORT_STATUSES]),
                name="one_active_import_per_slug",
            )
        ]
        permissions = [
            ("import_world", "Can import a world file in the admin"),
            ("download_world", "Can download a world's current file"),
        ]

    def __str__(self) -> str:
        return f"import of {self.source_name} as {self.slug}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_IMPORT_STATUSES


class ExportTrigger(models.TextChoices):
    DEBOUNCED = "debounced", "debounced"
    IMMEDIATE = "immediate", "immediate"
    SWEEP = "sweep", "sweep"
    FLUSH = "flush", "flush"
    NOW = "now", "export now"


class ExportRecord(models.Model):
    """One export that wrote a file or failed: the save history (kept MUDSITE_SAVE_HISTORY_DAYS days)."""

    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    trigger = models.CharField(max_length=16, choices=ExportTrigger.choices)
    process = models.CharField(max_length=200, help_text="host:pid of the exporting process.")
    status = models.CharField(max_length=16)
    version = models.BigIntegerField(null=True)
    duration_ms = models.FloatField(null=True)
    bytes = models.BigIntegerField(null=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["world", "at"], name="exportrecord_world_at")]

    def __str__(self) -> str:
        return f"{self.status} export of world {self.world_id} at {self.at:%Y-%m-%d %H:%M:%S}"
