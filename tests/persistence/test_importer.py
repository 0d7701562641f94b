"""The importer reads the same section declarations the exporter writes (persistence/formats/mudsite.py)."""

from __future__ import annotations

import orjson
import pytest

from persistence.facade import write_world_copy
from persistence.formats import mudsite
from persistence.formats.schema import DEFS
from persistence.importer import ImportRejected, _references, import_order, import_world_bytes
from persistence.tracking import TRACKED_MODELS
from tests.persistence.helpers import build_rich_world
from world import models as w
from world.services.worlds import world_empty


def test_import_order_has_every_section_once_after_what_it_needs():
    order = import_order()
    assert sorted(s.name for s in order) == sorted(s.name for s in mudsite.SECTION_SPECS)
    for position, section in enumerate(order):
        before = {s.model for s in order[:position]}
        assert set(section.after) <= {s.name for s in order[:position]}
        for reference in _references(section):
            if reference.section is not None and reference.target is not section.model and not reference.nullable:
                assert reference.target in before, (section.name, reference.key)


def rich_document(db) -> dict:
    world = build_rich_world("rich")
    document = orjson.loads(write_world_copy(world))
    world.delete()
    return document


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("exits", "source", "nowhere", "exits/0: source 'nowhere' is not in the file"),
        ("characters", "room", "nowhere", "room 'nowhere' is not in the file"),
        ("faction_memberships", "rank", "Pope", "rank"),
        ("exits", "lock_allow", ["Nobody"], "characters 'Nobody' is not in the file"),
    ],
)
def test_a_reference_to_a_row_the_file_lacks_is_rejected_and_changes_nothing(db, section, key, value, message):
    document = rich_document(db)
    rows = [row for row in document[section] if key != "rank" or row["rank"] is not None]
    rows[0][key] = value
    with pytest.raises(ImportRejected, match=message):
        import_world_bytes(orjson.dumps(document))
    assert not w.World.objects.filter(slug="rich").exists()
    assert not w.Room.objects.exists()


def test_a_container_cycle_is_rejected(db):
    document = rich_document(db)
    contained = next(row for row in document["items"] if row["container"] is not None)
    box = next(row for row in document["items"] if row["uuid"] == contained["container"])
    box.update(container=contained["uuid"], container_slot=0, room=None, character=None, slot=None)
    with pytest.raises(ImportRejected, match="is not in the file \\(or a cycle\\)"):
        import_world_bytes(orjson.dumps(document))
    assert not w.World.objects.exists()


def test_a_copy_under_another_slug_gets_new_uuids_and_the_same_content(db):
    world = build_rich_world("rich")
    original = orjson.loads(write_world_copy(world))
    copy = import_world_bytes(write_world_copy(world), slug="copy")
    copied = orjson.loads(write_world_copy(copy))
    for section in ("rooms", "exits", "characters", "items", "factions"):
        old = {row["uuid"] for row in original[section]}
        new = {row["uuid"] for row in copied[section]}
        assert old.isdisjoint(new), section

    def without_uuids(value):
        if isinstance(value, dict):
            return {k: without_uuids(v) for k, v in value.items() if k not in {"uuid", "slug"}}
        if isinstance(value, list):
            return [without_uuids(v) for v in value]
        return value

    # Item uuids order the items section and name containers, beds and weapons: compare by content.
    for document in (original, copied):
        document["items"] = sorted(
            (without_uuids(row | {"container": None}) for row in document["items"]), key=orjson.dumps
        )
        for row in document["characters"]:
            row["home_bed"] = row["equipped_weapon"] = None
        # Mission uuids order the missions and name them in objectives: compare by title.
        titles = {row["uuid"]: row["title"] for row in document["missions"]}
        document["missions"] = sorted(document["missions"], key=lambda row: row["title"])
        document["mission_objectives"] = sorted(
            ({**row, "mission": titles[row["mission"]]} for row in document["mission_objectives"]),
            key=lambda row: (row["mission"], row["position"]),
        )
    assert without_uuids(copied) == without_uuids(original)


def test_world_empty_leaves_the_world_row_and_nothing_else(db):
    world = build_rich_world("rich")
    removed = world_empty(world=world)
    assert removed["rooms"] == 3
    for model, world_of in TRACKED_MODELS.items():
        if model is w.World:
            continue
        left = [obj for obj in model._default_manager.all() if world_of(obj) == world.pk]
        assert left == [], model.__name__
    world.refresh_from_db()
    assert world.start_room is None
    assert world.builders.count() == 2


def test_one_list_of_world_fields_for_the_file_the_schema_and_purge(db):
    world = build_rich_world("rich")
    row = orjson.loads(write_world_copy(world))["world"]
    carried = {"slug", "start_room", "builders", "created_at", "updated_at", *w.WORLD_STATE_FIELDS}
    assert set(row) == carried
    assert set(DEFS["world"]["properties"]) == carried
    assert set(mudsite.WORLD_FIELDS) == carried - {"builders"}
