"""Game systems react to the world's own writes: a character changing rooms lapses its offers and
counts for visit objectives; an item landing in an inventory counts for obtain objectives.

Signals (not calls added to the movement and item services) so every path that moves a character
or an item — play, interactions, staff teleports, the clock's NPCs, trades, rewards — counts
without each of them knowing about trade or missions. Only saves that name the field
(`update_fields`), or create the row, count: a full-row admin edit is not a move. The importer
loads with `raw=True`, which never counts.

A character loaded for play carries flags (world.games.selectors.character_game_flags) saying whether it
has pending offers or open objectives at all; when it has none the hooks cost no query, so a plain move
stays at its pinned query count. Rows loaded elsewhere (NPCs, staff tools) have no flags and are checked.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from world.games.selectors import OPEN_OBJECTIVES_FLAG, PENDING_OFFERS_FLAG
from world.models import Character, Item


def _changed(field: str, created: bool, kwargs: dict[str, Any]) -> bool:
    if kwargs.get("raw"):
        return False
    fields = kwargs.get("update_fields")
    return created or (fields is not None and field in fields)


def _may_have(character: Character, flag: str) -> bool:
    return bool(getattr(character, flag, True))


def on_character_saved(sender: type[Character], instance: Character, created: bool, **kwargs: Any) -> None:
    if created or not _changed("room", created, kwargs):
        return
    from world.services import missions, trade

    if _may_have(instance, PENDING_OFFERS_FLAG):
        trade.offers_lapse_for(character=instance)
    if instance.room_id is not None and _may_have(instance, OPEN_OBJECTIVES_FLAG):
        missions.mission_record_visit(character=instance, room_id=instance.room_id)


def on_item_saved(sender: type[Item], instance: Item, created: bool, **kwargs: Any) -> None:
    if instance.character_id is None or instance.template_id is None or not _changed("character", created, kwargs):
        return
    from world.services import missions

    holder = instance.character
    if holder is not None and _may_have(holder, OPEN_OBJECTIVES_FLAG):
        missions.mission_record_obtain(character=holder, template_id=instance.template_id)


def on_character_slain(sender: type[Character], killer: Character, victim: Character, **kwargs: Any) -> None:
    from world.services import missions

    if _may_have(killer, OPEN_OBJECTIVES_FLAG):
        missions.mission_record_kill(killer=killer, victim=victim)


def connect() -> None:
    from world.services.combat import character_slain

    character_slain.connect(on_character_slain, sender=Character, dispatch_uid="games-character-slain")
    post_save.connect(on_character_saved, sender=Character, dispatch_uid="games-character-moved")
    post_save.connect(on_item_saved, sender=Item, dispatch_uid="games-item-carried")
