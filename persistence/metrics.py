"""Prometheus counters for saves (MUDSITE_PROMETHEUS), correct under several worker processes.

With PROMETHEUS_MULTIPROC_DIR set (by the start-up script, before Python starts), prometheus_client
writes each process's values to files in that directory and `metrics_view` sums them; without it
the counters are per process. The per-world numbers that matter live in SaveState either way.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from django.http import HttpRequest, HttpResponse

from persistence import conf
from persistence.results import ExportResult, RequestCounts


@functools.cache
def instruments() -> dict[str, Any]:
    from prometheus_client import Counter, Histogram

    return {
        "requests": Counter("mudsite_save_requests", "World save requests.", ["mode"]),
        "coalesced": Counter("mudsite_save_coalesced", "Save requests absorbed by a pending save."),
        "exports": Counter("mudsite_world_exports", "World exports by result.", ["result"]),
        "bytes": Counter("mudsite_world_export_bytes", "Bytes written by world exports."),
        "duration": Histogram("mudsite_world_export_duration_seconds", "Duration of world exports."),
    }


def observe_requests(counts: RequestCounts | None) -> None:
    """Called with the very counts that go into SaveState, so the two never disagree."""
    if not conf.prometheus_enabled() or not counts:
        return
    metric = instruments()
    if counts.debounced:
        metric["requests"].labels(mode="debounced").inc(counts.debounced)
    if counts.immediate:
        metric["requests"].labels(mode="immediate").inc(counts.immediate)
    if counts.coalesced:
        metric["coalesced"].inc(counts.coalesced)


def observe_export(result: ExportResult) -> None:
    if not conf.prometheus_enabled() or result.status not in {"written", "failed"}:
        return
    metric = instruments()
    metric["exports"].labels(result="ok" if result.status == "written" else "error").inc()
    if result.status == "written":
        metric["bytes"].inc(result.bytes or 0)
        metric["duration"].observe((result.duration_ms or 0) / 1000)


def render() -> tuple[bytes, str]:
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not conf.prometheus_enabled():
        return HttpResponse("Prometheus metrics are off (MUDSITE_PROMETHEUS).", status=404, content_type="text/plain")
    body, content_type = render()
    return HttpResponse(body, content_type=content_type)
