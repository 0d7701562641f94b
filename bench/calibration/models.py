from django.db import models


class Room(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Exit(models.Model):
    source = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="exits")
    destination = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="entrances")
    name = models.CharField(max_length=100)
    is_locked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Character(models.Model):
    name = models.CharField(max_length=100, unique=True)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="characters")
    is_npc = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True, null=True)

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    name = models.CharField(max_length=100)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="items")

    def __str__(self) -> str:
        return self.name
