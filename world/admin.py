"""The Django admin, built for staff editing a world graph.

Every list page selects its foreign keys up front (list_select_related) and annotates counts,
so its query count does not grow with the number of rows.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from persistence.facade import write_world_copy
from world import maps, models
from world.exceptions import WorldError
from world.selectors import character_mind
from world.services.templates import item_spawn
from world.services.worlds import character_teleport


def lines_html(lines: list[str], *, css: str, ordered: bool = False) -> str:
    """A list of text lines as an HTML list, every line escaped."""
    items = format_html_join("", '<li class="{}">{}</li>', ((css, line) for line in lines))
    return format_html("<ol>{}</ol>" if ordered else "<ul>{}</ul>", items)


def one_world_of(queryset: QuerySet) -> models.World | None:
    worlds = set(queryset.values_list("world", flat=True).distinct())
    return models.World.objects.get(pk=worlds.pop()) if len(worlds) == 1 else None


def action_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form: forms.Form,
    action: str,
    title: str,
    intro: str,
    submit_label: str,
) -> TemplateResponse:
    """The intermediate page of an admin action that needs a choice (a room, a template) before it runs."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "intro": intro,
        "form": form,
        "media": modeladmin.media + form.media,
        "queryset": queryset,
        "action": action,
        "submit_label": submit_label,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/world/action_form.html", context)


class MoveCharactersForm(forms.Form):
    room = forms.ModelChoiceField(
        queryset=models.Room.objects.all(),
        widget=AutocompleteSelect(models.Character._meta.get_field("room"), admin.site),
        help_text="A room of the same world.",
    )


class SpawnTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=models.ItemTemplate.objects.all(),
        widget=AutocompleteSelect(models.Item._meta.get_field("template"), admin.site),
    )
    count = forms.IntegerField(min_value=1, max_value=50, initial=1, help_text="Items per room (1-50).")


class WorldScopedAdmin(admin.ModelAdmin):
    """The world of a row is chosen once: moving rows between worlds would break their links."""

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "world") if obj is not None else readonly


class SameWorldFormSet(BaseInlineFormSet):
    """New inline rows (an exit, an item) join their parent's world before they are validated."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.ModelForm:
        # The only hook between building an inline form and validating it; django-stubs leave it out.
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        form.instance.world_id = self.instance.world_id
        return form


class ExitInline(admin.TabularInline):
    formset = SameWorldFormSet
    model = models.Exit
    fk_name = "source"
    extra = 0
    fields = ("name", "kind", "destination", "is_locked")
    autocomplete_fields = ("destination",)
    verbose_name_plural = "Exits leaving this room"


class FloorItemInline(admin.TabularInline):
    formset = SameWorldFormSet
    model = models.Item
    fk_name = "room"
    extra = 0
    fields = ("name", "template", "carry", "tags", "owner")
    autocomplete_fields = ("template", "owner")
    verbose_name_plural = "Items on the floor"


class CharacterPresentInline(admin.TabularInline):
    model = models.Character
    fk_name = "room"
    extra = 0
    fields = ("name", "is_npc", "account")
    readonly_fields = ("is_npc", "account")
    show_change_link = True
    can_delete = False
    verbose_name_plural = "Characters present"

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # characters are created on their own page, with their needs and sheet


class WorldClockInline(admin.StackedInline):
    """The world clock's settings: on/off, period, seed, need rates (`run_world` reads them each pass)."""

    model = models.WorldClock
    can_delete = False
    verbose_name = "simulation"
    verbose_name_plural = "simulation"
    fields = (
        ("enabled", "tick_seconds", "seed"),
        ("hunger_rate", "thirst_rate", "social_rate", "sleep_rate", "sleep_refill"),
        ("ap_max", "player_needs"),
    )


@admin.register(models.World)
class WorldAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "setup_complete", "safety_level", "start_room", "room_count", "character_count")
    list_filter = ("setup_complete", "safety_level", "advanced_goap")
    search_fields = ("slug", "name", "description")
    ordering = ("slug",)
    list_select_related = ("start_room",)
    autocomplete_fields = ("start_room", "builders")
    inlines = (WorldClockInline,)
    actions = ("advance_one_tick",)
    readonly_fields = ("created_at", "updated_at", "room_count", "exit_count", "character_count", "item_count")
    fieldsets = (
        (None, {"fields": ("slug", "name", "description", "conflict")}),
        ("Settings", {"fields": ("safety_level", "setup_complete", "start_room", "advanced_goap", "builders")}),
        ("Game rules", {"fields": ("combat_allowed", "permadeath", "offer_ttl_seconds")}),
        ("Time", {"fields": ("game_time_ticks", "time_descriptions")}),
        ("Counts", {"fields": ("room_count", "exit_count", "character_count", "item_count")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    @admin.action(description="Advance the chosen worlds' clocks by one tick", permissions=["change"])
    def advance_one_tick(self, request: HttpRequest, queryset: QuerySet[models.World]) -> None:
        # The simulation's modules load with the first tick, not in every process that loads the admin.
        from world.services.simulation import world_advance

        for world in queryset.order_by("slug"):
            try:
                report = world_advance(world=world, ticks=1)[0]
            except WorldError as error:
                self.message_user(request, f"{world.slug}: {error.message}", messages.ERROR)
                continue
            self.message_user(
                request, f"{world.slug}: tick {report.tick} ({report.acted} NPC steps, {report.failed} failed)."
            )

    def get_urls(self):
        map_view = self.admin_site.admin_view(self.map_view)
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:world_id>/map/", map_view, name="world_world_map"),
            path("<int:world_id>/download/", download, name="world_world_download"),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, world_id: int) -> HttpResponse:
        """The world's current state as a world file (the bytes its next export would write)."""
        if not request.user.has_perm("persistence.download_world"):
            raise PermissionDenied
        world = models.World.objects.filter(pk=world_id).only("slug").first()
        if world is None:
            raise Http404("No such world.")
        response = HttpResponse(write_world_copy(world.pk), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{world.slug}.json"'
        return response

    def map_view(self, request: HttpRequest, world_id: int) -> HttpResponse:
        world = self.get_object(request, str(world_id))
        if world is None:
            raise Http404("No such world.")
        if not self.has_view_permission(request, world):
            raise PermissionDenied
        try:
            radius = int(request.GET["radius"]) if request.GET.get("radius") else None
        except ValueError:
            radius = None
        world_map = maps.world_map_read(
            world=world,
            center_key=request.GET.get("room") or None,
            radius=radius,
            whole_world=request.GET.get("full") == "1",
        )
        room_url = {room.id: reverse("admin:world_room_change", args=[room.id]) for room in world_map.rooms}
        svg, map_error = "", ""
        try:
            svg = maps.world_map_svg(world_map, room_url=room_url)
        except maps.MapUnavailable as exc:
            map_error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Map of {world.name} ({world.slug})",
            "world": world,
            "world_map": world_map,
            "svg": svg,
            "map_error": map_error,
            "max_radius": maps.MAX_RADIUS,
            "default_radius": maps.DEFAULT_RADIUS,
        }
        return TemplateResponse(request, "admin/world/world/map.html", context)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else [fs for fs in fieldsets if fs[0] not in ("Counts", "History")]

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.World]:
        # Counts as correlated sub-selects: one query for the whole page, whatever its length.
        return (
            super().get_queryset(request).annotate(_rooms=count_of(models.Room), _characters=count_of(models.Character))
        )

    @admin.display(description="rooms", ordering="_rooms")
    def room_count(self, world: models.World) -> int:
        return world._rooms  # type: ignore[attr-defined]

    @admin.display(description="characters", ordering="_characters")
    def character_count(self, world: models.World) -> int:
        return world._characters  # type: ignore[attr-defined]

    @admin.display(description="exits")
    def exit_count(self, world: models.World) -> int:
        return models.Exit.objects.filter(world=world).count()

    @admin.display(description="items")
    def item_count(self, world: models.World) -> int:
        return models.Item.objects.filter(world=world).count()


def count_of(model) -> Coalesce:
    counts = model.objects.filter(world=OuterRef("pk")).order_by().values("world").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@admin.register(models.Room)
class RoomAdmin(WorldScopedAdmin):
    list_display = ("key", "name", "world", "faction", "owner", "exit_count")
    list_filter = ("world", "faction")
    search_fields = ("key", "name", "description", "world__slug")
    ordering = ("world__slug", "key")
    list_select_related = ("world", "faction", "owner")
    autocomplete_fields = ("faction", "owner")
    readonly_fields = ("uuid",)
    inlines = (ExitInline, FloorItemInline, CharacterPresentInline)
    actions = ("spawn_template",)

    @admin.action(description="Spawn an item template into the chosen rooms", permissions=["change"])
    def spawn_template(self, request: HttpRequest, queryset: QuerySet[models.Room]) -> HttpResponse | None:
        world = one_world_of(queryset)
        if world is None:
            self.message_user(request, "Choose rooms of one world.", messages.ERROR)
            return None
        form = SpawnTemplateForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            template = form.cleaned_data["template"]
            if template.world_id != world.pk:
                form.add_error("template", f"Choose a template of {world.slug}.")
            else:
                rooms = list(queryset)
                with transaction.atomic():
                    for room in rooms:
                        for _ in range(form.cleaned_data["count"]):
                            item_spawn(world=world, template=template, room=room)
                total = len(rooms) * form.cleaned_data["count"]
                self.message_user(request, f"Spawned {total} × {template.name} in {len(rooms)} room(s).")
                return None
        return action_page(
            self, request, queryset, form=form, action="spawn_template", title="Spawn a template",
            intro=f"Spawn items of a template of {world.slug} into these rooms:", submit_label="Spawn",
        )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.Room]:
        return super().get_queryset(request).annotate(_exits=Count("exits", distinct=True))

    @admin.display(description="exits", ordering="_exits")
    def exit_count(self, room: models.Room) -> int:
        return room._exits  # type: ignore[attr-defined]


COMMON_RELATIONSHIP_LABELS = ("friend", "ally", "family", "apprentice", "employee", "guard")


def world_character_choices(world_id: int | None) -> list[dict[str, object]]:
    if world_id is None:
        return []
    rows = models.Character.objects.filter(world_id=world_id).order_by("name").values_list("pk", "name", "is_npc")
    return [{"title": f"{name} (NPC)" if is_npc else name, "value": pk} for pk, name, is_npc in rows]


def world_relationship_labels(world_id: int | None) -> list[str]:
    used = (
        models.Relationship.objects.filter(world_id=world_id).values_list("label", flat=True).distinct()
        if world_id is not None
        else []
    )
    return sorted({*COMMON_RELATIONSHIP_LABELS, *used})


class ExitLockForm(forms.ModelForm):
    """Exit locks picked by name: the characters who may pass, and relationship rules ("whoever is an
    apprentice of Captain Mara"), never typed as raw ids. The pickers list the exit's own world."""

    class Meta:
        model = models.Exit
        fields = (
            "world",
            "source",
            "destination",
            "name",
            "kind",
            "is_locked",
            "lock_allow_ids",
            "lock_allow_relationships",
        )

    def __init__(self, *args, **kwargs) -> None:
        # Imported here, not with the admin: django_jsonform imports django.contrib.postgres and so
        # psycopg (~0.2 s), which every process paid at start-up (admin autodiscovery), on SQLite too.
        from django_jsonform.forms.fields import JSONFormField

        super().__init__(*args, **kwargs)
        self.fields["lock_allow_ids"] = JSONFormField(schema={}, required=False, label="Characters allowed through")
        self.fields["lock_allow_relationships"] = JSONFormField(schema={}, required=False, label="Relationship rules")
        world_id = self.instance.world_id
        people = world_character_choices(world_id)
        character = {"type": "integer", "title": "character", "choices": people} if people else {"type": "integer"}
        self.fields["lock_allow_ids"].widget.schema = {
            "type": "array",
            "title": "Characters allowed through",
            "items": character,
        }
        self.fields["lock_allow_relationships"].widget.schema = {
            "type": "array",
            "title": "Whoever has this relationship towards this character passes",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "title": "relationship", "choices": world_relationship_labels(world_id)},
                    "to": {**character, "title": "towards"},
                },
                "required": ["type", "to"],
            },
        }
        if world_id is None:
            for name in ("lock_allow_ids", "lock_allow_relationships"):
                self.fields[name].help_text = "Save the exit first; then pick the characters of its world here."

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        world = cleaned.get("world")
        world_id = world.pk if world is not None else self.instance.world_id
        allowed = {choice["value"] for choice in world_character_choices(world_id)}
        chosen = list(cleaned.get("lock_allow_ids") or [])
        chosen += [rule.get("to") for rule in cleaned.get("lock_allow_relationships") or [] if isinstance(rule, dict)]
        strangers = [pk for pk in chosen if pk not in allowed]
        if strangers:
            raise forms.ValidationError("Pick characters of this exit's world only.")
        cleaned["lock_allow_ids"] = cleaned.get("lock_allow_ids") or []
        cleaned["lock_allow_relationships"] = cleaned.get("lock_allow_relationships") or []
        return cleaned


@admin.register(models.Exit)
class ExitAdmin(WorldScopedAdmin):
    form = ExitLockForm
    actions = ("lock_exits", "unlock_exits")
    list_display = ("name", "kind", "source", "destination", "is_locked", "world")
    list_filter = ("world", "kind", "is_locked")
    search_fields = ("name", "source__key", "destination__key")
    ordering = ("world__slug", "source__key", "name")
    list_select_related = ("world", "source", "destination")
    autocomplete_fields = ("source", "destination")
    readonly_fields = ("uuid",)

    @admin.action(description="Lock the chosen exits", permissions=["change"])
    def lock_exits(self, request: HttpRequest, queryset: QuerySet[models.Exit]) -> None:
        self._set_locked(request, queryset, locked=True)

    @admin.action(description="Unlock the chosen exits", permissions=["change"])
    def unlock_exits(self, request: HttpRequest, queryset: QuerySet[models.Exit]) -> None:
        self._set_locked(request, queryset, locked=False)

    def _set_locked(self, request: HttpRequest, queryset: QuerySet[models.Exit], *, locked: bool) -> None:
        changed = 0
        for exit_ in queryset.filter(is_locked=not locked):
            exit_.is_locked = locked
            exit_.save(update_fields=["is_locked"])  # one save per row: the save signal marks its world dirty
            changed += 1
        word = "Locked" if locked else "Unlocked"
        self.message_user(request, f"{word} {changed} exit{'s' if changed != 1 else ''}.", messages.SUCCESS)


class InventoryInline(admin.TabularInline):
    formset = SameWorldFormSet
    model = models.Item
    fk_name = "character"
    extra = 0
    fields = ("slot", "name", "carry", "template")
    autocomplete_fields = ("template",)
    verbose_name_plural = "Inventory"


class MembershipInline(admin.TabularInline):
    model = models.FactionMembership
    fk_name = "character"
    extra = 0
    autocomplete_fields = ("faction", "rank", "role")


@admin.register(models.Character)
class CharacterAdmin(WorldScopedAdmin):
    list_display = ("name", "world", "is_npc", "account", "room", "currency", "hunger", "thirst")
    list_filter = ("world", "is_npc", "is_dead")
    search_fields = ("name", "description", "account__username", "world__slug")
    ordering = ("world__slug", "name")
    list_select_related = ("world", "account", "room")
    autocomplete_fields = ("account", "room", "home_bed", "equipped_weapon")
    readonly_fields = ("uuid", "created_at", "mind_plan", "mind_memories", "mind_ambition")
    inlines = (InventoryInline, MembershipInline)
    actions = ("move_characters",)

    # What the world clock keeps in the sheet, readable (the sheet field above stays the editor).
    @admin.display(description="Plan")
    def mind_plan(self, obj: models.Character) -> str:
        steps = character_mind(character=obj)["plan"]
        return lines_html(steps, css="npc-plan-step", ordered=True) if steps else "No plan."

    @admin.display(description="Memories")
    def mind_memories(self, obj: models.Character) -> str:
        mind = character_mind(character=obj)
        if not mind["memories"]:
            return "No memories."
        heading = format_html("Memories ({} of at most {}), oldest first:", len(mind["memories"]),
                              mind["memory_limit"])  # fmt: skip
        return format_html("{}{}", heading, lines_html(mind["memories"], css="npc-memory"))

    @admin.display(description="Ambition")
    def mind_ambition(self, obj: models.Character) -> str:
        ambition = character_mind(character=obj)["ambition"]
        if ambition is None:
            return "No ambition."
        milestones = [f"{'done' if done else 'open'}: {text}" for text, done in ambition["milestones"]]
        state = " (fulfilled)" if ambition["completed"] else ""
        return format_html("{}{}: {}{}", ambition["name"], state, ambition["description"],
                           lines_html(milestones, css="npc-milestone", ordered=True))  # fmt: skip

    @admin.action(description="Move the chosen characters to a room", permissions=["change"])
    def move_characters(self, request: HttpRequest, queryset: QuerySet[models.Character]) -> HttpResponse | None:
        world = one_world_of(queryset)
        if world is None:
            self.message_user(request, "Choose characters of one world.", messages.ERROR)
            return None
        form = MoveCharactersForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            room = form.cleaned_data["room"]
            try:
                with transaction.atomic():
                    for character in queryset:
                        character_teleport(world=world, character=character, room=room)
            except WorldError as exc:
                form.add_error("room", exc.message)
            else:
                self.message_user(request, f"Moved {queryset.count()} character(s) to {room.name}.")
                return None
        return action_page(
            self, request, queryset, form=form, action="move_characters", title="Move characters",
            intro=f"Move these characters of {world.slug} to a room:", submit_label="Move",
        )  # fmt: skip

    fieldsets = (
        (None, {"fields": ("world", "name", "is_npc", "account", "description", "room", "home_bed")}),
        ("Needs", {"fields": ("hunger", "thirst", "socialization", "sleep", "safety", "currency")}),
        ("Personality", {"fields": ("responsibility", "aggression", "confidence", "curiosity")}),
        (
            "Combat",
            {
                "fields": (
                    "strength", "dexterity", "intelligence", "health", "hp", "max_hp", "morale", "is_dead",
                    "equipped_weapon",
                )
            },
        ),
        ("Mind (world clock)", {"fields": ("mind_plan", "mind_memories", "mind_ambition")}),
        ("Sheet", {"fields": ("sheet",)}),
        ("Identity", {"fields": ("uuid", "created_at")}),
    )  # fmt: skip


@admin.register(models.ItemTemplate)
class ItemTemplateAdmin(WorldScopedAdmin):
    list_display = ("key", "name", "world", "carry", "value", "material")
    list_filter = ("world", "carry")
    search_fields = ("key", "name", "description", "loot_hint")
    ordering = ("world__slug", "key")
    list_select_related = ("world",)


@admin.register(models.Item)
class ItemAdmin(WorldScopedAdmin):
    list_display = ("name", "world", "carry", "room", "character", "slot", "container", "owner")
    list_filter = ("world", "carry", "container_searched")
    search_fields = ("name", "description", "template__key", "world__slug")
    ordering = ("world__slug", "name", "id")
    list_select_related = ("world", "room", "character", "container", "owner")
    autocomplete_fields = ("template", "owner", "faction", "room", "character", "container")
    readonly_fields = ("uuid",)


class RankInline(admin.TabularInline):
    model = models.FactionRank
    extra = 0


class RoleInline(admin.TabularInline):
    model = models.FactionRole
    extra = 0


class MemberInline(admin.TabularInline):
    model = models.FactionMembership
    fk_name = "faction"
    extra = 0
    autocomplete_fields = ("character", "rank", "role")


@admin.register(models.Faction)
class FactionAdmin(WorldScopedAdmin):
    list_display = ("name", "world", "leader", "member_count")
    list_filter = ("world",)
    search_fields = ("name", "description")
    ordering = ("world__slug", "name")
    list_select_related = ("world", "leader")
    autocomplete_fields = ("leader",)
    readonly_fields = ("uuid", "created_at")
    inlines = (RankInline, RoleInline, MemberInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.Faction]:
        return super().get_queryset(request).annotate(_members=Count("memberships", distinct=True))

    @admin.display(description="members", ordering="_members")
    def member_count(self, faction: models.Faction) -> int:
        return faction._members  # type: ignore[attr-defined]


@admin.register(models.FactionRank)
class FactionRankAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "faction")
    list_filter = ("faction__world",)
    search_fields = ("name", "faction__name")
    ordering = ("faction__name", "level")
    list_select_related = ("faction",)
    autocomplete_fields = ("faction",)


@admin.register(models.FactionRole)
class FactionRoleAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "contract_type", "faction")
    list_filter = ("contract_type", "faction__world")
    search_fields = ("key", "name", "faction__name")
    ordering = ("faction__name", "key")
    list_select_related = ("faction",)
    autocomplete_fields = ("faction",)


@admin.register(models.FactionMembership)
class FactionMembershipAdmin(admin.ModelAdmin):
    list_display = ("character", "faction", "rank", "role", "joined_at")
    list_filter = ("faction__world",)
    search_fields = ("character__name", "faction__name")
    ordering = ("faction__name", "character__name")
    list_select_related = ("character", "faction", "rank", "role")
    autocomplete_fields = ("character", "faction", "rank", "role")


@admin.register(models.FactionLink)
class FactionLinkAdmin(admin.ModelAdmin):
    list_display = ("faction_a", "stance", "faction_b")
    list_filter = ("stance", "faction_a__world")
    search_fields = ("faction_a__name", "faction_b__name")
    ordering = ("faction_a__name", "faction_b__name")
    list_select_related = ("faction_a", "faction_b")
    autocomplete_fields = ("faction_a", "faction_b")


@admin.register(models.Relationship)
class RelationshipAdmin(WorldScopedAdmin):
    list_display = ("source", "label", "target", "world")
    list_filter = ("world",)
    search_fields = ("label", "source__name", "target__name")
    ordering = ("world__slug", "source__name", "target__name")
    list_select_related = ("world", "source", "target")
    autocomplete_fields = ("source", "target")


class MissionObjectiveInline(admin.TabularInline):
    model = models.MissionObjective
    extra = 0
    fields = ("position", "kind", "description", "target_character", "target_template", "target_room",
              "target_count", "current_count", "completed")  # fmt: skip
    raw_id_fields = ("target_character", "target_template", "target_room")


@admin.register(models.Mission)
class MissionAdmin(WorldScopedAdmin):
    list_display = ("title", "world", "status", "issuer", "assignee", "deadline", "rewarded")
    list_filter = ("status", "world")
    list_select_related = ("world", "issuer", "assignee")
    search_fields = ("title", "uuid")
    raw_id_fields = ("issuer", "assignee")
    inlines = [MissionObjectiveInline]
