"""Trade offers (transient) and missions (world state) — the consent-based economy and the mission model.

Offers are transient like interaction sessions: a pending offer is a conversation between two
characters who are online in one room, not a fact of the world, so it is never in the world file
and a restart forgets it (docs/decisions.md). Missions are world state (TinyMUD §2.13) and are
exported.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from world.models import Character, Item, ItemTemplate, Room, World, WorldScoped

# Coin amounts a request may name: far beyond any purse, far below what a column overflows at.
MAX_COINS = 1_000_000_000
MAX_OFFER_ITEMS = 8  # an inventory has 8 slots


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    LAPSED = "lapsed", "Lapsed (a party left)"


class Offer(WorldScoped):
    """A proposal from one character to another in the same room: these items and coins for those."""

    proposer = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="offers_made")
    recipient = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="offers_received")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+", help_text="Where it was made.")
    give_coins = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(MAX_COINS)])
    want_coins = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(MAX_COINS)])
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(proposer=F("recipient")), name="offer_not_to_self"),
            models.CheckConstraint(condition=Q(status__in=OfferStatus.values), name="offer_status_valid"),
            models.CheckConstraint(
                condition=Q(give_coins__lte=MAX_COINS, want_coins__lte=MAX_COINS), name="offer_coins_bounded"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "status"]), models.Index(fields=["proposer", "status"])]

    def __str__(self) -> str:
        return f"offer {self.pk}: {self.proposer_id} → {self.recipient_id} ({self.status})"


class OfferSide(models.TextChoices):
    GIVE = "give", "Given by the proposer"
    WANT = "want", "Wanted from the recipient"


class OfferItem(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=4, choices=OfferSide.choices)
    name = models.CharField(max_length=128, help_text="The item's name when offered.")

    class Meta:
        ordering = ["offer", "side", "id"]
        constraints = [
            models.UniqueConstraint("offer", "item", name="offeritem_once_per_offer"),
            models.CheckConstraint(condition=Q(side__in=OfferSide.values), name="offeritem_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.name}"


class MissionStatus(models.TextChoices):
    PENDING = "pending", "Pending (offered)"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class ObjectiveKind(models.TextChoices):
    KILL = "kill", "Kill a character"
    OBTAIN = "obtain", "Obtain an item"
    VISIT = "visit", "Visit a room"


class Mission(WorldScoped):
    """TinyMUD's Mission (§2.13): issuer, assignee, objectives, rewards, deadline."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=128)
    description = models.TextField(blank=True, max_length=2000)
    issuer = models.ForeignKey(
        Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="missions_issued",
        help_text="Empty: issued by staff.",
    )  # fmt: skip
    assignee = models.ForeignKey(
        Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="missions_assigned"
    )
    status = models.CharField(max_length=10, choices=MissionStatus.choices, default=MissionStatus.PENDING)
    reward_currency = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(MAX_COINS)])
    reward_xp = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(MAX_COINS)])
    reward_items = models.JSONField(default=list, blank=True, help_text="Item template keys given on completion.")
    deadline = models.DateTimeField(null=True, blank=True)
    rewarded = models.BooleanField(default=False, help_text="Rewards are paid once.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["world", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MissionStatus.values), name="mission_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="mission_title_not_empty"),
            models.CheckConstraint(
                condition=Q(reward_currency__lte=MAX_COINS, reward_xp__lte=MAX_COINS), name="mission_rewards_bounded"
            ),
        ]
        indexes = [models.Index(fields=["assignee", "status"])]

    def __str__(self) -> str:
        return self.title


class MissionObjective(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=6, choices=ObjectiveKind.choices)
    description = models.CharField(max_length=200, blank=True)
    target_character = models.ForeignKey(
        Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="kill"
    )
    target_template = models.ForeignKey(
        ItemTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="obtain"
    )
    target_room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_count = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    current_count = models.PositiveSmallIntegerField(default=0)
    completed = models.BooleanField(default=False)

    class Meta:
        ordering = ["mission", "position", "id"]
        constraints = [
            models.UniqueConstraint("mission", "position", name="missionobjective_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=ObjectiveKind.values), name="missionobjective_kind_valid"),
            models.CheckConstraint(condition=Q(target_count__gte=1), name="missionobjective_count_positive"),
        ]

    def __str__(self) -> str:
        return self.description or self.kind


__all__ = [
    "MAX_COINS",
    "Mission",
    "MissionObjective",
    "MissionStatus",
    "ObjectiveKind",
    "Offer",
    "OfferItem",
    "OfferSide",
    "OfferStatus",
    "World",
]
