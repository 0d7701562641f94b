"""Factions: names, membership (join / leave), ranks and TinyMUD's hierarchy predicates, allies and rivals,
pinned below HTTP (world/services/factions.py)."""

from __future__ import annotations

import pytest

from tests.factories import make_npc, make_room
from world.exceptions import Conflict, Forbidden, Invalid, NotFound
from world.models import Character, Faction, FactionMembership, FactionRank, FactionStance, World
from world.services import factions as svc


@pytest.fixture
def guild(world: World) -> Faction:
    return svc.faction_create(world=world, name="Night Watch", leadership_threshold=5)


@pytest.fixture
def ranks(guild: Faction) -> dict[str, FactionRank]:
    levels = {"recruit": 1, "soldier": 2, "sergeant": 5, "captain": 8, "commander": 10}
    return {name: svc.rank_create(faction=guild, name=name.title(), level=level) for name, level in levels.items()}


def _member(guild: Faction, name: str, rank: FactionRank | None = None) -> Character:
    character = make_npc(world=guild.world, name=name)
    svc.member_add(faction=guild, character=character, rank=rank)
    return character


def _level(guild: Faction, character: Character) -> int:
    return svc.member_level(svc.membership_get(faction=guild, character=character))


# ---------------------------------------------------------------------------------------------- names


def test_faction_names_are_unique_per_world_case_insensitively(world: World, guild: Faction) -> None:
    with pytest.raises(Conflict):
        svc.faction_create(world=world, name="  night   WATCH ")
    other = svc.faction_create(world=world, name="Day Watch")
    with pytest.raises(Conflict):
        svc.faction_update(faction=other, name="NIGHT WATCH")
    assert svc.faction_update(faction=guild, name="night watch").name == "night watch"  # its own name, recased


def test_rank_names_are_unique_per_faction(world: World, guild: Faction, ranks: dict[str, FactionRank]) -> None:
    with pytest.raises(Conflict):
        svc.rank_create(faction=guild, name="RECRUIT", level=3)
    other = svc.faction_create(world=world, name="Day Watch")
    assert svc.rank_create(faction=other, name="Recruit", level=1).faction == other


@pytest.mark.parametrize("level", [-1001, 1001])
def test_rank_levels_stay_in_range(guild: Faction, level: int) -> None:
    with pytest.raises(Invalid):
        svc.rank_create(faction=guild, name="Odd", level=level)


def test_the_leadership_threshold_stays_in_range(world: World) -> None:
    with pytest.raises(Invalid):
        svc.faction_create(world=world, name="Mob", leadership_threshold=1001)


# ---------------------------------------------------------------------------------------------- join / leave


def test_a_character_joins_a_faction_once(guild: Faction) -> None:
    scout = _member(guild, "Scout")
    with pytest.raises(Conflict):
        svc.member_add(faction=guild, character=scout)
    assert guild.memberships.count() == 1
    assert _level(guild, scout) == 0  # no rank is level 0


def test_leaving_ends_the_membership_and_the_leadership(guild: Faction, ranks: dict[str, FactionRank]) -> None:
    chief = _member(guild, "Chief", ranks["commander"])
    svc.faction_update(faction=guild, leader=chief)
    svc.member_remove(faction=guild, character=chief)
    guild.refresh_from_db()
    assert guild.leader is None
    assert not FactionMembership.objects.filter(character=chief).exists()
    with pytest.raises(NotFound):
        svc.member_remove(faction=guild, character=chief)


def test_only_a_member_can_lead(guild: Faction) -> None:
    outsider = make_npc(world=guild.world, name="Outsider")
    with pytest.raises(Invalid):
        svc.faction_update(faction=guild, leader=outsider)


def test_below_the_threshold_a_member_may_not_induct(guild: Faction, ranks: dict[str, FactionRank]) -> None:
    soldier = _member(guild, "Soldier", ranks["soldier"])
    with pytest.raises(Forbidden):
        svc.member_add(faction=guild, character=make_npc(world=guild.world, name="Newcomer"), actor=soldier)


def test_at_the_threshold_a_member_inducts_below_their_own_rank(guild: Faction, ranks: dict[str, FactionRank]) -> None:
    sergeant = _member(guild, "Sergeant", ranks["sergeant"])  # level 5 == threshold
    with pytest.raises(Forbidden):
        svc.member_add(
            faction=guild, character=make_npc(world=guild.world, name="Equal"), rank=ranks["sergeant"], actor=sergeant
        )
    recruit = make_npc(world=guild.world, name="Recruit")
    svc.member_add(faction=guild, character=recruit, rank=ranks["recruit"], actor=sergeant)
    assert _level(guild, recruit) == 1


def test_the_leader_inducts_at_any_rank(guild: Faction, ranks: dict[str, FactionRank]) -> None:
    chief = _member(guild, "Chief")  # unranked, level 0, but the leader
    svc.faction_update(faction=guild, leader=chief)
    deputy = make_npc(world=guild.world, name="Deputy")
    svc.member_add(faction=guild, character=deputy, rank=ranks["commander"], actor=chief)
    assert _level(guild, deputy) == 10


def test_an_outsider_cannot_act_for_the_faction(guild: Faction) -> None:
    outsider = make_npc(world=guild.world, name="Outsider")
    with pytest.raises(NotFound):
        svc.member_add(faction=guild, character=make_npc(world=guild.world, name="Friend"), actor=outsider)


# ---------------------------------------------------------------------------------------------- ranks


def test_promotion_goes_up_and_stays_below_the_actor(guild: Faction, ranks: dict[str, FactionRank]) -> None:
    captain = _member(guild, "Captain", ranks["captain"])
    private = _member(guild, "Private", ranks["recruit"])
    with pytest.raises(Invalid):  # not a promotion at all
        svc.member_promote(faction=guild, character=private, rank=ranks["recruit"], actor=captain)
    with pytest.raises(Forbidden):  # above the actor's own level
        svc.member_promote(faction=guild, character=private, rank=ranks["commander"], actor=captain)
    with pytest.raises(Forbidden):  # to the actor's own level
        svc.member_promote(faction=guild, character=private, rank=ranks["captain"], actor=captain)
    svc.member_promote(faction=guild, character=private, rank=ranks["sergeant"], actor=captain)
    assert _level(guild, private) == 5


def test_demotion_goes_down_by_someone_at_least_as_high(guild: Faction, ranks: dict[str, FactionRank]) -> None:
    sergeant = _member(guild, "Sergeant", ranks["sergeant"])
    captain = _member(guild, "Captain", ranks["captain"])
    with pytest.raises(Forbidden):  # the target outranks the actor
        svc.member_demote(faction=guild, character=captain, rank=ranks["recruit"], actor=sergeant)
    with pytest.raises(Invalid):  # not a demotion
        svc.member_demote(faction=guild, character=sergeant, rank=ranks["commander"], actor=captain)
    svc.member_demote(faction=guild, character=sergeant, rank=ranks["soldier"], actor=captain)
    assert _level(guild, sergeant) == 2


def test_builder_authority_skips_the_hierarchy_but_not_the_direction(
    guild: Faction, ranks: dict[str, FactionRank]
) -> None:
    private = _member(guild, "Private", ranks["recruit"])
    svc.member_promote(faction=guild, character=private, rank=ranks["commander"])  # no actor: a builder
    assert _level(guild, private) == 10
    with pytest.raises(Invalid):
        svc.member_promote(faction=guild, character=private, rank=ranks["captain"])


def test_deleting_a_rank_unranks_its_holders(guild: Faction, ranks: dict[str, FactionRank]) -> None:
    holders = [_member(guild, name, ranks["soldier"]) for name in ("Ann", "Ben")]
    assert svc.rank_delete(rank=ranks["soldier"]) == 2
    assert [_level(guild, h) for h in holders] == [0, 0]


# ---------------------------------------------------------------------------------------------- allies / rivals


def test_alliance_is_symmetric_and_exclusive_with_rivalry(world: World, guild: Faction) -> None:
    thieves = svc.faction_create(world=world, name="Thieves")
    svc.faction_link_set(faction=thieves, other=guild, stance=FactionStance.ALLY)
    assert svc.faction_links(faction=guild)[FactionStance.ALLY] == ["Thieves"]
    assert svc.faction_links(faction=thieves)[FactionStance.ALLY] == ["Night Watch"]
    with pytest.raises(Conflict):
        svc.faction_link_set(faction=guild, other=thieves, stance=FactionStance.ALLY)
    with pytest.raises(Conflict):
        svc.faction_link_set(faction=guild, other=thieves, stance=FactionStance.RIVAL)
    with pytest.raises(NotFound):
        svc.faction_link_remove(faction=guild, other=thieves, stance=FactionStance.RIVAL)
    svc.faction_link_remove(faction=guild, other=thieves, stance=FactionStance.ALLY)
    svc.faction_link_set(faction=guild, other=thieves, stance=FactionStance.RIVAL)
    assert svc.faction_links(faction=thieves) == {FactionStance.ALLY: [], FactionStance.RIVAL: ["Night Watch"]}


def test_a_faction_is_never_its_own_ally(guild: Faction) -> None:
    with pytest.raises(Invalid):
        svc.faction_link_set(faction=guild, other=guild, stance=FactionStance.ALLY)


def test_deleting_a_faction_frees_what_it_owned(world: World, guild: Faction) -> None:
    hall = make_room(world=world, key="hall")
    hall.faction = guild
    hall.save()
    _member(guild, "Member")
    svc.faction_delete(faction=guild)
    hall.refresh_from_db()
    assert hall.faction is None
    assert not FactionMembership.objects.exists()
