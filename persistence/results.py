"""What a save request and an export report: plain data shared by the scheduler, the exporter,
the façade and the metrics (kept apart so none of them has to import another for its types)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RequestCounts:
    """Save requests not yet added to the database counters.

    A request is one committed transaction (or one autocommit call) that changed a world, however
    many rows it wrote; `coalesced` counts requests that found a save already pending.
    """

    debounced: int = 0
    immediate: int = 0
    coalesced: int = 0

    def add(self, other: RequestCounts) -> None:
        self.debounced += other.debounced
        self.immediate += other.immediate
        self.coalesced += other.coalesced

    def __bool__(self) -> bool:
        return bool(self.debounced or self.immediate or self.coalesced)


@dataclass
class ExportResult:
    world_id: int
    slug: str
    status: str  # written | clean | busy | failed | gone
    version: int | None = None
    bytes: int | None = None
    duration_ms: float | None = None
    path: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status in {"written", "clean", "gone"}

    def line(self) -> str:
        if self.status == "written":
            return (
                f"{self.slug}: written version {self.version}, {self.bytes} bytes in {self.duration_ms:.1f} ms"
                f" -> {self.path}"
            )
        if self.status == "failed":
            return f"{self.slug}: FAILED: {self.error}"
        if self.status == "busy":
            return f"{self.slug}: BUSY: {self.error}"
        return f"{self.slug}: {self.status}" + (f" (version {self.version})" if self.version is not None else "")
