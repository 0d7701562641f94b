"""Game systems react to the world's own writes: a character changing rooms lapses its offers and
counts for visit objectives; an item landing in an inventory counts for obtain objectives.

Signals (not calls added to movement and item services) so every path that moves a character or an
item — play, interactions, staff teleports, the clock's NPCs, trades — counts without each of them
knowing about trade or missions. Only saves that name the field (`update_fields`) count: a full-row
admin edit is not a move.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from world.models import Character


def on_character_saved(sender: type[Character], instance: Character, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or not fields or "room" not in fields:
        return
    from world.services import trade

    trade.offers_lapse_for(character=instance)


def connect() -> None:
    post_save.connect(on_character_saved, sender=Character, dispatch_uid="games-character-moved")
