"""`/api/saves` (staff): save statistics, flush now, download a world's current export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from accounts.api.security import authenticated
from persistence.facade import SaveStats, flush_all_saves, get_save_stats, write_world_copy
from persistence.results import ExportResult
from world.exceptions import Forbidden
from world.schemas.common import ErrorOut
from world.selectors import world_get

router = Router(tags=["saves"], auth=authenticated)


class ExportResultOut(Schema):
    slug: str
    status: str
    version: int | None
    bytes: int | None
    duration_ms: float | None
    error: str
    message: str


class FlushOut(Schema):
    ok: bool
    results: list[ExportResultOut]
    message: str


def require_staff(request: HttpRequest) -> None:
    if not getattr(request.user, "is_staff", False):
        raise Forbidden("Only staff may see or trigger world saves.")


def result_out(result: ExportResult) -> ExportResultOut:
    return ExportResultOut(
        slug=result.slug,
        status=result.status,
        version=result.version,
        bytes=result.bytes,
        duration_ms=result.duration_ms,
        error=result.error,
        message=result.line(),
    )


@router.get("", response={200: SaveStats, 401: ErrorOut, 403: ErrorOut}, summary="Save statistics")
def saves_stats(request: HttpRequest) -> SaveStats:
    """Per world and in total, from the database (every worker reports the same numbers)."""
    require_staff(request)
    return get_save_stats()


# 422: `world`, `all_worlds` and `force` are query parameters ninja validates (`?force=null`).
@router.post(
    "/flush",
    response={200: FlushOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Flush now",
)
def saves_flush(
    request: HttpRequest, world: str | None = None, all_worlds: bool = False, force: bool = False
) -> FlushOut:
    """Export now every world with unsaved changes (or one `world`, or `all_worlds`); `force`
    rewrites files that are already up to date."""
    require_staff(request)
    target = world_get(slug=world).pk if world else None
    report = flush_all_saves(world=target, all_worlds=all_worlds, force=force)
    lines = [result.line() for result in report.results] or ["No world has unsaved changes."]
    return FlushOut(ok=report.ok, results=[result_out(r) for r in report.results], message="\n".join(lines))


@router.get(
    "/{world}/export",
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Download a world's current export",
)
def saves_download(request: HttpRequest, world: str) -> HttpResponse:
    """The world's current state as a mudsite world document (docs/world-format.md)."""
    require_staff(request)
    target = world_get(slug=world)
    response = HttpResponse(write_world_copy(target), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{target.slug}.json"'
    return response
