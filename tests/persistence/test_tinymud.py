"""import_world reads TinyMUD world_state.json files (schema versions 0-4)."""

import contextlib

import orjson
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from persistence.exporter import export_world
from persistence.files import world_file_path
from persistence.formats.mudsite import parse_document
from world import models as w

HALL, YARD = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
DOOR, BACK = "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444"
BED, SWORD = "55555555-5555-4555-8555-555555555555", "66666666-6666-4666-8666-666666666666"
CHEST, COIN = "77777777-7777-4777-8777-777777777777", "88888888-8888-4888-8888-888888888888"
ALICE, BOB_ID, GUILD = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "f1"

V4 = {
    "world_version": 4,
    "world_name": "Old Keep",
    "world_description": "A keep.",
    "world_conflict": "Rats.",
    "start_room_id": "Great Hall",
    "setup_complete": True,
    "safety_level": "PG-13",
    "advanced_goap_enabled": True,
    "game_time_ticks": 77,
    "time_descriptions": {"0": "Night.", "12": "Noon."},
    "rooms": {
        "Great Hall": {
            "id": "Great Hall",
            "uuid": HALL,
            "description": "Banners.",
            "npcs": ["Bob"],
            "doors": {"oak door": "yard"},
            "door_ids": {"oak door": DOOR},
            "door_locks": {"oak door": {"allow_ids": [ALICE], "allow_rel": [{"type": "friend", "to": BOB_ID}]}},
            "stairs_up_to": None,
            "objects": {
                DOOR: {
                    "uuid": DOOR,
                    "display_name": "oak door",
                    "object_tag": ["Immovable", "Travel Point"],
                    "link_target_room_id": "yard",
                },
                BED: {"uuid": BED, "display_name": "bed", "object_tag": ["Immovable", "bed"], "owner_id": ALICE},
                CHEST: {
                    "uuid": CHEST,
                    "display_name": "chest",
                    "object_tag": ["Immovable", "Container"],
                    "container_small_slots": [
                        {"uuid": COIN, "display_name": "coin", "object_tag": ["small"], "value": "5"},
                        None,
                    ],
                    "container_large_slots": [None, None],
                    "container_opened": True,
                },
            },
            "tags": ["external"],
            "faction_id": GUILD,
        },
        "yard": {
            "uuid": YARD,
            "description": "Mud.",
            "npcs": [],
            "doors": {"hall door": "Great Hall"},
            "door_ids": {"hall door": BACK},
            "objects": {},
        },
    },
    "users": {
        ALICE: {
            "user_id": ALICE,
            "display_name": "Alice",
            "password": "hunter2-plaintext",
            "description": "Tall.",
            "home_bed_uuid": BED,
            "sheet": {
                "hunger": 55.5,
                "currency": 12,
                "aggression": 250,
                "high_concept": "Smith",
                "rage_terror": 3,
                "quirks": ["a", "b"],
                "druability": 3,
                "unknown_field": 1,
                "inventory": {
                    "slots": [
                        {
                            "uuid": SWORD,
                            "display_name": "sword",
                            "object_tag": ["large", "weapon"],
                            "druability": 40,
                            "deconstruct_recpie": "scrap",
                        },
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                    ]
                },
            },
        }
    },
    "npc_sheets": {"Bob": {"description": "A guard.", "safety": 20}},
    "npc_ids": {"Bob": BOB_ID},
    "object_templates": {"bread": {"display_name": "Bread", "object_tag": ["small", "Edible: 20"], "value": 2}},
    "factions": {
        GUILD: {
            "faction_id": GUILD,
            "name": "Smiths",
            "description": "Hammers.",
            "member_player_ids": [ALICE],
            "member_npc_ids": [BOB_ID],
            "ranks": {"Master": 5},
            "member_ranks": {ALICE: "Master"},
            "roles": {
                "supplier": {
                    "id": "supplier",
                    "name": "Supplier",
                    "contract_type": "resource_contribution",
                    "contract_config": {"item": "ore"},
                }
            },
            "member_roles": {BOB_ID: "supplier"},
            "leader_player_id": ALICE,
            "rival_faction_ids": ["f2"],
            "created_timestamp": 1700000000,
        },
        "f2": {"faction_id": "f2", "name": "Thieves", "rival_faction_ids": [GUILD]},
    },
    "relationships": {ALICE: {BOB_ID: "sister"}},
    "missions": {},
}

V0 = {  # before migrations: no world_version, no uuids, no travel objects, legacy object shapes
    "rooms": {
        "start": {
            "description": "Start.",
            "doors": {"north": "end"},
            "npcs": ["Gob"],
            "objects": {"x": {"name": "rock", "tags": ["small"]}, "y": "a plain string object"},
        },
        "end": {"description": "End.", "doors": {"south": "start"}},
    },
    "npc_sheets": {"Gob": {"hunger": "oops"}},
    "users": {},
    "world_name": "Tiny Old",
}


def import_file(tmp_path, data, *args):
    path = tmp_path / "world_state.json"
    path.write_bytes(orjson.dumps(data))
    call_command("import_world", str(path), *args)


def test_tinymud_v4_world_imports_with_everything_it_models(db, tmp_path):
    import_file(tmp_path, V4, "--slug", "keep")
    world = w.World.objects.get(slug="keep")
    assert world.start_room.key == "Great_Hall"
    assert world.safety_level == "PG-13"
    assert {e.name: e.kind for e in w.Exit.objects.filter(world=world)} == {"oak door": "door", "hall door": "door"}
    oak = w.Exit.objects.get(world=world, name="oak door")
    alice = w.Character.objects.get(world=world, name="Alice")
    bob = w.Character.objects.get(world=world, name="Bob")
    assert oak.lock_allow_ids == [alice.pk]
    assert oak.lock_allow_relationships == [{"type": "friend", "to": bob.pk}]
    assert alice.aggression == 100  # clamped
    assert alice.home_bed.name == "bed"
    assert alice.sheet["high_concept"] == "Smith"
    assert alice.sheet["matrix"] == {"rage_terror": 3}
    assert w.Item.objects.get(world=world, name="sword").character == alice
    assert w.Item.objects.get(world=world, name="coin").container.name == "chest"
    assert w.Item.objects.get(world=world, name="coin").value == 5
    assert w.Item.objects.get(world=world, name="sword").durability == 40
    assert w.Item.objects.get(world=world, name="bed").owner == alice
    assert bob.room.key == "Great_Hall"
    assert w.FactionMembership.objects.get(character=alice).rank.name == "Master"
    assert w.FactionMembership.objects.get(character=bob).role.key == "supplier"
    assert w.FactionLink.objects.get().stance == "rival"
    assert w.Relationship.objects.get().label == "sister"
    assert w.ItemTemplate.objects.get(world=world, key="bread").tags == ["Edible: 20"]
    account = get_user_model().objects.get(username="Alice")
    assert not account.has_usable_password()  # the plaintext password is never kept
    assert export_world(world.pk, force=True).status == "written"
    assert b"hunter2" not in world_file_path("keep").read_bytes()
    parse_document(world_file_path("keep").read_bytes())


def test_tinymud_v0_world_imports(db, tmp_path):
    import_file(tmp_path, V0)
    world = w.World.objects.get(slug="tiny-old")
    assert sorted(w.Room.objects.filter(world=world).values_list("key", flat=True)) == ["end", "start"]
    assert w.Exit.objects.filter(world=world).count() == 2
    assert sorted(w.Item.objects.filter(world=world).values_list("name", flat=True)) == [
        "a plain string object",
        "rock",
    ]
    assert w.Character.objects.get(world=world, name="Gob").hunger == 100


def test_newer_tinymud_versions_are_refused_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="world_version 9 is not supported"):
        import_file(tmp_path, {**V4, "world_version": 9})
    assert not w.World.objects.exists()


def world_uuids(world) -> set[str]:
    rows = [w.Room, w.Exit, w.Character, w.Item]
    return {str(u) for model in rows for u in model.objects.filter(world=world).values_list("uuid", flat=True)}


def test_two_tinymud_files_sharing_npc_names_both_import(db, tmp_path):
    import_file(tmp_path, V4, "--slug", "keep")
    other = {
        **V0,
        "npc_sheets": {"Bob": {}},
        "rooms": {**V0["rooms"], "start": {**V0["rooms"]["start"], "npcs": ["Bob"]}},
    }
    import_file(tmp_path, other, "--slug", "other-keep")
    bobs = w.Character.objects.filter(name="Bob")
    assert bobs.count() == 2 and len({b.uuid for b in bobs}) == 2


def test_the_same_tinymud_file_imports_under_two_slugs_with_new_uuids(db, tmp_path):
    import_file(tmp_path, V4, "--slug", "first")
    import_file(tmp_path, V4, "--slug", "second")
    first, second = (world_uuids(w.World.objects.get(slug=s)) for s in ("first", "second"))
    assert first and second and not first & second
    assert HALL not in second  # --slug gives new uuids, as docs/world-format.md promises


def test_tinymud_uuids_are_deterministic_for_the_same_file_and_slug():
    from persistence.formats.tinymud import convert

    def uuids(document):
        return [row["uuid"] for section in ("rooms", "exits", "characters", "items") for row in document[section]]

    data = orjson.dumps(V4)
    assert uuids(convert(data, slug="keep")) == uuids(convert(data, slug="keep"))
    assert not set(uuids(convert(data, slug="keep"))) & set(uuids(convert(data, slug="copy")))


LOOSE = "99999999-9999-4999-8999-999999999999"


def with_hall_objects(**objects):
    hall = V4["rooms"]["Great Hall"]
    return {**V4, "rooms": {**V4["rooms"], "Great Hall": {**hall, "objects": {**hall["objects"], **objects}}}}


def test_tinymud_objects_without_a_size_tag_stay_uncarriable(db, tmp_path):
    data = with_hall_objects(
        **{LOOSE: {"uuid": LOOSE, "display_name": "anvil", "object_tag": ["heavy"]}},
        untagged={"display_name": "pebble"},  # no tag list at all: TinyMUD's default tags are {"small"}
    )
    import_file(tmp_path, data, "--slug", "keep")
    carry = dict(w.Item.objects.filter(world__slug="keep").values_list("name", "carry"))
    assert carry["anvil"] == carry["bed"] == carry["chest"] == "fixed"
    assert carry["pebble"] == carry["coin"] == "small"
    assert carry["sword"] == "large"


def test_tinymud_nutrition_tags_are_normalised(db, tmp_path):
    data = with_hall_objects(
        loaf={"display_name": "loaf", "object_tag": ["small", "Edible"], "satiation_value": 12},
        crumb={"display_name": "crumb", "object_tag": ["small", "Edible"]},
        flask={"display_name": "flask", "object_tag": ["small", "Drinkable:7 "]},
        puddle={"display_name": "puddle", "object_tag": ["Drinkable: lots"]},
    )
    import_file(tmp_path, data, "--slug", "keep")
    tags = dict(w.Item.objects.filter(world__slug="keep").values_list("name", "tags"))
    assert tags["loaf"] == ["Edible: 12"]  # TinyMUD's legacy field gives the bare tag its number
    assert tags["crumb"] == [] and tags["puddle"] == []  # bare: no nutrition and no action in TinyMUD
    assert tags["flask"] == ["Drinkable: 7"]


def check_world_output(slug):
    from io import StringIO

    out = StringIO()
    with contextlib.suppress(SystemExit):  # check_world exits 1 when it finds problems
        call_command("check_world", slug, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_check_world_is_clean_after_a_tinymud_import(db, tmp_path):
    import_file(tmp_path, V4, "--slug", "keep")
    assert check_world_output("keep") == "keep: no problems found.\n"
    sword = w.Item.objects.get(world__slug="keep", name="sword")
    scrap = w.ItemTemplate.objects.get(world__slug="keep", key=sword.deconstruct_recipe[0])
    assert scrap.name == "scrap"  # TinyMUD's recipe embedded the object; it becomes a template here


def test_what_check_world_still_reports_is_explained_in_the_import_summary(db, tmp_path, capsys):
    hall = V4["rooms"]["Great Hall"]
    data = with_hall_objects(
        anvil={"display_name": "anvil", "object_tag": ["heavy"], "crafting_recipe": [{"display_name": "Bread"}]},
        crumb={"display_name": "crumb", "object_tag": ["small", "Edible"], "loot_location_hint": "crate"},
    )
    data["rooms"]["Great Hall"] = {**data["rooms"]["Great Hall"], "doors": {**hall["doors"], "trapdoor": "cellar"}}
    data["rooms"]["cellar"] = {"description": "Dark.", "objects": {}}
    data["users"] = {
        ALICE: {
            **V4["users"][ALICE],
            "sheet": {"inventory": {"slots": [{"display_name": "statue", "object_tag": ["art"]}]}},
        }
    }
    capsys.readouterr()
    import_file(tmp_path, data, "--slug", "var")
    summary = capsys.readouterr().out
    report = check_world_output("var")
    remaining = [line.removeprefix("var: ") for line in report.splitlines()]
    assert len(remaining) == 2  # the one-way trapdoor and the loot hint naming no container: TinyMUD's data
    for line in remaining:
        assert line in summary
    assert "dropped 'Edible'" in summary
    assert "statue" in summary  # Alice held it; mudsite cannot carry an object TinyMUD could not pick up
    assert w.Item.objects.get(world__slug="var", name="statue").room.key == "Great_Hall"
