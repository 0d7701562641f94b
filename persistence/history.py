"""The save history as the admin shows it: the latest exports of a world and a small SVG chart."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from persistence.models import ExportRecord

CHART_WIDTH, CHART_HEIGHT, PAD = 560, 90, 4


def world_history(world_id: int, *, limit: int = 50) -> list[ExportRecord]:
    return list(ExportRecord.objects.filter(world_id=world_id).order_by("-at", "-pk")[:limit])


def duration_text(ms: float | None) -> str:
    if ms is None:
        return "—"
    if ms < 1:
        return f"{ms * 1000:.0f} µs"
    if ms < 1000:
        return f"{ms:.1f} ms"
    return f"{ms / 1000:.2f} s"


def size_text(count: int | None) -> str:
    if count is None:
        return "—"
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} bytes"


def history_chart(records: list[ExportRecord]) -> SafeString:
    """Two sparklines, duration and size, oldest export on the left; failed exports as red marks."""
    written = [r for r in reversed(records) if r.status == "written"]
    if not written:
        return SafeString("")
    return format_html(
        '<svg class="save-history-chart" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
        "<title>Duration and size of the last {n} exports</title>{duration}{size}</svg>",
        w=CHART_WIDTH,
        h=2 * CHART_HEIGHT + 8,
        n=len(written),
        duration=_line(written, [r.duration_ms or 0.0 for r in written], 0, "duration", duration_text, "#417690"),
        size=_line(written, [float(r.bytes or 0) for r in written], CHART_HEIGHT + 8, "size", size_text, "#b8860b"),
    )


def _line(records, values: list[float], top: int, label: str, text, colour: str) -> SafeString:
    high = max(values) or 1.0
    step = (CHART_WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    xy = [
        (f"{PAD + i * step:.1f}", f"{top + CHART_HEIGHT - PAD - (v / high) * (CHART_HEIGHT - 2 * PAD - 14):.1f}")
        for i, v in enumerate(values)
    ]
    points = " ".join(f"{x},{y}" for x, y in xy)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2" fill="{}"><title>{}: {}</title></circle>',
        (
            (x, y, colour, f"{r.at:%Y-%m-%d %H:%M:%S}", text(r.duration_ms if label == "duration" else r.bytes))
            for (x, y), r in zip(xy, records, strict=True)
        ),
    )
    return format_html(
        '<g class="chart-{label}"><text x="{pad}" y="{ty}" font-size="11">{label} (max {peak})</text>'
        '<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>{dots}</g>',
        label=label,
        pad=PAD,
        ty=top + 11,
        peak=text(high if label == "duration" else int(high)),
        colour=colour,
        points=points,
        dots=dots,
    )
