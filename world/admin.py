"""The Django admin, built for staff editing a world graph.

Every list page selects its foreign keys up front (list_select_related) and annotates counts,
so its query count does not grow with the number of rows.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from world import models


class WorldScopedAdmin(admin.ModelAdmin):
    """The world of a row is chosen once: moving rows between worlds would break their links."""

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "world") if obj is not None else readonly


class SameWorldFormSet(BaseInlineFormSet):
    """New inline rows (an exit, an item) join their parent's world before they are validated."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
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


@admin.register(models.World)
class WorldAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "setup_complete", "safety_level", "start_room", "room_count", "character_count")
    list_filter = ("setup_complete", "safety_level", "advanced_goap")
    search_fields = ("slug", "name", "description")
    ordering = ("slug",)
    list_select_related = ("start_room",)
    autocomplete_fields = ("start_room", "builders")
    readonly_fields = ("created_at", "updated_at", "room_count", "exit_count", "character_count", "item_count")
    fieldsets = (
        (None, {"fields": ("slug", "name", "description", "conflict")}),
        ("Settings", {"fields": ("safety_level", "setup_complete", "start_room", "advanced_goap", "builders")}),
        ("Time", {"fields": ("game_time_ticks", "time_descriptions")}),
        ("Counts", {"fields": ("room_count", "exit_count", "character_count", "item_count")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

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

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.Room]:
        return super().get_queryset(request).annotate(_exits=Count("exits", distinct=True))

    @admin.display(description="exits", ordering="_exits")
    def exit_count(self, room: models.Room) -> int:
        return room._exits  # type: ignore[attr-defined]


@admin.register(models.Exit)
class ExitAdmin(WorldScopedAdmin):
    list_display = ("name", "kind", "source", "destination", "is_locked", "world")
    list_filter = ("world", "kind", "is_locked")
    search_fields = ("name", "source__key", "destination__key")
    ordering = ("world__slug", "source__key", "name")
    list_select_related = ("world", "source", "destination")
    autocomplete_fields = ("source", "destination")
    readonly_fields = ("uuid",)


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
    search_fields = ("name", "description", "account__username")
    ordering = ("world__slug", "name")
    list_select_related = ("world", "account", "room")
    autocomplete_fields = ("account", "room", "home_bed", "equipped_weapon")
    readonly_fields = ("uuid", "created_at")
    inlines = (InventoryInline, MembershipInline)
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
    search_fields = ("name", "description", "template__key")
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
