"""Rows of the world clock: per-world simulation settings (world state), daily duties (world
state), the ticker lease (transient: which process ticks a world on SQLite) and the witnesses'
event cursor (transient)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from world.models import Character, ContractType, Faction, Room, World

# The settings of a world's clock: what builders read and change, and what the world file holds.
CLOCK_SETTINGS = (
    "enabled",
    "tick_seconds",
    "seed",
    "hunger_rate",
    "thirst_rate",
    "social_rate",
    "sleep_rate",
    "sleep_refill",
    "ap_max",
    "player_needs",
)


class WorldClock(models.Model):
    """How a world's clock runs. A world without a row runs with these defaults, switched off."""

    world = models.OneToOneField(World, on_delete=models.CASCADE, primary_key=True, related_name="clock")
    enabled = models.BooleanField(default=False, help_text="Does `run_world` tick this world?")
    tick_seconds = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1)], help_text="Real seconds per tick (one game hour)."
    )
    seed = models.BigIntegerField(default=0, help_text="Seed of the world's random source (same seed, same story).")
    # Per-tick need changes: TinyMUD's defaults.
    hunger_rate = models.FloatField(default=1.0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    thirst_rate = models.FloatField(default=1.0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    social_rate = models.FloatField(default=0.5, validators=[MinValueValidator(0), MaxValueValidator(100)])
    sleep_rate = models.FloatField(default=0.75, validators=[MinValueValidator(0), MaxValueValidator(100)])
    sleep_refill = models.FloatField(default=10.0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    ap_max = models.PositiveSmallIntegerField(default=3, validators=[MaxValueValidator(20)])
    player_needs = models.BooleanField(default=False, help_text="Do players' needs fall too?")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(tick_seconds__gte=1), name="worldclock_tick_seconds_positive"),
            *(
                models.CheckConstraint(condition=Q(**{f"{f}__gte": 0, f"{f}__lte": 100}), name=f"worldclock_{f}_0_100")
                for f in ("hunger_rate", "thirst_rate", "social_rate", "sleep_rate", "sleep_refill")
            ),
        ]

    def __str__(self) -> str:
        return f"clock of {self.world_id}"


class DutyStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class DailyDuty(models.Model):
    """A faction member's duty for one game day (TinyMUD's "Daily Duty" mission), deadline in ticks."""

    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="+")
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="duties")
    faction = models.ForeignKey(Faction, on_delete=models.CASCADE, related_name="+")
    role_name = models.CharField(max_length=64)
    kind = models.CharField(max_length=32, choices=ContractType.choices)
    resource_tag = models.CharField(max_length=64, blank=True)
    amount = models.PositiveSmallIntegerField(default=0)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_tick = models.PositiveBigIntegerField()
    deadline_tick = models.PositiveBigIntegerField()
    status = models.CharField(max_length=8, choices=DutyStatus.choices, default=DutyStatus.ACTIVE)

    class Meta:
        ordering = ["world", "issued_tick", "character", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DutyStatus.values), name="dailyduty_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.role_name} duty of {self.character_id} (day tick {self.issued_tick})"


class ClockLease(models.Model):
    """Who ticks a world (SQLite; PostgreSQL uses a session advisory lock). Transient."""

    world = models.OneToOneField(World, on_delete=models.CASCADE, primary_key=True, related_name="+")
    holder = models.CharField(max_length=128)
    lease_until = models.FloatField(help_text="Unix time the lease lapses unless renewed.")

    def __str__(self) -> str:
        return f"{self.world_id} held by {self.holder}"


class ExitsVersion(models.Model):
    """How often a world's exit graph changed: bumped by database triggers (`world.db_triggers`)
    on every exit insert and delete, on updates of what routes read (ends, name, locks, world)
    and on room key changes, whoever writes (ORM, admin, raw SQL). The clock keeps its exit graph
    while this stays put, so a say or a move no longer costs a re-read. Transient: never exported;
    the row is made by a trigger when the world is."""

    world = models.OneToOneField(World, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"exits of {self.world_id} at version {self.version}"


class WitnessCursor(models.Model):
    """The last crime event (theft, violence, death) a world's NPC witnesses have seen, so each is
    witnessed once. Transient: never exported. Its own row, not a `WorldClock` column: a world
    ticked without clock settings (the defaults) must not see the same crime every tick, and
    making it a `WorldClock` row would put settings nobody chose into its world file."""

    world = models.OneToOneField(World, on_delete=models.CASCADE, primary_key=True, related_name="+")
    event_id = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"crimes of {self.world_id} seen up to event {self.event_id}"
