from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from tests import factories
from world import models
from world.consistency import world_problems
from world.services.demo import DEMO_SLUG

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list]:
    return {
        model.__name__: sorted(map(repr, model.objects.values()))
        for model in apps.get_app_config("world").get_models()
        if model is not models.World
    }


def test_seed_world_is_idempotent():
    call_command("seed_world", stdout=None)
    first = snapshot()
    call_command("seed_world")
    assert snapshot() == first
    assert models.World.objects.filter(slug=DEMO_SLUG).count() == 1


def test_demo_world_has_what_every_feature_is_tried_on():
    call_command("seed_world")
    world = models.World.objects.get(slug=DEMO_SLUG)
    rooms = models.Room.objects.filter(world=world)
    exits = models.Exit.objects.filter(world=world)
    items = models.Item.objects.filter(world=world)
    assert rooms.count() >= 6
    assert world.setup_complete and world.start_room is not None
    doors = exits.filter(kind="door")
    assert doors.count() >= 10
    assert all(exits.filter(kind="door", source=d.destination, destination=d.source).exists() for d in doors)
    assert exits.filter(kind="stairs_up").count() == 1 and exits.filter(kind="stairs_down").count() == 1
    assert exits.filter(is_locked=True).exists()
    npcs = models.Character.objects.filter(world=world, is_npc=True)
    assert npcs.count() >= 3
    assert len({(n.hunger, n.aggression) for n in npcs}) == npcs.count()  # needs and personalities differ
    tags = [t for item in items for t in item.tags]
    assert any(t.startswith("Edible: ") for t in tags)
    assert any(t.startswith("Drinkable: ") for t in tags)
    assert "bed" in tags and "weapon" in tags and "Container" in tags
    assert items.filter(container__isnull=False).exists()  # a container with loot
    assert any("craft spot:iron_sword" in item.tags for item in items)
    recipe = models.ItemTemplate.objects.get(world=world, key="iron_sword").crafting_recipe
    assert set(recipe) <= set(items.values_list("name", flat=True))  # the components exist in the world
    guild = models.Faction.objects.get(world=world)
    assert guild.ranks.count() >= 3 and guild.memberships.count() >= 2


def test_check_world_finds_nothing_in_the_demo(capsys):
    call_command("seed_world")
    call_command("check_world", "demo")
    assert "no problems found" in capsys.readouterr().out


def test_check_world_unknown_slug():
    with pytest.raises(CommandError, match="no world 'nowhere'"):
        call_command("check_world", "nowhere")


@pytest.fixture
def broken_world(tiny_world):
    t = tiny_world
    w = t.world
    t.door_back.delete()  # the kitchen door has no way back
    attic = factories.RoomFactory(world=w, key="attic")
    models.Exit.objects.create(world=w, source=t.hall, destination=attic, name="stairs up", kind="stairs_up")
    models.Exit.objects.filter(pk=t.door_out.pk).update(
        is_locked=True, lock_allow_ids=[99999], lock_allow_relationships=[{"type": "friend"}]
    )
    models.Exit.objects.create(world=w, source=attic, destination=attic, name="loop", lock_allow_ids=[t.npc.pk])
    models.World.objects.filter(pk=w.pk).update(time_descriptions={"25": "never"})
    models.Character.objects.filter(pk=t.player.pk).update(room=None)
    models.Character.objects.filter(pk=t.npc.pk).update(sheet={"matrix": {"rage_terror": 50}}, hp=20, max_hp=10)
    factories.ItemTemplateFactory(world=w, key="soup", name="Soup", tags=["Edible: lots"], deconstruct_recipe=["bowl"])
    factories.ItemTemplateFactory(world=w, key="anvil", name="Anvil", tags=["craft spot:unicorn"],
                                  crafting_recipe=["Moonbeam"], loot_hint="Nowhere Chest")  # fmt: skip
    rock = factories.ItemFactory(world=w, room=t.hall, name="rock", carry="fixed")
    factories.ItemFactory(world=w, room=None, container=rock, container_slot=0, name="pebble")
    models.Character.objects.filter(pk=t.npc.pk).update(home_bed=rock)
    guild = factories.FactionFactory(world=w, leader=t.npc)
    return {"world": w, "guild": guild}


EXPECTED_GROUPS = {
    "world", "doors", "stairs", "locks", "characters", "sheets", "tags", "crafting", "loot", "containers", "factions",
}  # fmt: skip


def test_broken_world_gets_every_problem_reported(broken_world):
    problems = world_problems(models.World.objects.get(pk=broken_world["world"].pk))
    assert {p.group for p in problems} == EXPECTED_GROUPS
    text = "\n".join(map(str, problems))
    for fragment in [
        "hour '25'",
        "'kitchen door' in hall leads to kitchen, which has no door back",
        "whose stairs down do not lead back",
        "allows character 99999",
        "malformed relationship rule",
        "has an allow list but is not locked",
        "leads back into the same room",
        "Player Alice is in no room",
        "matrix.rage_terror: must be between -10 and 10",
        "more than max_hp",
        "is not a bed they own",
        "'Edible: lots' needs a number",
        "'craft spot:unicorn' names no template",
        "recipe component 'Moonbeam'",
        "deconstructs into 'bowl'",
        "loot hint 'Nowhere Chest'",
        "which is no container",
        "is not a member",
    ]:
        assert fragment in text


def test_check_world_command_exits_non_zero_on_problems(broken_world, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("check_world", broken_world["world"].slug)
    assert exc.value.code == 1
    out = capsys.readouterr()
    assert "[doors]" in out.out and "problem(s) found" in out.err
