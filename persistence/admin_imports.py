"""World imports in the admin: upload → preview (counts, slug, conflicts, every error) → confirm → the
task worker imports it while the import's page shows its progress. Staff need `import_world`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html

from persistence import imports
from persistence.models import ImportStatus, WorldImport


class WorldUploadForm(forms.Form):
    file = forms.FileField(help_text="A mudsite world file or a TinyMUD world_state.json, plain, .gz or .zst.")
    slug = forms.SlugField(
        required=False, max_length=64, help_text="Import under this slug (new uuids); empty: the file's own slug."
    )


class ConfirmImportForm(forms.Form):
    replace = forms.BooleanField(required=False, label="Replace the existing world of this slug")


@admin.register(WorldImport)
class WorldImportAdmin(admin.ModelAdmin):
    list_display = ["source_name", "slug", "kind", "status", "progress", "created_at", "finished_at", "requested_by"]
    list_filter = ["status", "kind"]
    search_fields = ["slug", "source_name"]
    list_select_related = ["requested_by"]
    readonly_fields = (
        "source_name", "slug", "kind", "status", "progress", "counts", "error", "world_link",
        "replace", "requested_by", "created_at", "started_at", "finished_at",
    )  # fmt: skip
    fields = readonly_fields
    change_form_template = "admin/persistence/worldimport/change_form.html"

    @admin.display(description="progress")
    def progress(self, obj: WorldImport) -> str:
        return imports.import_progress(obj) or obj.get_status_display()

    @admin.display(description="world")
    def world_link(self, obj: WorldImport) -> str:
        if obj.world_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:world_world_change", args=[obj.world_id]), obj.slug)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("persistence.import_world")

    def has_change_permission(self, request: HttpRequest, obj: WorldImport | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: WorldImport | None = None) -> bool:
        return request.user.has_perm("persistence.import_world") or super().has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: WorldImport | None = None) -> bool:
        return self.has_add_permission(request) and (obj is None or not obj.is_active)

    def delete_model(self, request: HttpRequest, obj: WorldImport) -> None:
        imports.discard_staged(obj.staged_path)
        super().delete_model(request, obj)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("<int:import_id>/preview/", preview, name="persistence_worldimport_preview"), *super().get_urls()]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = WorldUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            staged = imports.stage_upload(upload)
            preview = imports.preview_staged(staged, slug=form.cleaned_data["slug"] or None)
            if preview.can_import:
                record = imports.import_preview_record(
                    staged, preview, source_name=upload.name or "upload", requested_by=request.user
                )
                return HttpResponseRedirect(reverse("admin:persistence_worldimport_preview", args=[record.pk]))
            imports.discard_staged(staged)
            return self._render_preview(request, preview, source_name=upload.name or "upload", record=None)
        context = {**self._context(request, "Import a world"), "form": form}
        return render(request, "admin/persistence/worldimport/upload.html", context)

    def preview_view(self, request: HttpRequest, import_id: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        record = WorldImport.objects.filter(pk=import_id).first()
        if record is None:
            raise Http404("No such import.")
        form = ConfirmImportForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                imports.import_queue(record, replace=form.cleaned_data["replace"])
            except imports.ImportRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"The import of {record.slug} is queued; this page shows its progress.")
                return HttpResponseRedirect(reverse("admin:persistence_worldimport_change", args=[record.pk]))
        preview = imports.ImportPreview(
            kind=record.kind,
            slug=record.slug,
            counts=record.counts,
            conflicts=imports.conflicts_for(record.slug, ignoring=record.pk),
        )
        return self._render_preview(request, preview, source_name=record.source_name, record=record, form=form)

    def _render_preview(
        self,
        request: HttpRequest,
        preview: imports.ImportPreview,
        *,
        source_name: str,
        record: WorldImport | None,
        form: ConfirmImportForm | None = None,
    ) -> HttpResponse:
        context = {
            **self._context(request, f"Preview of {source_name}"),
            "preview": preview,
            "record": record,
            "form": form or ConfirmImportForm(),
            "can_confirm": record is not None and record.status == ImportStatus.PREVIEWED,
        }
        return render(request, "admin/persistence/worldimport/preview.html", context)

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title}

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        record = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "refresh": bool(record and record.is_active)}
        return super().change_view(request, object_id, form_url, extra_context)
