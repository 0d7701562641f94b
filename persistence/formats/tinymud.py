"""Reader for TinyMUD's `world_state.json` (schema versions 0-4) → a mudsite world document.

The converted document goes through the same schema check and importer as a mudsite file.
Everything TinyMUD stores that mudsite models is kept; what it does not model (missions, the
numeric sheet relationship scores, debug flags, session data) is dropped. Plaintext passwords
are never read: accounts are created with unusable passwords and must be reset. TinyMUD's
older shapes are accepted as its own loader accepts them (legacy object keys, typo keys
`druability` / `deconstruct_recpie`, rooms without uuids or travel objects before version 3-4).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from persistence.formats.schema import FORMAT_NAME, FORMAT_VERSION
from world.sheet import MATRIX_AXES, sheet_errors

SUPPORTED_VERSIONS = range(0, 5)
NAMESPACE = uuid.UUID("6d756473-6974-6500-8000-74696e796d75")  # stable uuids for rows that had none
SAFETY_LEVELS = {"G", "PG-13", "R", "OFF"}
HAND_SLOTS, SMALL_SLOTS, LARGE_SLOTS = (0, 1), (2, 3, 4, 5), (6, 7)
NUTRITION_FIELDS = {"Edible": "satiation_value", "Drinkable": "hydration_value"}


class TinyMudError(ValueError):
    pass


def looks_like_tinymud(data: bytes) -> bool:
    if data[:64].lstrip().startswith(b'{"format":'):  # a mudsite file: no need to parse 20 MB to know
        return False
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return (
        isinstance(document, dict)
        and "format" not in document
        and isinstance(document.get("rooms"), dict)
        and any(key in document for key in ("world_version", "npc_sheets", "users", "start_room_id", "world_name"))
    )


def stable_uuid(slug: str, kind: str, *parts: Any) -> str:
    """A uuid of (target slug, kind, TinyMUD id or name): the same file under the same slug gets the same
    uuids again, and no two slugs ever share one (TinyMUD's own uuids are only an input, never kept)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join([slug, kind, *(str(p) for p in parts)])))


def as_int(value: Any, default: int | None = None, low: int | None = None, high: int | None = None) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return default
    if low is not None:
        number = max(low, number)
    if high is not None:
        number = min(high, number)
    return number


def as_float(value: Any, default: float, low: float = 0, high: float = 100) -> float:
    try:
        return float(min(high, max(low, float(value))))
    except (TypeError, ValueError):
        return default


class Unique:
    """Case-insensitively unique names/keys: the second 'Hall' becomes 'Hall_2' (or 'Hall 2')."""

    def __init__(self, separator: str) -> None:
        self.separator = separator
        self.seen: set[str] = set()

    def __call__(self, text: str) -> str:
        candidate, n = text, 1
        while candidate.lower() in self.seen:
            n += 1
            candidate = f"{text}{self.separator}{n}"
        self.seen.add(candidate.lower())
        return candidate


def key_text(text: Any, fallback: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", str(text or ""))[:60].strip("_") or fallback


class Converter:
    def __init__(self, data: dict[str, Any], slug: str | None) -> None:
        self.data = data
        self.now = datetime.now(UTC).isoformat()
        self.slug = slug or (key_text(data.get("world_name"), "tinymud").lower().replace("_", "-")[:64] or "tinymud")
        self.room_keys: dict[str, str] = {}  # TinyMUD room id → mudsite key
        self.entity_names: dict[str, str] = {}  # user_id / npc id / npc name → character name
        self.faction_names: dict[str, str] = {}
        self.items: list[dict[str, Any]] = []
        self.item_uuids: set[str] = set()
        self.new_item_uuids: dict[str, str] = {}  # TinyMUD object uuid → the item's uuid here
        self.characters: list[dict[str, Any]] = []
        self._factions: list[tuple[str, dict[str, Any]]] = []
        self.recipe_objects: dict[str, dict[str, Any]] = {}  # casefolded name → TinyMUD's embedded object
        self.notes: list[str] = []  # what the conversion changed or dropped, for the import summary

    # -- items ------------------------------------------------------------------------------------

    def item(self, obj: Any, where: str, **location: Any) -> dict[str, Any] | None:
        if not isinstance(obj, dict):
            obj = {"display_name": str(obj)} if obj is not None else None
        if obj is None:
            return None
        tags = obj.get("object_tag", obj.get("object_tags", obj.get("tags", ["small"])))
        tags = {str(t) for t in (tags if isinstance(tags, list | set | tuple) else [tags])}
        tags = self.nutrition_tags(tags, obj, where)
        # TinyMUD's Pick Up needs a `small` or `large` tag: anything without one was never carried.
        movable = not tags & {"Immovable", "Travel Point"}
        carry = "large" if movable and "large" in tags else "small" if movable and "small" in tags else "fixed"
        item_uuid = stable_uuid(self.slug, "item", where)
        while item_uuid in self.item_uuids:
            item_uuid = stable_uuid(self.slug, "item-duplicate", item_uuid, where)
        self.item_uuids.add(item_uuid)
        if obj.get("uuid") is not None:
            self.new_item_uuids.setdefault(str(obj["uuid"]), item_uuid)

        def names(recipe: Any) -> list[str]:
            if recipe is None:
                return []
            recipe = recipe if isinstance(recipe, list) else [recipe]
            result = []
            for r in recipe:
                name = str(r.get("display_name") or r.get("name") or "") if isinstance(r, dict) else str(r)
                self.recipe_objects.setdefault(name.casefold(), r if isinstance(r, dict) else {"display_name": name})
                result.append(name)
            return result

        hint = obj.get("loot_location_hint")
        row = {
            "uuid": item_uuid,
            "template": None,
            "name": str(obj.get("display_name") or obj.get("name") or "thing")[:128],
            "description": str(obj.get("description") or ""),
            "tags": sorted(tags - {"small", "large", "Immovable"}),
            "carry": carry,
            "material": str(obj.get("material_tag") or "")[:64],
            "value": as_int(obj.get("value"), None, 0),
            "durability": as_int(obj.get("durability", obj.get("druability")), None, 0),
            "quality": str(obj.get("quality") or "")[:64],
            "crafting_recipe": [n for n in names(obj.get("crafting_recipe")) if n],
            "deconstruct_recipe": [n for n in names(obj.get("deconstruct_recipe", obj.get("deconstruct_recpie"))) if n],
            "loot_hint": str((hint.get("display_name") if isinstance(hint, dict) else hint) or "")[:128],
            "weapon_damage": as_int(obj.get("weapon_damage"), None, 0, 32767),
            "weapon_type": str(obj.get("weapon_type") or "")[:32],
            "armor_defense": as_int(obj.get("armor_defense"), None, 0, 32767),
            "armor_type": str(obj.get("armor_type") or "")[:32],
            "owner": obj.get("owner_id", obj.get("ownership")),  # resolved once characters are known
            "faction": self.faction_names.get(str(obj.get("faction_id"))),
            "container_opened": bool(obj.get("container_opened")),
            "container_searched": bool(obj.get("container_searched")),
            "room": None,
            "character": None,
            "slot": None,
            "container": None,
            "container_slot": None,
            **location,
        }
        self.items.append(row)
        for slot, content in enumerate(list(obj.get("container_small_slots") or [])[:2]):
            self.contained(row, content, slot, "small", where)
        for slot, content in enumerate(list(obj.get("container_large_slots") or [])[:2]):
            self.contained(row, content, slot + 2, "large", where)
        return row

    def nutrition_tags(self, tags: set[str], obj: dict[str, Any], where: str) -> set[str]:
        """`Edible: N` / `Drinkable: N` as mudsite's rules want them. A bare or non-numeric tag takes its
        number from TinyMUD's legacy `satiation_value` / `hydration_value`, else it is dropped: in TinyMUD it
        meant no nutrition and no Eat/Drink action, which is what having no tag means here."""
        result = set()
        for tag in tags:
            kind, _, amount = tag.partition(":")
            if kind.strip() not in NUTRITION_FIELDS:
                result.add(tag)
                continue
            kind = kind.strip()
            number = as_int(amount.strip()) if re.fullmatch(r"\s*\d+\s*", amount) else None
            if number is None:
                number = as_int(obj.get(NUTRITION_FIELDS[kind]), None, 0)
            if number is None:
                self.notes.append(f"{where}: dropped '{tag}' (no number: TinyMUD gave it no nutrition or action)")
            else:
                result.add(f"{kind}: {number}")
        return result

    def contained(self, container: dict[str, Any], obj: Any, slot: int, size: str, where: str) -> None:
        if obj is None:
            return
        child = self.item(obj, f"{where}/c{slot}", container=container["uuid"], container_slot=slot)
        if child is not None and child["carry"] != size:  # TinyMUD did not check: spill it next to the container
            child.update(container=None, container_slot=None)
            self.place_beside(child, container)

    def place_beside(self, item: dict[str, Any], other: dict[str, Any]) -> None:
        if other["room"] is not None or other["character"] is not None:
            item.update(room=other["room"] or self.character_room(other["character"]))
        elif other["container"] is not None:
            item.update(container=None, container_slot=None, room=None)
            holder = next(i for i in self.items if i["uuid"] == other["container"])
            self.place_beside(item, holder)
        if item["room"] is None:
            self.items.remove(item)

    def character_room(self, name: str) -> str | None:
        return next((c["room"] for c in self.characters if c["name"] == name), None)

    # -- the world --------------------------------------------------------------------------------

    def convert(self) -> dict[str, Any]:
        data = self.data
        version = as_int(data.get("world_version"), 0)
        if version not in SUPPORTED_VERSIONS:
            raise TinyMudError(f"TinyMUD world_version {data.get('world_version')!r} is not supported (0-4)")
        rooms_in = data.get("rooms") or {}
        self.read_faction_names(data.get("factions") or {})
        unique_key = Unique("_")
        for room_id in rooms_in:
            self.room_keys[str(room_id)] = unique_key(key_text(room_id, "room"))
        self.people(data, rooms_in)
        rooms, exits = [], []
        for room_id, room in rooms_in.items():
            if not isinstance(room, dict):
                continue
            key = self.room_keys[str(room_id)]
            rooms.append(
                {
                    "key": key,
                    "name": str(room_id)[:128],
                    "description": str(room.get("description") or ""),
                    "tags": [str(t) for t in room.get("tags") or []],
                    "faction": self.faction_names.get(str(room.get("faction_id"))),
                    "owner": None,
                    "uuid": stable_uuid(self.slug, "room", room_id),
                }
            )
            exits += self.room_exits(str(room_id), room)
            travel_uuids = set((room.get("door_ids") or {}).values()) | {
                room.get("stairs_up_id"),
                room.get("stairs_down_id"),
            }
            for object_uuid, obj in (room.get("objects") or {}).items():
                tags = set(obj.get("object_tag") or []) if isinstance(obj, dict) else set()
                if object_uuid in travel_uuids or "Travel Point" in tags:
                    continue  # doors, stairs and portals are exits
                self.item(obj, f"room/{room_id}/{object_uuid}", room=key)
        self.inventories()
        characters = self.characters
        for item in self.items:
            item["owner"] = self.entity_names.get(str(item["owner"])) if item["owner"] is not None else None
        item_uuids = {i["uuid"] for i in self.items}
        for character in characters:
            for ref in ("home_bed", "equipped_weapon"):
                new_uuid = self.new_item_uuids.get(str(character[ref]))
                character[ref] = new_uuid if new_uuid in item_uuids else None
        start = self.room_keys.get(str(data.get("start_room_id")))
        times = data.get("time_descriptions") or {}
        world: dict[str, Any] = {
            "slug": self.slug,
            "name": str(data.get("world_name") or self.slug)[:64] or self.slug,
            "description": str(data.get("world_description") or ""),
            "conflict": str(data.get("world_conflict") or ""),
            "safety_level": data.get("safety_level") if data.get("safety_level") in SAFETY_LEVELS else "G",
            "setup_complete": bool(data.get("setup_complete")),
            "start_room": start,
            "advanced_goap": bool(data.get("advanced_goap_enabled")),
            "game_time_ticks": as_int(data.get("game_time_ticks"), 0, 0) or 0,
            # TinyMUD had no trade expiry and no way to switch death or combat off: mudsite's defaults.
            "offer_ttl_seconds": 300,
            "permadeath": False,
            "combat_allowed": True,
            "time_descriptions": {
                str(int(h)): str(t) for h, t in times.items() if str(h).isdigit() and 0 <= int(h) <= 23
            },
            "builders": [],
            "created_at": self.now,
            "updated_at": self.now,
        }
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "world_version": 1,
            "world": world,
            "rooms": rooms,
            "exits": exits,
            "characters": characters,
            "item_templates": self.recipe_templates(self.templates(data.get("object_templates") or {})),
            "items": self.items,
            **self.faction_rows(),
            "relationships": self.relationships(data.get("relationships") or {}),
            # TinyMUD's clock settings were constants (mudsite's defaults) and it kept no duty records.
            "world_clock": [],
            "daily_duties": [],
            # TinyMUD's missions hold live character and item ids of its own session; not carried over.
            "missions": [],
            "mission_objectives": [],
        }

    def room_exits(self, room_id: str, room: dict[str, Any]) -> list[dict[str, Any]]:
        source = self.room_keys[room_id]
        names = Unique(" ")
        exits = []
        locks = room.get("door_locks") or {}

        def add(name: str, target: Any, kind: str) -> None:
            destination = self.room_keys.get(str(target))
            if destination is None:
                return
            lock = locks.get(name) if isinstance(locks.get(name), dict) else None
            allow = [
                self.entity_names[str(i)] for i in (lock or {}).get("allow_ids", []) if str(i) in self.entity_names
            ]
            rules = [
                {**rule, "to": self.entity_names[str(rule.get("to"))]}
                for rule in (lock or {}).get("allow_rel", [])
                if isinstance(rule, dict) and str(rule.get("to")) in self.entity_names
            ]
            exits.append(
                {
                    "uuid": stable_uuid(self.slug, "exit", room_id, name),
                    "source": source,
                    "destination": destination,
                    "name": names(str(name)[:128] or "door"),
                    "kind": kind,
                    "is_locked": lock is not None,
                    "lock_allow": allow,
                    "lock_allow_relationships": rules,
                }
            )

        door_ids = room.get("door_ids") or {}
        door_object_uuids = set(door_ids.values())
        for name, target in (room.get("doors") or {}).items():
            add(name, target, "door")
        if room.get("stairs_up_to"):
            add("stairs up", room["stairs_up_to"], "stairs_up")
        if room.get("stairs_down_to"):
            add("stairs down", room["stairs_down_to"], "stairs_down")
        stairs = {room.get("stairs_up_id"), room.get("stairs_down_id")}
        for object_uuid, obj in (room.get("objects") or {}).items():
            if not isinstance(obj, dict) or object_uuid in door_object_uuids or object_uuid in stairs:
                continue
            if "Travel Point" in (obj.get("object_tag") or []) and obj.get("link_target_room_id"):
                add(str(obj.get("display_name") or "portal"), obj["link_target_room_id"], "portal")
        return exits

    def people(self, data: dict[str, Any], rooms: dict[str, Any]) -> None:
        names = Unique(" ")
        usernames = Unique("_")
        start = self.room_keys.get(str(data.get("start_room_id")))
        npc_room: dict[str, str] = {}
        for room_id, room in rooms.items():
            for npc in (room.get("npcs") or []) if isinstance(room, dict) else []:
                npc_room.setdefault(str(npc), self.room_keys[str(room_id)])
        bed_room = {
            str(object_uuid): self.room_keys[str(room_id)]
            for room_id, room in rooms.items()
            if isinstance(room, dict)
            for object_uuid in (room.get("objects") or {})
        }
        for user_id, user in (data.get("users") or {}).items():
            if not isinstance(user, dict):
                continue
            name = names(str(user.get("display_name") or "Player")[:32])
            self.entity_names[str(user.get("user_id") or user_id)] = name
            self.entity_names[str(user_id)] = name
            sheet = user.get("sheet") or {}
            self.characters.append(
                self.character(
                    name,
                    sheet,
                    account=usernames(re.sub(r"[^\w.@+-]", "_", name)[:150]),
                    room=bed_room.get(str(user.get("home_bed_uuid"))) or start,
                    home_bed=user.get("home_bed_uuid"),
                    description=user.get("description") or sheet.get("description"),
                    where=f"user/{user_id}",
                )
            )
        npc_ids = data.get("npc_ids") or {}
        for npc_name, sheet in (data.get("npc_sheets") or {}).items():
            name = names(str(npc_name)[:32] or "NPC")
            self.entity_names[str(npc_name)] = name
            if npc_ids.get(npc_name):
                self.entity_names[str(npc_ids[npc_name])] = name
            sheet = sheet if isinstance(sheet, dict) else {}
            self.characters.append(
                self.character(
                    name,
                    sheet,
                    account=None,
                    room=npc_room.get(str(npc_name)),
                    home_bed=sheet.get("sleeping_bed_uuid"),
                    description=sheet.get("description"),
                    where=f"npc/{npc_name}",
                )
            )

    def character(self, name: str, sheet: dict[str, Any], *, account, room, home_bed, description, where) -> dict:
        stats = {k: as_int(sheet.get(k), 10, 0, 32767) for k in ("strength", "dexterity", "intelligence", "health")}
        row = {
            "name": name,
            "account": account,
            "is_npc": account is None,
            "description": str(description or "A nondescript adventurer.")[:300],
            "room": room,
            "home_bed": home_bed,
            "equipped_weapon": sheet.get("equipped_weapon"),
            **{k: as_float(sheet.get(k), 100.0) for k in ("hunger", "thirst", "socialization", "sleep", "safety")},
            "currency": as_int(sheet.get("currency"), 0, 0) or 0,
            "responsibility": as_int(sheet.get("responsibility"), 50, 0, 100),
            "aggression": as_int(sheet.get("aggression"), 30, 0, 100),
            "confidence": as_int(sheet.get("confidence"), 50, 0, 100),
            "curiosity": as_int(sheet.get("curiosity"), 50, 0, 100),
            **stats,
            "hp": as_int(sheet.get("hp"), 10, -32768, 32767),
            "max_hp": as_int(sheet.get("max_hp"), 10, 0, 32767),
            "morale": as_int(sheet.get("morale"), 50, 0, 100),
            "is_dead": bool(sheet.get("is_dead")),
            "sheet": self.sheet(sheet),
            "uuid": stable_uuid(self.slug, "character", where),
            "created_at": self.now,
        }
        inventory = (sheet.get("inventory") or {}).get("slots") if isinstance(sheet.get("inventory"), dict) else None
        row["_inventory"] = list(inventory or [])[:8]
        return row

    def inventories(self) -> None:
        for character in self.characters:
            for slot, obj in enumerate(character.pop("_inventory")):
                if obj is None:
                    continue
                item = self.item(obj, f"inv/{character['name']}/{slot}", character=character["name"], slot=slot)
                if item is None:
                    continue
                fits = item["carry"] != "fixed" and (
                    slot in HAND_SLOTS
                    or (slot in SMALL_SLOTS and item["carry"] == "small")
                    or (slot in LARGE_SLOTS and item["carry"] == "large")
                )
                if not fits:  # TinyMUD allowed it; mudsite's constraints do not: drop it where they stand
                    item.update(character=None, slot=None)
                    self.notes.append(
                        f"{character['name']} held '{item['name']}' ({item['carry']}) in slot {slot}: put down"
                    )
                    self.place_beside(item, {"room": character["room"], "character": None, "container": None})

    def sheet(self, sheet: dict[str, Any]) -> dict[str, Any]:
        # Imported here, as world.sheet does: this module loads with Django, the schema only for a TinyMUD import.
        from world.sheet_schema import Sheet

        result = {k: v for k, v in sheet.items() if k in Sheet.model_fields}
        result["matrix"] = {axis: as_int(sheet.get(axis), 0, -10, 10) for axis in MATRIX_AXES if axis in sheet}
        result["memories"] = [m for m in sheet.get("memories") or [] if isinstance(m, dict)][-50:]
        result["quirks"] = [str(q) for q in sheet.get("quirks") or []][:5]
        for _ in range(len(result) + 1):
            errors = sheet_errors(result)
            if not errors:
                return result
            bad = {e.split(".", 1)[0].split(":", 1)[0] for e in errors}
            result = {k: v for k, v in result.items() if k not in bad}
        return {}

    def templates(self, templates: dict[str, Any]) -> list[dict[str, Any]]:
        keys = Unique("_")
        rows = []
        for key, obj in templates.items():
            before = len(self.items)
            row = self.item(obj, f"template/{key}", room="__template__")
            del self.items[before:]  # a template is not an item in the world
            if row is None:
                continue
            fields = {k: row[k] for k in row if k not in _ITEM_ONLY}
            rows.append({"key": keys(key_text(key, "template")), **fields})
        return rows

    def recipe_templates(self, templates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """TinyMUD's recipes embed whole objects matched by display name; mudsite's name templates (components
        by name, outputs by key). A recipe object no template matches becomes a template of its own."""
        by_name = {t["name"].casefold(): t for t in templates}
        by_key = {t["key"].casefold(): t for t in templates}
        keys = Unique("_")
        keys.seen |= set(by_key)

        def template_for(name: str) -> dict[str, Any]:
            found = by_name.get(name.casefold()) or by_key.get(name.casefold())
            if found is not None:
                return found
            obj = self.recipe_objects.get(name.casefold()) or {"display_name": name}
            before = len(self.items)
            row = self.item(obj, f"recipe/{name}", room="__template__")
            del self.items[before:]
            assert row is not None  # obj is a dict
            template = {"key": keys(key_text(name, "template")), **{k: row[k] for k in row if k not in _ITEM_ONLY}}
            templates.append(template)
            by_name.setdefault(template["name"].casefold(), template)
            by_key[template["key"].casefold()] = template
            self.notes.append(f"template {template['key']} made from TinyMUD's recipe object '{name}'")
            return template

        def resolve(thing: dict[str, Any]) -> None:
            thing["crafting_recipe"] = [template_for(n)["name"] for n in thing["crafting_recipe"]]
            thing["deconstruct_recipe"] = [template_for(n)["key"] for n in thing["deconstruct_recipe"]]

        for item in self.items:
            resolve(item)
        index = 0
        while index < len(templates):  # templates made on the way have recipes of their own
            resolve(templates[index])
            index += 1
        return templates

    def read_faction_names(self, factions_in: Any) -> None:
        items = factions_in.items() if isinstance(factions_in, dict) else enumerate(factions_in)
        unique = Unique(" ")
        parsed = []
        for fid, f in items:
            if not isinstance(f, dict) or not f.get("name"):
                continue
            name = unique(str(f["name"])[:64])
            self.faction_names[str(f.get("faction_id") or fid)] = name
            parsed.append((name, f))
        self._factions = parsed

    def relationships(self, graph: dict[str, Any]) -> list[dict[str, Any]]:
        rows = []
        for source, targets in graph.items():
            for target, label in (targets or {}).items() if isinstance(targets, dict) else []:
                a, b = self.entity_names.get(str(source)), self.entity_names.get(str(target))
                if a and b and a != b and str(label):
                    rows.append({"source": a, "target": b, "label": str(label)[:64]})
        return rows

    def faction_rows(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {
            "factions": [],
            "faction_ranks": [],
            "faction_roles": [],
            "faction_memberships": [],
            "faction_links": [],
        }
        links: dict[tuple[str, str], str] = {}
        for name, f in self._factions:
            created = f.get("created_timestamp")
            try:
                created_at = datetime.fromtimestamp(float(created), UTC).isoformat()  # type: ignore[arg-type]
            except (TypeError, ValueError, OverflowError, OSError):
                created_at = self.now
            out["factions"].append(
                {
                    "name": name,
                    "description": str(f.get("description") or ""),
                    "leader": self.entity_names.get(str(f.get("leader_player_id"))),
                    "leadership_threshold": as_int(f.get("leadership_threshold"), 5, 0, 32767),
                    "uuid": stable_uuid(self.slug, "faction", name),
                    "created_at": created_at,
                }
            )
            ranks = Unique(" ")
            rank_names = {}
            for rank, level in (f.get("ranks") or {}).items():
                rank_names[str(rank)] = ranks(str(rank)[:64] or "rank")
                out["faction_ranks"].append(
                    {"faction": name, "name": rank_names[str(rank)], "level": as_int(level, 1, -32768, 32767)}
                )
            roles = Unique("_")
            role_keys = {}
            for role_id, role in (f.get("roles") or {}).items():
                role = role if isinstance(role, dict) else {}
                role_keys[str(role_id)] = roles(key_text(role_id, "role"))
                contract = role.get("contract_type")
                out["faction_roles"].append(
                    {
                        "faction": name,
                        "key": role_keys[str(role_id)],
                        "name": str(role.get("name") or role_id)[:64],
                        "description": str(role.get("description") or ""),
                        "contract_type": contract if contract in {"resource_contribution", "patrol"} else "none",
                        "contract_config": role.get("contract_config")
                        if isinstance(role.get("contract_config"), dict)
                        else {},
                    }
                )
            members = [*(f.get("member_player_ids") or []), *(f.get("member_npc_ids") or [])]
            seen = set()
            for member in members:
                character = self.entity_names.get(str(member))
                if character is None or character in seen:
                    continue
                seen.add(character)
                out["faction_memberships"].append(
                    {
                        "faction": name,
                        "character": character,
                        "rank": rank_names.get(str((f.get("member_ranks") or {}).get(member))),
                        "role": role_keys.get(str((f.get("member_roles") or {}).get(member))),
                        "joined_at": created_at,
                    }
                )
            for stance, ids in (("rival", f.get("rival_faction_ids")), ("ally", f.get("ally_faction_ids"))):
                for other_id in ids or []:
                    other = self.faction_names.get(str(other_id))
                    if other and other != name:
                        pair = tuple(sorted((name, other), key=lambda n: (n.lower(), n)))
                        links.setdefault(pair, stance)  # type: ignore[arg-type]
        out["faction_links"] = [{"factions": list(pair), "stance": stance} for pair, stance in links.items()]
        return out


_ITEM_ONLY = {
    "uuid",
    "template",
    "owner",
    "faction",
    "container_opened",
    "container_searched",
    "room",
    "character",
    "slot",
    "container",
    "container_slot",
}


def convert(data: bytes, *, slug: str | None = None, notes: list[str] | None = None) -> dict[str, Any]:
    """The mudsite document of a TinyMUD file; what the conversion changed or dropped is appended to `notes`."""
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise TinyMudError(f"not valid JSON: {exc}") from None
    converter = Converter(raw, slug)
    document = converter.convert()
    if notes is not None:
        notes += converter.notes
    return document
