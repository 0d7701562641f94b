"""The violence log: one row per blow, flight or death, for NPC autonomy and missions to query.

Transient like the event feed (not part of the world file): what combat *leaves behind* — hit
points, deaths, yielding, dropped items, positions — lives on characters and items, which are
exported. This log only says who attacked whom, recently; old rows may be pruned.
"""

from __future__ import annotations

from django.db import models

from world.models import Character, Room, World


class ViolenceKind(models.TextChoices):
    ATTACK = "attack", "Attack"
    YIELD = "yield", "Yield"
    DEATH = "death", "Death"
    FLEE = "flee", "Flee"


class Violence(models.Model):
    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(Room, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=8, choices=ViolenceKind.choices)
    attacker = models.ForeignKey(Character, null=True, on_delete=models.SET_NULL, related_name="violence_done")
    target = models.ForeignKey(Character, null=True, on_delete=models.SET_NULL, related_name="violence_suffered")
    damage = models.PositiveSmallIntegerField(default=0)
    target_hp = models.SmallIntegerField(default=0, help_text="The target's hit points after the blow.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["world", "room", "id"], name="violence_world_room_id"),
            models.Index(fields=["target", "id"], name="violence_target_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ViolenceKind.values), name="violence_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.attacker_id} → {self.target_id}"
