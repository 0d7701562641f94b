"""The one rulebook for input (world/validation.py): text, names, JSON shapes, and that every write path uses it."""

from __future__ import annotations

import ast
import importlib
import pathlib
import pkgutil
import typing

import pytest

from accounts.services import accounts
from tests import factories
from world import models, validation
from world.exceptions import Conflict, Invalid
from world.services import characters, npcs, rooms

SURROGATE = "\udfff"


@pytest.mark.parametrize("bad", [SURROGATE, "a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f"])
def test_text_that_cannot_be_stored_or_exported_is_refused(bad):
    assert validation.text_problem(bad)
    with pytest.raises(Invalid):
        validation.text_check(bad, field="description")


@pytest.mark.parametrize("good", ["plain", "two\nlines\r\nand\ttab", "Ünïcødé ✓ 漢字", ""])
def test_ordinary_text_passes(good):
    assert validation.text_problem(good) is None


def test_text_over_its_limit_is_refused_not_cut():
    with pytest.raises(Invalid) as exc:
        validation.text_clean("x" * 301, field="description", max_length=300)
    assert exc.value.details["max_length"] == 300


def test_names_are_nfkc_normalised():
    assert validation.character_name_clean("Ｏｌｄ  Ｔｏｍ") == "Old Tom"
    assert validation.username_clean(" ｍａｓｏｎ ") == "mason"


@pytest.mark.parametrize("bad", ["Bo\u200bb", "Bo\x07b", "Bob" + SURROGATE, "x", "y" * 33])
def test_bad_character_names_are_refused(bad):
    with pytest.raises(Invalid):
        validation.character_name_clean(bad)


def test_confusable_names_share_a_skeleton():
    assert validation.name_skeleton("\u0430dmin") == validation.name_skeleton("admin")  # Cyrillic а
    assert validation.name_skeleton("Ｏｌｄ Ｔｏｍ") == validation.name_skeleton("old tom")
    assert validation.name_skeleton("Alice") != validation.name_skeleton("Bob")


def test_npc_names_refuse_control_characters_like_player_names(tiny_world):
    """Issue 15: npcs.py accepted control characters that characters.py refused."""
    with pytest.raises(Invalid):
        npcs.npc_create(world=tiny_world.world, room=tiny_world.hall, name="Gr\x07eg")


def test_a_name_confusable_with_a_taken_one_is_refused(tiny_world):
    with pytest.raises(Conflict) as exc:
        npcs.npc_create(world=tiny_world.world, room=tiny_world.hall, name="\u0410lice")  # Cyrillic А
    assert exc.value.code == "name_confusable"
    with pytest.raises(Conflict) as exc:
        characters.character_update(character=tiny_world.player, name="Ｂｏｂ")
    assert exc.value.code == "name_taken"


def test_confusable_usernames_are_refused(db):
    accounts.account_register(username="admin", password="a-long-enough-passphrase")
    with pytest.raises(Conflict) as exc:
        accounts.account_register(username="\u0430dmin", password="a-long-enough-passphrase")
    assert exc.value.code == "username_confusable"
    user = accounts.account_register(username="Ｏｌｄ_Ｔｏｍ", password="a-long-enough-passphrase")
    assert user.username == "Old_Tom"


def test_unique_names_skip_confusables(tiny_world):
    factories.NpcFactory(world=tiny_world.world, room=tiny_world.hall, name="Guard")
    assert validation.character_name_unique(world_id=tiny_world.world.pk, base="Guard") == "Guard 2"
    assert rooms.room_key_unique(world=tiny_world.world, base="hall") == "hall_2"


def test_room_keys_over_64_characters_are_refused_not_cut(tiny_world):
    with pytest.raises(Invalid):
        rooms.room_create(world=tiny_world.world, key="k" * 65)
    assert rooms.room_create(world=tiny_world.world, key="k" * 64).key == "k" * 64


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("Room", "tags", {"not": "a list"}),
        ("Room", "tags", [SURROGATE]),
        ("Item", "tags", "a string"),
        ("Exit", "lock_allow_ids", ["not-an-id"]),
        ("Exit", "lock_allow_relationships", [{"type": "friend"}]),
        ("World", "time_descriptions", {"6": SURROGATE}),
        ("World", "time_descriptions", {"25": "late"}),
        ("World", "time_descriptions", {"6": 7}),
    ],
)
def test_every_json_shape_the_code_cannot_read_is_refused(model, field, value):
    assert validation.JSON_SHAPES[(model, field)](value)


def test_model_clean_reports_bad_text_and_json(tiny_world):
    room = tiny_world.hall
    room.description, room.tags = "x" + SURROGATE, {"not": "a list"}
    assert set(validation.instance_errors(room)) == {"description", "tags"}


# ---------------------------------------------------------------------------------------------- one rulebook

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _source(path: str) -> str:
    return (ROOT / path).read_text()


def test_write_paths_share_the_one_validation_module():
    """Services, models (hence admin forms), API schemas and the importer use world.validation."""
    users = {
        "world/services/characters.py": {"character_name_clean", "character_name_check_free"},
        "world/services/npcs.py": {"character_name_clean", "character_name_check_free", "character_name_unique"},
        "world/apps.py": {"username_clean", "username_check_free"},  # registered as accounts' username rules
        "world/services/rooms.py": {"key_clean", "tags_clean", "unique_name", "key_check_free"},
        "world/services/templates.py": {"tags_clean", "key_check_free"},
        "world/services/factions.py": {"key_check_free", "character_name_unique"},
        "world/services/missions.py": {"text_clean"},
        "world/models.py": {"instance_errors"},
        "world/schemas/common.py": {"schema_text"},
        "world/schemas/building.py": {"tree_text_problem"},
        "persistence/importer.py": {"tree_text_problem"},
    }
    for path, names in users.items():
        imported = {
            alias.name
            for node in ast.walk(ast.parse(_source(path)))
            if isinstance(node, ast.ImportFrom) and node.module == "world.validation"
            for alias in node.names
        }
        assert names <= imported, (path, names - imported)


def _text_leaves(annotation, metadata=()):
    """(leaf str annotation's metadata) for every `str` inside `annotation` (lists, unions, Annotated)."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        yield from _text_leaves(base, (*metadata, *extra))
    elif annotation is str:
        yield metadata
    else:
        for arg in typing.get_args(annotation):
            yield from _text_leaves(arg, metadata)


def _request_schemas():
    from ninja import Schema

    import world.schemas

    for module_info in pkgutil.iter_modules(world.schemas.__path__):
        module = importlib.import_module(f"world.schemas.{module_info.name}")
        for name, schema in vars(module).items():
            if isinstance(schema, type) and issubclass(schema, Schema) and name.endswith("In"):
                yield f"{module_info.name}.{name}", schema


def test_every_request_schema_checks_its_text_with_the_rulebook():
    """Every API write path (play, build, interact, trade, missions, combat, dice, simulation): each text field
    of a request body is `common.Text` (schema_text), pattern-bound, or in a building `In` (tree_text_problem)."""
    from world.schemas.building import In

    unchecked = []
    for name, schema in _request_schemas():
        if issubclass(schema, In):
            continue
        for field_name, info in schema.model_fields.items():
            for metadata in _text_leaves(info.annotation):
                checks = [*metadata, *info.metadata]
                if not any(
                    getattr(m, "func", None) is validation.schema_text or getattr(m, "pattern", None) for m in checks
                ):
                    unchecked.append(f"{name}.{field_name}")
    assert not unchecked
    assert {"trade.OfferIn", "missions.MissionIn", "games.AttackIn", "games.RollIn"} <= dict(_request_schemas()).keys()


def test_no_duplicate_rule_survives_outside_the_validation_module():
    duplicates = (
        "def _tags_clean",
        "def _no_nul",
        "def _name_taken",
        "CONTROL_CHARACTERS",
        "def character_name_unique",
    )
    for path in ROOT.glob("world/**/*.py"):
        if path.name == "validation.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        for duplicate in duplicates:
            assert duplicate not in text, (path, duplicate)


def test_every_json_field_has_a_shape():
    from django.apps import apps
    from django.db.models import JSONField

    code_only = {("Event", "data"), ("InteractionSession", "actions")}
    for model in apps.get_app_config("world").get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, JSONField) and (model.__name__, f.name) not in code_only:
                assert (model.__name__, f.name) in validation.JSON_SHAPES, (model.__name__, f.name)


def test_world_models_clean_with_the_rulebook():
    assert models.World.clean is not None


def _refused_characters() -> list[str]:
    """Every character text_problem refuses in the BMP (controls, NUL, lone surrogates)."""
    return [chr(c) for c in range(0x10000) if validation.text_problem(chr(c)) is not None]


def test_the_json_text_scan_flags_every_refused_character():
    """json_tree_text_problem skips the tree walk only when the scan finds nothing: so the scan must
    match every way JSON can write a character text_problem refuses (escaped or raw, any case)."""
    import json
    import re

    refused = _refused_characters()
    assert len(refused) > 2000  # the controls and the 2,048 surrogates
    for ch in refused:
        escaped = json.dumps({"name": f"a{ch}b"}).encode()  # \\uXXXX (lower-case hex) or \\b \\f
        assert validation.JSON_SUSPECT_TEXT.search(escaped), repr(ch)
        upper_hex = re.sub(rb"\\u([0-9a-f]{4})", lambda m: b"\\u" + m.group(1).upper(), escaped)
        assert validation.JSON_SUSPECT_TEXT.search(upper_hex), repr(ch)
        if not "\ud800" <= ch <= "\udfff" and ord(ch) >= 0x20:  # JSON may carry DEL and C1 raw
            raw = json.dumps({"name": f"a{ch}b"}, ensure_ascii=False).encode()
            assert validation.JSON_SUSPECT_TEXT.search(raw), repr(ch)
        problem = validation.json_tree_text_problem(escaped, json.loads(escaped))
        assert problem == validation.text_problem(ch)


def test_the_json_text_scan_lets_plain_text_through_without_a_walk(monkeypatch):
    monkeypatch.setattr(validation, "tree_text_problem", lambda tree: pytest.fail("walked"))
    data = '{"name": "Café\\n\\t\\u00e9 ok \\\\ \\"x\\" 雪"}'.encode()
    assert validation.json_tree_text_problem(data, {}) is None
