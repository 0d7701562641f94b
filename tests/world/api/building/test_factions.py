"""Factions: CRUD, members, ranks, promote/demote with TinyMUD's rules enforced, roles, allies and rivals."""

from __future__ import annotations

import pytest

from tests import factories
from world import models
from world.services.factions import can_demote, can_promote

pytestmark = pytest.mark.django_db


@pytest.fixture
def guard(build, tiny_world):
    """The City Guard: ranks Recruit 1 / Sergeant 3 / Captain 5 / Commander 10, members at each rank."""
    assert build.post("factions", {"name": "City Guard", "description": "Keeps the peace."}).status == 201
    for name, level in (("Recruit", 1), ("Sergeant", 3), ("Captain", 5), ("Commander", 10)):
        assert build.post("factions/city guard/ranks", {"name": name, "level": level}).status == 201
    for member, rank in (("Cmdr", "Commander"), ("Capt", "Captain"), ("Sarge", "Sergeant"), ("Rook", "Recruit")):
        factories.NpcFactory(world=tiny_world.world, room=tiny_world.hall, name=member)
        assert build.post("factions/City Guard/members", {"character": member, "rank": rank}).status == 201
    return "factions/City Guard"


def test_crud(build, tiny_world):
    created = build.post("factions", {"name": "Merchants", "description": "Coin first."})
    assert created.status == 201
    assert created.body["faction"]["leadership_threshold"] == 5
    assert build.post("factions", {"name": "MERCHANTS"}).status == 409
    assert [f["name"] for f in build.get("factions").body] == ["Merchants"]
    assert build.get("factions/merch").body["description"] == "Coin first."  # fuzzy, like TinyMUD
    renamed = build.patch("factions/Merchants", {"name": "Guild", "leadership_threshold": 3})
    assert renamed.body["faction"]["name"] == "Guild"
    assert build.delete("factions/Guild").status == 200
    assert build.get("factions/Guild").status == 404


def test_members_ranks_roles_and_leader(build, guard, tiny_world):
    faction = build.get(guard).body
    assert [(m["name"], m["level"]) for m in faction["members"]] == [
        ("Capt", 5),
        ("Cmdr", 10),
        ("Rook", 1),
        ("Sarge", 3),
    ]
    assert build.post(f"{guard}/members", {"character": "Rook"}).status == 409
    assert build.patch(guard, {"leader": "Alice"}).status == 422  # the leader must be a member
    assert build.patch(guard, {"leader": "Cmdr"}).body["faction"]["leader"] == "Cmdr"
    assert build.patch(f"{guard}/members/Rook", {"rank": "Captain"}).status == 200  # setrank: builder authority
    assert build.patch(f"{guard}/members/Rook", {"rank": ""}).body["faction"]["members"][2]["rank"] is None
    removed = build.delete(f"{guard}/members/Cmdr")
    assert removed.body["faction"]["leader"] is None
    assert "Cmdr" not in [m["name"] for m in removed.body["faction"]["members"]]


def test_rank_edit_and_delete_unranks_holders(build, guard):
    assert build.post(f"{guard}/ranks", {"name": "recruit", "level": 2}).status == 409
    assert build.patch(f"{guard}/ranks/Recruit", {"level": 0}).body["faction"]["ranks"][0] == {
        "name": "Recruit",
        "level": 0,
    }
    gone = build.delete(f"{guard}/ranks/Sergeant")
    assert "1 member(s) unranked" in gone.message
    sarge = next(m for m in gone.body["faction"]["members"] if m["name"] == "Sarge")
    assert (sarge["rank"], sarge["level"]) == (None, 0)


@pytest.mark.parametrize(
    ("actor", "target", "new", "allowed"),
    [
        (10, 3, 5, True),  # actor > new > target
        (5, 3, 5, False),  # new must stay below the actor
        (5, 5, 10, False),  # actor must outrank the target
        (3, 1, 3, False),
        (10, 1, 3, True),
    ],
)
def test_can_promote_rule(actor, target, new, allowed):
    assert can_promote(actor_level=actor, target_level=target, new_level=new) is allowed


@pytest.mark.parametrize(
    ("actor", "target", "new", "allowed"),
    [(10, 5, 3, True), (5, 5, 1, True), (3, 5, 1, False), (10, 3, 3, False), (10, 3, 5, False)],
)
def test_can_demote_rule(actor, target, new, allowed):
    assert can_demote(actor_level=actor, target_level=target, new_level=new) is allowed


def test_promote_as_a_member_follows_the_rules(build, guard):
    ok = build.post(f"{guard}/members/Rook/promote", {"rank": "Sergeant", "as_member": "Capt"})
    assert ok.status == 200, ok.body
    denied = build.post(f"{guard}/members/Sarge/promote", {"rank": "Captain", "as_member": "Capt"})
    assert denied.status == 403  # a Captain cannot make another Captain
    assert denied.body["details"] == {"actor_level": 5, "target_level": 3, "new_level": 5}
    assert build.post(f"{guard}/members/Sarge/promote", {"rank": "Captain", "as_member": "Cmdr"}).status == 200
    assert build.post(f"{guard}/members/Sarge/promote", {"rank": "Recruit"}).status == 422  # not a promotion
    assert build.post(f"{guard}/members/Rook/promote", {"rank": "Commander", "as_member": "Alice"}).status == 404


def test_demote_as_a_member_follows_the_rules(build, guard):
    assert build.post(f"{guard}/members/Capt/demote", {"rank": "Recruit", "as_member": "Sarge"}).status == 403
    assert build.post(f"{guard}/members/Capt/demote", {"rank": "Recruit", "as_member": "Capt"}).status == 200
    assert build.post(f"{guard}/members/Sarge/demote", {"rank": "Captain"}).status == 422  # not a demotion


def test_staff_and_builders_bypass_the_rules(build, guard):
    assert build.post(f"{guard}/members/Rook/promote", {"rank": "Commander"}).status == 200
    assert build.post(f"{guard}/members/Cmdr/demote", {"rank": "Recruit"}).status == 200


def test_induct_needs_the_leader_or_the_threshold(build, guard, tiny_world):
    denied = build.post(f"{guard}/members", {"character": "Alice", "rank": "Recruit", "as_member": "Sarge"})
    assert denied.status == 403
    assert build.post(f"{guard}/members", {"character": "Alice", "rank": "Recruit", "as_member": "Capt"}).status == 201
    build.delete(f"{guard}/members/Alice")
    build.patch(guard, {"leader": "Rook"})
    assert build.post(f"{guard}/members", {"character": "Alice", "as_member": "Rook"}).status == 201  # the leader
    factories.NpcFactory(world=tiny_world.world, name="Newbie")
    too_high = build.post(f"{guard}/members", {"character": "Newbie", "rank": "Commander", "as_member": "Capt"})
    assert too_high.status == 403  # nobody inducts above their own rank


def test_roles_with_validated_contracts(build, guard, tiny_world):
    quarry = {"resource_tag": "stone", "amount": 3, "reward_rep": 5, "reward_currency": 10}
    made = build.post(
        f"{guard}/roles",
        {"key": "quarrier", "name": "Quarrier", "contract_type": "resource_contribution", "contract_config": quarry},
    )
    assert made.status == 201, made.body
    patrol = build.post(
        f"{guard}/roles",
        {"key": "watch", "name": "Watch", "contract_type": "patrol", "contract_config": {"rooms": ["HALL", "kitchen"]}},
    )
    assert patrol.status == 201, patrol.body
    watch = next(r for r in patrol.body["faction"]["roles"] if r["key"] == "watch")
    assert watch["contract_config"] == {"rooms": ["hall", "kitchen"], "reward_rep": 5, "reward_currency": 10}
    assigned = build.patch(f"{guard}/members/Rook", {"role": "watch"})
    assert next(m for m in assigned.body["faction"]["members"] if m["name"] == "Rook")["role"] == "watch"
    assert build.patch(f"{guard}/roles/watch", {"contract_config": {"rooms": ["hall"]}}).status == 200
    removed = build.delete(f"{guard}/roles/watch")
    assert "1 member(s) lose it" in removed.message


@pytest.mark.parametrize(
    ("contract_type", "config"),
    [
        ("resource_contribution", {"resource_tag": "stone", "amount": 0}),
        ("resource_contribution", {"resource_tag": "", "amount": 2}),
        ("resource_contribution", {"resource_tag": "stone", "amount": "2"}),
        ("resource_contribution", {"resource_tag": "stone", "amount": 2, "reward_currency": -1}),
        ("resource_contribution", {"amount": 2}),
        ("patrol", {"rooms": ["hall", "atlantis"]}),
        ("patrol", {"rooms": []}),
        ("patrol", {"rooms": ["hall"], "bonus": 1}),
        ("none", {"rooms": ["hall"]}),
    ],
)
def test_bad_contracts_are_refused(build, guard, contract_type, config):
    body = {"key": "r", "name": "R", "contract_type": contract_type, "contract_config": config}
    assert build.post(f"{guard}/roles", body).status == 422


def test_allies_and_rivals_are_symmetric_exclusive_and_never_self(build, guard):
    build.post("factions", {"name": "Thieves"})
    build.post("factions", {"name": "Merchants"})
    assert build.post(f"{guard}/allies", {"faction": "Merchants"}).status == 200
    assert build.get("factions/Merchants").body["allies"] == ["City Guard"]  # both sides see it
    assert build.post("factions/Merchants/allies", {"faction": "City Guard"}).status == 409
    assert build.post("factions/Merchants/rivals", {"faction": "City Guard"}).status == 409  # never both
    assert build.post(f"{guard}/rivals", {"faction": "Thieves"}).status == 200
    assert build.post(f"{guard}/allies", {"faction": "city guard"}).status == 422
    faction = build.get(guard).body
    assert (faction["allies"], faction["rivals"]) == (["Merchants"], ["Thieves"])
    assert build.delete("factions/Thieves/rivals/City Guard").status == 200
    assert build.delete("factions/Thieves/rivals/City Guard").status == 404
    assert build.delete("factions/Merchants").status == 200
    assert build.get(guard).body["allies"] == []
    assert models.FactionLink.objects.count() == 0


def test_changes_to_rows_without_a_world_column_still_request_a_save(build, guard, tiny_world, monkeypatch):
    saved = []
    monkeypatch.setattr("persistence.facade.save_world", lambda world, *, debounced=True: saved.append(world.slug))
    build.post(f"{guard}/ranks", {"name": "Mid", "level": 3})
    build.post(f"{guard}/members/Rook/promote", {"rank": "Mid"})
    build.post(f"{guard}/roles", {"key": "cook", "name": "Cook"})
    build.post(f"{guard}/rivals", {"faction": "Thieves"})  # refused: no such faction, nothing to save
    assert saved == ["tiny"] * 3
