"""The Save statistics page: read-only per-world save state, totals, "save now" and "flush all"."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from persistence import (
    admin_imports,  # noqa: F401  (registers the world import admin)
    history,
)
from persistence.facade import export_world_now, flush_all_saves, get_save_stats
from persistence.models import SaveState


class DirtyFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("dirty", "Unsaved changes"), ("failing", "Failing"), ("clean", "Saved")]

    def queryset(self, request, queryset):
        if self.value() == "dirty":
            return queryset.filter(dirty_version__gt=F("saved_version"))
        if self.value() == "failing":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "clean":
            return queryset.filter(dirty_version__lte=F("saved_version"))
        return queryset


@admin.register(SaveState)
class SaveStateAdmin(admin.ModelAdmin):
    list_display = [
        "world",
        "state",
        "pending_since",
        "last_saved_at",
        "last_duration",
        "last_size",
        "requests_debounced",
        "requests_immediate",
        "coalesced",
        "export_count",
        "error_count",
        "short_last_error",
        "saved_version",
        "dirty_version",
    ]
    list_filter = [DirtyFilter]
    list_select_related = ["world"]
    search_fields = ["world__slug", "world__name"]
    actions = ["save_now"]
    change_list_template = "admin/persistence/savestate/change_list.html"

    change_form_template = "admin/persistence/savestate/change_form.html"

    @admin.display(description="state", ordering="saved_version")
    def state(self, obj: SaveState) -> str:
        if obj.consecutive_failures:
            return f"failing ({obj.consecutive_failures} in a row)"
        return "unsaved changes" if obj.is_dirty else "clean"

    @admin.display(description="last export took", ordering="last_duration_ms")
    def last_duration(self, obj: SaveState) -> str:
        return history.duration_text(obj.last_duration_ms)

    @admin.display(description="last file size", ordering="last_bytes")
    def last_size(self, obj: SaveState) -> str:
        return history.size_text(obj.last_bytes)

    @admin.display(description="pending since", ordering="first_dirty_at")
    def pending_since(self, obj: SaveState):
        return obj.first_dirty_at if obj.is_dirty else None

    @admin.display(description="last error")
    def short_last_error(self, obj: SaveState) -> str:
        return truncatechars(obj.last_error, 120)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_flush_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("persistence.flush_saves")

    @admin.action(description="Save now", permissions=["flush"])
    def save_now(self, request: HttpRequest, queryset: QuerySet[SaveState]) -> None:
        for state in queryset.select_related("world"):
            result = export_world_now(state.world_id, wait_seconds=30)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, result.line(), level)

    def get_urls(self):
        return [
            path("flush-all/", self.admin_site.admin_view(self.flush_all_view), name="persistence_savestate_flush_all"),
            *super().get_urls(),
        ]

    def flush_all_view(self, request: HttpRequest):
        return require_POST(self._flush_all)(request)

    def _flush_all(self, request: HttpRequest):
        if not self.has_flush_permission(request):
            raise PermissionDenied
        report = flush_all_saves()
        if not report.results:
            self.message_user(request, "No world has unsaved changes.", messages.INFO)
        for result in report.results:
            self.message_user(request, result.line(), messages.SUCCESS if result.ok else messages.ERROR)
        return HttpResponseRedirect(reverse("admin:persistence_savestate_changelist"))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        state = self.get_object(request, object_id)
        records = history.world_history(state.world_id) if state is not None else []
        extra_context = {
            **(extra_context or {}),
            "title": f"Save statistics of {state.world.name} ({state.world.slug})" if state else "Save statistics",
            "history": [(r, history.duration_text(r.duration_ms), history.size_text(r.bytes)) for r in records],
            "history_chart": history.history_chart(records),
            "state_text": self.state(state) if state is not None else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "save_totals": get_save_stats(),
            "can_flush": self.has_flush_permission(request),
        }
        return super().changelist_view(request, extra_context)
