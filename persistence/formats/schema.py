"""Builds the JSON Schema of the mudsite world format (written to mudsite-world.schema.json).

The schema file is the contract; this module only generates it so the field lists cannot drift
from the exporter (`python -m persistence.formats.schema > persistence/formats/mudsite-world.schema.json`,
a test checks the file is up to date).
"""

from __future__ import annotations

import json
from typing import Any

FORMAT_NAME = "mudsite-world"
FORMAT_VERSION = 1

STR = {"type": "string"}
TEXT = {"type": "string"}
BOOL = {"type": "boolean"}
INT = {"type": "integer"}
UUID = {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
KEY = {"type": "string", "pattern": "^[A-Za-z0-9_]+$", "minLength": 1, "maxLength": 64}
NAME = {"type": "string", "minLength": 1}
DATETIME = {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"}
PERCENT = {"type": "number", "minimum": 0, "maximum": 100}
SMALL_PERCENT = {"type": "integer", "minimum": 0, "maximum": 100}
UINT = {"type": "integer", "minimum": 0}
JSON_OBJECT = {"type": "object"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def row(description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": sorted(properties),
        "properties": properties,
    }


ITEM_FIELDS: dict[str, Any] = {
    "name": NAME,
    "description": TEXT,
    "tags": {"type": "array", "items": STR},
    "carry": {"enum": ["small", "large", "fixed"]},
    "material": STR,
    "value": nullable(UINT),
    "durability": nullable(UINT),
    "quality": STR,
    "crafting_recipe": {"type": "array", "items": STR},
    "deconstruct_recipe": {"type": "array", "items": STR},
    "loot_hint": STR,
    "weapon_damage": nullable(UINT),
    "weapon_type": STR,
    "armor_defense": nullable(UINT),
    "armor_type": STR,
}

DEFS: dict[str, Any] = {
    "world": row(
        "The world's own settings. start_room is a room key.",
        {
            "slug": {"type": "string", "pattern": "^[a-z0-9-]+$", "minLength": 1, "maxLength": 64},
            "name": NAME,
            "description": TEXT,
            "conflict": TEXT,
            "safety_level": {"enum": ["G", "PG-13", "R", "OFF"]},
            "setup_complete": BOOL,
            "start_room": nullable(KEY),
            "advanced_goap": BOOL,
            "game_time_ticks": UINT,
            "offer_ttl_seconds": {"type": "integer", "minimum": 1, "maximum": 86400},
            "permadeath": BOOL,
            "combat_allowed": BOOL,
            "time_descriptions": {
                "type": "object",
                "propertyNames": {"pattern": "^([0-9]|1[0-9]|2[0-3])$"},
                "additionalProperties": STR,
            },
            "builders": {"type": "array", "items": STR, "uniqueItems": True, "description": "Account usernames."},
            "created_at": DATETIME,
            "updated_at": DATETIME,
        },
    ),
    "room": row(
        "A room, by key. faction is a faction name, owner a character name.",
        {
            "key": KEY,
            "name": STR,
            "description": TEXT,
            "tags": {"type": "array", "items": STR},
            "faction": nullable(NAME),
            "owner": nullable(NAME),
            "uuid": UUID,
        },
    ),
    "exit": row(
        "One direction of a link between rooms (by room key). Lock lists name characters.",
        {
            "uuid": UUID,
            "source": KEY,
            "destination": KEY,
            "name": NAME,
            "kind": {"enum": ["door", "stairs_up", "stairs_down", "portal"]},
            "is_locked": BOOL,
            "lock_allow": {"type": "array", "items": NAME, "description": "Character names allowed through."},
            "lock_allow_relationships": {
                "type": "array",
                "items": {"type": "object", "description": "A rule; its 'to' is a character name."},
            },
        },
    ),
    "character": row(
        "A player character (account = username, never a password) or an NPC (account = null).",
        {
            "name": NAME,
            "account": nullable(STR),
            "is_npc": BOOL,
            "description": TEXT,
            "room": nullable(KEY),
            "home_bed": nullable(UUID),
            "equipped_weapon": nullable(UUID),
            "hunger": PERCENT,
            "thirst": PERCENT,
            "socialization": PERCENT,
            "sleep": PERCENT,
            "safety": PERCENT,
            "currency": UINT,
            "responsibility": SMALL_PERCENT,
            "aggression": SMALL_PERCENT,
            "confidence": SMALL_PERCENT,
            "curiosity": SMALL_PERCENT,
            "strength": UINT,
            "dexterity": UINT,
            "intelligence": UINT,
            "health": UINT,
            "hp": INT,
            "max_hp": UINT,
            "morale": SMALL_PERCENT,
            "is_dead": BOOL,
            "sheet": JSON_OBJECT,
            "uuid": UUID,
            "created_at": DATETIME,
        },
    ),
    "item_template": row("An item template, by key.", {"key": KEY, **ITEM_FIELDS}),
    "item": row(
        "An item with exactly one location: room (key), character (name) + slot, or container (uuid) + slot.",
        {
            "uuid": UUID,
            "template": nullable(KEY),
            **ITEM_FIELDS,
            "owner": nullable(NAME),
            "faction": nullable(NAME),
            "container_opened": BOOL,
            "container_searched": BOOL,
            "room": nullable(KEY),
            "character": nullable(NAME),
            "slot": nullable({"type": "integer", "minimum": 0, "maximum": 7}),
            "container": nullable(UUID),
            "container_slot": nullable({"type": "integer", "minimum": 0, "maximum": 3}),
        },
    ),
    "faction": row(
        "A faction, by name. leader is a character name.",
        {
            "name": NAME,
            "description": TEXT,
            "leader": nullable(NAME),
            "leadership_threshold": UINT,
            "uuid": UUID,
            "created_at": DATETIME,
        },
    ),
    "faction_rank": row("A rank of a faction.", {"faction": NAME, "name": NAME, "level": INT}),
    "faction_role": row(
        "A role of a faction.",
        {
            "faction": NAME,
            "key": KEY,
            "name": NAME,
            "description": TEXT,
            "contract_type": {"enum": ["none", "resource_contribution", "patrol"]},
            "contract_config": JSON_OBJECT,
        },
    ),
    "faction_membership": row(
        "A character's membership of a faction (rank name, role key).",
        {
            "faction": NAME,
            "character": NAME,
            "rank": nullable(NAME),
            "role": nullable(KEY),
            "joined_at": DATETIME,
        },
    ),
    "faction_link": row(
        "A symmetric ally/rival link between two factions (names, sorted).",
        {
            "factions": {"type": "array", "items": NAME, "minItems": 2, "maxItems": 2},
            "stance": {"enum": ["ally", "rival"]},
        },
    ),
    "relationship": row(
        "A directed labelled edge between two characters (names).",
        {"source": NAME, "target": NAME, "label": NAME},
    ),
    # -- world clock (issue 14) --
    "world_clock": row(
        "How the world's clock runs: on/off, period, seed and the per-tick need rates (one row at most).",
        {
            "enabled": BOOL,
            "tick_seconds": {"type": "integer", "minimum": 1},
            "seed": INT,
            "hunger_rate": PERCENT,
            "thirst_rate": PERCENT,
            "social_rate": PERCENT,
            "sleep_rate": PERCENT,
            "sleep_refill": PERCENT,
            "ap_max": {"type": "integer", "minimum": 0, "maximum": 20},
            "player_needs": BOOL,
        },
    ),
    "daily_duty": row(
        "A faction member's duty for one game day; deadlines are game ticks.",
        {
            "character": NAME,
            "faction": NAME,
            "role_name": STR,
            "kind": STR,
            "resource_tag": STR,
            "amount": UINT,
            "room": nullable(STR),
            "issued_tick": UINT,
            "deadline_tick": UINT,
            "status": {"enum": ["active", "done", "failed"]},
        },
    ),
}

# Document key → row definition, in file order.
DEFS["mission"] = row(
    "A mission (TinyMUD §2.13), by uuid. issuer and assignee are character names (issuer null: staff).",
    {
        "uuid": UUID,
        "title": NAME,
        "description": TEXT,
        "issuer": nullable(NAME),
        "assignee": nullable(NAME),
        "status": {"enum": ["pending", "active", "completed", "failed", "expired"]},
        "reward_currency": UINT,
        "reward_xp": UINT,
        "reward_items": {"type": "array", "items": STR, "description": "Item template keys."},
        "deadline": nullable(DATETIME),
        "rewarded": BOOL,
        "created_at": DATETIME,
    },
)
DEFS["mission_objective"] = row(
    "One objective of a mission (by mission uuid and position): kill a character, obtain an item of a "
    "template, visit a room.",
    {
        "mission": UUID,
        "position": UINT,
        "kind": {"enum": ["kill", "obtain", "visit"]},
        "description": STR,
        "target_character": nullable(NAME),
        "target_template": nullable(KEY),
        "target_room": nullable(KEY),
        "target_count": {"type": "integer", "minimum": 1},
        "current_count": UINT,
        "completed": BOOL,
    },
)

SECTIONS: dict[str, str] = {
    "rooms": "room",
    "exits": "exit",
    "characters": "character",
    "item_templates": "item_template",
    "items": "item",
    "factions": "faction",
    "faction_ranks": "faction_rank",
    "faction_roles": "faction_role",
    "faction_memberships": "faction_membership",
    "faction_links": "faction_link",
    "relationships": "relationship",
    # -- world clock (issue 14) --
    "world_clock": "world_clock",
    "daily_duties": "daily_duty",
    "missions": "mission",
    "mission_objectives": "mission_objective",
}


def build_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "format": {"const": FORMAT_NAME},
        "version": {"const": FORMAT_VERSION},
        "world_version": {"type": "integer", "minimum": 0, "description": "The world's saved change counter."},
        "world": {"$ref": "#/$defs/world"},
    }
    for section, definition in SECTIONS.items():
        properties[section] = {"type": "array", "items": {"$ref": f"#/$defs/{definition}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://mudsite.invalid/schemas/mudsite-world-1.json",
        "title": "mudsite world file, format version 1",
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
        "$defs": DEFS,
    }


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
