"""The world model (DESIGN §3).

Every world-state row belongs to exactly one World. What the database can hold is a database
constraint: per-world case-insensitive uniqueness, ranges and single-location rules are
constraints below; "both ends of a link live in the same world" is a trigger installed by
`world.db_triggers` (a CHECK cannot look at another table).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from world.sheet import validate_sheet
from world.validation import instance_errors

SLUG_VALIDATOR = RegexValidator(r"^[a-z0-9-]+$", "Use lowercase letters, digits and hyphens only.")
KEY_VALIDATOR = RegexValidator(r"^[A-Za-z0-9_]+$", "Use letters, digits and underscores only.")

INVENTORY_SLOTS = 8
HAND_SLOTS = (0, 1)
SMALL_SLOTS = (2, 3, 4, 5)
LARGE_SLOTS = (6, 7)
SLOT_LABELS = ("Left Hand", "Right Hand", "Small 1", "Small 2", "Small 3", "Small 4", "Large 1", "Large 2")
CONTAINER_SLOTS = 4
CONTAINER_SMALL_SLOTS = (0, 1)
CONTAINER_LARGE_SLOTS = (2, 3)
NEED_FIELDS = ("hunger", "thirst", "socialization", "sleep", "safety")


def percent_field(default: float) -> models.FloatField:
    return models.FloatField(default=default, validators=[MinValueValidator(0), MaxValueValidator(100)])


def percent_check(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}), name=f"{model}_{field}_0_100"
    )


class SafetyLevel(models.TextChoices):
    G = "G", "G (all ages)"
    PG13 = "PG-13", "PG-13"
    R = "R", "R"
    OFF = "OFF", "Off (no filters)"


class World(models.Model):
    slug = models.SlugField(max_length=64, unique=True, validators=[SLUG_VALIDATOR])
    name = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    conflict = models.TextField(blank=True)
    safety_level = models.CharField(max_length=5, choices=SafetyLevel.choices, default=SafetyLevel.G)
    setup_complete = models.BooleanField(default=False)
    start_room = models.ForeignKey(
        "Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    advanced_goap = models.BooleanField(default=False)
    game_time_ticks = models.PositiveBigIntegerField(default=0)
    offer_ttl_seconds = models.PositiveIntegerField(
        default=300,
        validators=[MinValueValidator(1), MaxValueValidator(86400)],
        help_text="How long a trade offer stands.",
    )
    permadeath = models.BooleanField(
        default=False, help_text="Dead players stay dead (and drop what they carry) instead of respawning."
    )
    combat_allowed = models.BooleanField(default=True, help_text="Off: nobody may attack anyone in this world.")
    time_descriptions = models.JSONField(default=dict, blank=True, help_text="Hour (0-23) → text.")
    builders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="built_worlds")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=Q(slug__regex=r"^[a-z0-9-]+$"), name="world_slug_format"),
            models.CheckConstraint(condition=~Q(name=""), name="world_name_not_empty"),
            models.CheckConstraint(condition=Q(safety_level__in=SafetyLevel.values), name="world_safety_level_valid"),
        ]

    def __str__(self) -> str:
        return self.slug

    def clean(self) -> None:
        errors = instance_errors(self)
        if self.start_room is not None and self.pk and self.start_room.world_id != self.pk:
            errors["start_room"] = "The start room must be a room of this world."
        if errors:
            raise ValidationError(errors)


# What a world holds besides its identity (slug, timestamps) and its links (start room, builders):
# the one list the world file, the importer and purge (back to the defaults) all go through.
WORLD_STATE_FIELDS = (
    "name",
    "description",
    "conflict",
    "safety_level",
    "setup_complete",
    "advanced_goap",
    "game_time_ticks",
    "time_descriptions",
    "offer_ttl_seconds",
    "permadeath",
    "combat_allowed",
)


def same_world_errors(instance: models.Model, world_id: int | None, fields: list[str]) -> dict[str, str]:
    """Form errors for links in `fields` that point into another world (the triggers' rule, said kindly)."""
    errors = {}
    for name in fields:
        related = getattr(instance, name) if getattr(instance, f"{name}_id") is not None else None
        if related is not None and world_id is not None and related.world_id != world_id:
            errors[name] = f"{related} belongs to another world."
    return errors


class WorldScoped(models.Model):
    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        links = [
            f.name
            for f in self._meta.concrete_fields
            if f.is_relation and f.name != "world" and hasattr(f.related_model, "world_id")
        ]
        errors = instance_errors(self) | same_world_errors(self, self.world_id, links)
        if errors:
            raise ValidationError(errors)


class Room(WorldScoped):
    key = models.CharField(max_length=64, validators=[KEY_VALIDATOR], help_text="What builders type.")
    name = models.CharField(max_length=128, blank=True)
    description = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    faction = models.ForeignKey("Faction", null=True, blank=True, on_delete=models.SET_NULL, related_name="rooms")
    owner = models.ForeignKey("Character", null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_rooms")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["world", "key"]
        constraints = [
            models.UniqueConstraint(Lower("key"), "world", name="room_key_unique_per_world_ci"),
            models.CheckConstraint(condition=Q(key__regex=r"^[A-Za-z0-9_]+$"), name="room_key_format"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def display_name(self) -> str:
        return self.name or self.key


class ExitKind(models.TextChoices):
    DOOR = "door", "Door"
    STAIRS_UP = "stairs_up", "Stairs up"
    STAIRS_DOWN = "stairs_down", "Stairs down"
    PORTAL = "portal", "Portal (travel point)"


class Exit(WorldScoped):
    source = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="exits")
    destination = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="entrances")
    name = models.CharField(max_length=128)
    kind = models.CharField(max_length=16, choices=ExitKind.choices, default=ExitKind.DOOR)
    is_locked = models.BooleanField(default=False)
    lock_allow_ids = models.JSONField(
        default=list, blank=True, help_text="Character ids allowed through a locked exit."
    )
    lock_allow_relationships = models.JSONField(
        default=list,
        blank=True,
        help_text='Rules like [{"type": "friend", "to": <character id>}]: whoever has that relationship passes.',
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["source", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "source", name="exit_name_unique_per_room_ci"),
            models.CheckConstraint(condition=~Q(name=""), name="exit_name_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=ExitKind.values), name="exit_kind_valid"),
            models.UniqueConstraint(
                "source",
                "kind",
                condition=Q(kind__in=[ExitKind.STAIRS_UP, ExitKind.STAIRS_DOWN]),
                name="exit_one_stairs_per_direction",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Character(WorldScoped):
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="characters"
    )
    is_npc = models.BooleanField(default=False)
    name = models.CharField(max_length=32)
    description = models.TextField(max_length=300, blank=True, default="A nondescript adventurer.")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.RESTRICT, related_name="characters")
    home_bed = models.ForeignKey(
        "Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Respawn point."
    )
    equipped_weapon = models.ForeignKey("Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Needs, 0-100, higher is better.
    hunger = percent_field(100)
    thirst = percent_field(100)
    socialization = percent_field(100)
    sleep = percent_field(100)
    safety = percent_field(100)
    currency = models.PositiveIntegerField(default=0)
    # Personality, 0-100.
    responsibility = models.PositiveSmallIntegerField(default=50, validators=[MaxValueValidator(100)])
    aggression = models.PositiveSmallIntegerField(default=30, validators=[MaxValueValidator(100)])
    confidence = models.PositiveSmallIntegerField(default=50, validators=[MaxValueValidator(100)])
    curiosity = models.PositiveSmallIntegerField(default=50, validators=[MaxValueValidator(100)])
    # Combat (GURPS-style attributes).
    strength = models.PositiveSmallIntegerField(default=10)
    dexterity = models.PositiveSmallIntegerField(default=10)
    intelligence = models.PositiveSmallIntegerField(default=10)
    health = models.PositiveSmallIntegerField(default=10)
    hp = models.SmallIntegerField(default=10)
    max_hp = models.PositiveSmallIntegerField(default=10)
    morale = models.PositiveSmallIntegerField(default=50, validators=[MaxValueValidator(100)])
    is_dead = models.BooleanField(default=False)
    sheet = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_sheet],
        help_text="The long tail of the character sheet: aspects, traits, matrix, memories, plan queue, ambition.",
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["world", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "world", name="character_name_unique_per_world_ci"),
            models.UniqueConstraint(
                "account", "world", condition=Q(account__isnull=False), name="character_one_per_account_per_world"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="character_name_not_empty"),
            models.CheckConstraint(
                condition=Q(is_npc=True, account__isnull=True) | Q(is_npc=False, account__isnull=False),
                name="character_npc_xor_account",
            ),
            models.CheckConstraint(condition=Q(currency__gte=0), name="character_currency_not_negative"),
            *(percent_check(field, "character") for field in NEED_FIELDS),
            *(
                percent_check(field, "character")
                for field in ("responsibility", "aggression", "confidence", "curiosity", "morale")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Carry(models.TextChoices):
    """How an item may be carried (TinyMUD's small / large / Immovable tags)."""

    SMALL = "small", "Small"
    LARGE = "large", "Large"
    FIXED = "fixed", "Immovable"


class ItemFields(WorldScoped):
    """What a template defines and an item copies (and may override)."""

    name = models.CharField(max_length=128)
    description = models.TextField(blank=True)
    tags = models.JSONField(
        default=list,
        blank=True,
        help_text='Behaviour tags: weapon, bed, Container, "Edible: N", "Drinkable: N", "craft spot:<key>", …',
    )
    carry = models.CharField(max_length=5, choices=Carry.choices, default=Carry.SMALL)
    material = models.CharField(max_length=64, blank=True)
    value = models.PositiveIntegerField(null=True, blank=True)
    durability = models.PositiveIntegerField(null=True, blank=True)
    quality = models.CharField(max_length=64, blank=True)
    crafting_recipe = models.JSONField(
        default=list, blank=True, help_text="Component names consumed by crafting this (repeat a name for 2x)."
    )
    deconstruct_recipe = models.JSONField(
        default=list, blank=True, help_text="Template keys left behind when this is eaten or drunk."
    )
    loot_hint = models.CharField(
        max_length=128, blank=True, help_text="Name of the container this can be found in when searched."
    )
    weapon_damage = models.PositiveSmallIntegerField(null=True, blank=True)
    weapon_type = models.CharField(max_length=32, blank=True)
    armor_defense = models.PositiveSmallIntegerField(null=True, blank=True)
    armor_type = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


# The fields of ItemFields, in declaration order: what a template defines and an item copies.
ITEM_FIELDS = tuple(f.name for f in ItemFields._meta.local_fields if f.name not in {"id", "world"})


# Items a world clock's NPCs may walk to from anywhere in the world: food, drink and beds, matched
# as tag text (a superset: the clock applies the exact rules). `Item` keeps a partial index of just
# these, and `world.simulation.snapshot` reads through it with this very condition.
SUPPLY_TAG_WORDS = ("edible", "drinkable", "bed")


def supply_tags() -> Q:
    condition = Q()
    for word in SUPPLY_TAG_WORDS:
        condition |= Q(tags__icontains=word)
    return condition


SUPPLIES_INDEX = "item_supplies_by_world"


class ItemTemplate(ItemFields):
    key = models.CharField(max_length=64, validators=[KEY_VALIDATOR])

    class Meta:
        ordering = ["world", "key"]
        constraints = [
            models.UniqueConstraint(Lower("key"), "world", name="itemtemplate_key_unique_per_world_ci"),
            models.CheckConstraint(condition=Q(key__regex=r"^[A-Za-z0-9_]+$"), name="itemtemplate_key_format"),
            models.CheckConstraint(condition=Q(carry__in=Carry.values), name="itemtemplate_carry_valid"),
        ]

    def __str__(self) -> str:
        return self.key


class Item(ItemFields):
    template = models.ForeignKey(ItemTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_items")
    faction = models.ForeignKey("Faction", null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    container_opened = models.BooleanField(default=False)
    container_searched = models.BooleanField(default=False)
    # Exactly one location: a room's floor, a character's inventory slot, or a container's slot.
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    character = models.ForeignKey(Character, null=True, blank=True, on_delete=models.CASCADE, related_name="inventory")
    slot = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(7)])
    container = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="contents")
    container_slot = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(3)])

    class Meta:
        ordering = ["world", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(carry__in=Carry.values), name="item_carry_valid"),
            models.CheckConstraint(
                condition=(
                    Q(room__isnull=False, character__isnull=True, container__isnull=True)
                    | Q(room__isnull=True, character__isnull=False, container__isnull=True)
                    | Q(room__isnull=True, character__isnull=True, container__isnull=False)
                ),
                name="item_exactly_one_location",
            ),
            models.CheckConstraint(
                condition=Q(character__isnull=True, slot__isnull=True) | Q(character__isnull=False, slot__isnull=False),
                name="item_slot_iff_in_inventory",
            ),
            models.CheckConstraint(
                condition=Q(container__isnull=True, container_slot__isnull=True)
                | Q(container__isnull=False, container_slot__isnull=False),
                name="item_container_slot_iff_in_container",
            ),
            models.CheckConstraint(condition=Q(slot__isnull=True) | Q(slot__gte=0, slot__lte=7), name="item_slot_0_7"),
            models.CheckConstraint(
                condition=Q(container_slot__isnull=True) | Q(container_slot__gte=0, container_slot__lte=3),
                name="item_container_slot_0_3",
            ),
            # TinyMUD's inventory rules: hands hold anything movable, slots 2-5 small things, 6-7 large.
            models.CheckConstraint(
                condition=Q(slot__isnull=True) | ~Q(carry=Carry.FIXED), name="item_fixed_never_carried"
            ),
            models.CheckConstraint(
                condition=~Q(slot__in=SMALL_SLOTS) | Q(carry=Carry.SMALL), name="item_small_slots_small_only"
            ),
            models.CheckConstraint(
                condition=~Q(slot__in=LARGE_SLOTS) | Q(carry=Carry.LARGE), name="item_large_slots_large_only"
            ),
            models.CheckConstraint(
                condition=Q(container_slot__isnull=True) | ~Q(carry=Carry.FIXED), name="item_fixed_never_stored"
            ),
            models.CheckConstraint(
                condition=~Q(container_slot__in=CONTAINER_SMALL_SLOTS) | Q(carry=Carry.SMALL),
                name="item_container_small_slots_small_only",
            ),
            models.CheckConstraint(
                condition=~Q(container_slot__in=CONTAINER_LARGE_SLOTS) | Q(carry=Carry.LARGE),
                name="item_container_large_slots_large_only",
            ),
            models.CheckConstraint(condition=~Q(container=F("id")), name="item_not_inside_itself"),
            models.UniqueConstraint(
                "character", "slot", condition=Q(character__isnull=False), name="item_one_per_inventory_slot"
            ),
            models.UniqueConstraint(
                "container", "container_slot", condition=Q(container__isnull=False), name="item_one_per_container_slot"
            ),
        ]
        indexes = [
            models.Index(fields=["world", "room"]),
            models.Index(fields=["world"], condition=supply_tags(), name=SUPPLIES_INDEX),
        ]

    @property
    def location_label(self) -> str:
        if self.room_id:
            return f"room {self.room_id}"
        if self.character_id:
            return f"{SLOT_LABELS[self.slot or 0]} of character {self.character_id}"
        return f"slot {self.container_slot} of container {self.container_id}"


class Faction(WorldScoped):
    name = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    leader = models.ForeignKey(Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    leadership_threshold = models.PositiveSmallIntegerField(
        default=5, help_text="Rank level from which members may induct others."
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["world", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "world", name="faction_name_unique_per_world_ci"),
            models.CheckConstraint(condition=~Q(name=""), name="faction_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class FactionRank(models.Model):
    faction = models.ForeignKey(Faction, on_delete=models.CASCADE, related_name="ranks")
    name = models.CharField(max_length=64)
    level = models.SmallIntegerField(default=1)

    class Meta:
        ordering = ["faction", "level", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "faction", name="factionrank_name_unique_per_faction_ci"),
            models.UniqueConstraint("faction", "id", name="factionrank_faction_id"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.level})"


class ContractType(models.TextChoices):
    NONE = "none", "None"
    RESOURCE_CONTRIBUTION = "resource_contribution", "Resource contribution"
    PATROL = "patrol", "Patrol"


class FactionRole(models.Model):
    faction = models.ForeignKey(Faction, on_delete=models.CASCADE, related_name="roles")
    key = models.CharField(max_length=64, validators=[KEY_VALIDATOR])
    name = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    contract_type = models.CharField(max_length=32, choices=ContractType.choices, default=ContractType.NONE)
    contract_config = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["faction", "key"]
        constraints = [
            models.UniqueConstraint(Lower("key"), "faction", name="factionrole_key_unique_per_faction_ci"),
            models.UniqueConstraint("faction", "id", name="factionrole_faction_id"),
            models.CheckConstraint(
                condition=Q(contract_type__in=ContractType.values), name="factionrole_contract_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = instance_errors(self)
        if errors:
            raise ValidationError(errors)


class FactionMembership(models.Model):
    faction = models.ForeignKey(Faction, on_delete=models.CASCADE, related_name="memberships")
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="memberships")
    rank = models.ForeignKey(FactionRank, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    role = models.ForeignKey(FactionRole, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["faction", "character"]
        constraints = [
            models.UniqueConstraint("faction", "character", name="factionmembership_once_per_faction"),
        ]

    def __str__(self) -> str:
        return f"{self.character_id} in {self.faction_id}"

    def clean(self) -> None:
        if not self.faction_id:
            return
        errors = same_world_errors(self, self.faction.world_id, ["character"])
        for name in ("rank", "role"):
            related = getattr(self, name) if getattr(self, f"{name}_id") else None
            if related is not None and related.faction_id != self.faction_id:
                errors[name] = f"{related} is a {name} of another faction."
        if errors:
            raise ValidationError(errors)


class FactionStance(models.TextChoices):
    ALLY = "ally", "Ally"
    RIVAL = "rival", "Rival"


class FactionLink(models.Model):
    """A symmetric ally/rival link, stored once with the lower faction id first."""

    faction_a = models.ForeignKey(Faction, on_delete=models.CASCADE, related_name="+")
    faction_b = models.ForeignKey(Faction, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(max_length=5, choices=FactionStance.choices)

    class Meta:
        ordering = ["faction_a", "faction_b"]
        constraints = [
            # One row per pair: never ally and rival at once, never with itself, symmetric by construction.
            models.UniqueConstraint("faction_a", "faction_b", name="factionlink_one_per_pair"),
            models.CheckConstraint(condition=Q(faction_a__lt=F("faction_b")), name="factionlink_ordered_pair"),
            models.CheckConstraint(condition=Q(stance__in=FactionStance.values), name="factionlink_stance_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.faction_a_id} {self.stance} {self.faction_b_id}"

    def clean(self) -> None:
        if not (self.faction_a_id and self.faction_b_id):
            return
        if self.faction_a_id == self.faction_b_id:
            raise ValidationError("A faction cannot be allied with or rival to itself.")
        if self.faction_a_id > self.faction_b_id:  # the pair is stored in one order
            self.faction_a, self.faction_b = self.faction_b, self.faction_a
        if self.faction_a.world_id != self.faction_b.world_id:
            raise ValidationError({"faction_b": "Both factions must belong to the same world."})


class Relationship(WorldScoped):
    """A directed, labelled edge between two characters ("sister", "rival", "employer")."""

    source = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="relationships_out")
    target = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="relationships_in")
    label = models.CharField(max_length=64)

    class Meta:
        ordering = ["source", "target"]
        constraints = [
            models.UniqueConstraint("source", "target", name="relationship_one_per_pair"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="relationship_not_with_self"),
            models.CheckConstraint(condition=~Q(label=""), name="relationship_label_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} —{self.label}→ {self.target_id}"


# Transient rows: never part of a world file, never trigger an export.


class EventKind(models.TextChoices):
    SAY = "say", "Say"
    TELL = "tell", "Tell"
    WHISPER = "whisper", "Whisper"
    GESTURE = "gesture", "Gesture"
    NPC_REPLY = "npc_reply", "NPC reply"
    ARRIVE = "arrive", "Arrival"
    DEPART = "depart", "Departure"
    MOVE = "move", "Own move"
    TAKE = "take", "Take"
    DROP = "drop", "Drop"
    GIVE = "give", "Give"
    RENAME = "rename", "Rename"
    INTERACT = "interact", "Examine"
    THEFT = "theft", "Theft"
    WIELD = "wield", "Wield"
    SLEEP = "sleep", "Sleep"
    CONSUME = "consume", "Eat or drink"
    SEARCH = "search", "Search"
    CRAFT = "craft", "Craft"
    # Kinds of the world clock, the game systems and staff actions (reserved here so those features
    # share one list and one migration).
    VIOLENCE = "violence", "Violence"
    DEATH = "death", "Death"
    FLEE = "flee", "Flee"
    OFFER = "offer", "Trade offer"
    TRADE = "trade", "Trade"
    MISSION = "mission", "Mission"
    ROLL = "roll", "Dice roll"
    TIME = "time", "Time of day"
    WAKE = "wake", "Wake"
    NPC_ACTION = "npc_action", "NPC action"
    TELEPORT = "teleport", "Moved by staff"
    NOTICE = "notice", "Notice"


class Event(models.Model):
    """One line of a player's feed: what that character saw, written once per recipient.

    Fan-out on write (one row per player who saw it) instead of room-wide rows filtered by
    arrival time: a whisper has exactly two readers, a character that moves never sees what was
    said in a room before it arrived, and reading the feed is one indexed range scan.
    NPCs have no feed; they react through services, not by reading rows.
    """

    recipient = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    actor = models.CharField(max_length=32, blank=True, help_text="Who acted (the name at the time).")
    text = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["recipient", "id"], name="event_recipient_id")]

    def __str__(self) -> str:
        return f"{self.recipient_id}#{self.id}: {self.text[:40]}"


class InteractionSession(models.Model):
    """A character's open `interact with` menu: one per character, expiring after inactivity."""

    character = models.OneToOneField(Character, on_delete=models.CASCADE, related_name="interaction")
    # The target is an item or an exit; both null means it was deleted while the menu was open.
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    exit = models.ForeignKey(Exit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_name = models.CharField(max_length=128)
    actions = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.character_id} → {self.target_name}"


class WorldKick(models.Model):
    """A builder's kick of an account from one world: credentials issued before `kicked_at` no longer act
    there. Tokens are account-wide, so revoking them would have dropped the player from every world."""

    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="kicks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="world_kicks")
    kicked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["world", "user"], name="world_kick_once_per_world")]

    def __str__(self) -> str:
        return f"{self.user_id} kicked from {self.world_id} at {self.kicked_at}"


# The world clock and the game systems keep their rows in their own modules; imported here so the
# app registry sees them.
from world.combat.models import Violence, ViolenceKind  # noqa: E402, F401
from world.games.models import Mission, MissionObjective, Offer, OfferItem  # noqa: E402, F401
from world.simulation.models import ClockLease, DailyDuty, ExitsVersion, WitnessCursor, WorldClock  # noqa: E402, F401
