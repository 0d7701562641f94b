"""Per-world save state: the durable dirty marker and the save statistics (DESIGN §5).

`dirty_version` is bumped inside every transaction that changes a world, so "this world needs
an export" commits or rolls back with the change itself. An export that read version v sets
`saved_version = v` once its file is durable. Every counter lives here, in the database, so
every worker process and the admin see the same numbers.
"""

from __future__ import annotations

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
        return f"save state of world {self.world_id}"

    @property
    def is_dirty(self) -> bool:
        return self.dirty_version > self.saved_version
