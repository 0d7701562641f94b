"""The play path's hand-written SQL (world/play_sql.py, accounts' token_get) answers exactly what the ORM
queries it replaced answer, on the database under test. The ORM queries live here, as the reference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import tokens
from tests import factories
from world.games.models import Mission, MissionObjective, MissionStatus, Offer, OfferStatus
from world.games.selectors import OPEN_OBJECTIVES_FLAG, PENDING_OFFERS_FLAG, character_game_flags
from world.models import Character, Exit, Item, WorldKick
from world.play_sql import (
    caller_character,
    exits_from,
    look_rows,
    looker_by_token,
    people_in,
    players_by_room,
    present_in,
)
from world.selectors import last_token_use

pytestmark = pytest.mark.django_db


def orm_caller(*, user_id, world_slug):
    kicked_at = WorldKick.objects.filter(world=OuterRef("world"), user=OuterRef("account")).values("kicked_at")[:1]
    return (
        Character.objects.select_related("world", "room")
        .annotate(**character_game_flags())
        .annotate(kicked_at=Subquery(kicked_at))
        .filter(world__slug=world_slug, account_id=user_id)
        .first()
    )


def orm_look_rows(*, room_id, viewer_id):
    exits = [
        {"name": e["name"], "kind": e["kind"], "locked": e["is_locked"], "destination": e["to_name"] or e["to_key"]}
        for e in Exit.objects.filter(source_id=room_id)
        .order_by("name", "id")
        .values("name", "kind", "is_locked", to_name=F("destination__name"), to_key=F("destination__key"))
    ]
    characters = list(
        Character.objects.filter(room_id=room_id)
        .exclude(pk=viewer_id)
        .exclude(is_npc=True, is_dead=True)
        .annotate(last_seen=Subquery(last_token_use))
        .order_by("is_npc", "name")
        .values("name", "is_npc", "is_dead", "last_seen")
    )
    items = [
        {"name": name, "carry": carry, "tags": tags, "owner": owner}
        for name, carry, tags, owner in Item.objects.filter(room_id=room_id)
        .order_by("name", "id")
        .values_list("name", "carry", "tags", "owner__name")
    ]
    return exits, characters, items


def orm_token(raw):
    now = timezone.now()
    cutoff = now - tokens.token_lifetime()
    if tokens.token_expiry_kind() == "fixed":
        alive = Q(created_at__gt=cutoff)
    else:
        alive = Q(last_used_at__gt=cutoff) | Q(last_used_at=None, created_at__gt=cutoff)
    return (
        ApiToken.objects.select_related("user")
        .filter(alive, key_hash=tokens.token_digest(raw), revoked_at=None, user__is_active=True)
        .first()
    )


def field_values(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def busy_room(db):
    """A room with everything a look shows: locked and open exits (one to a room without a name),
    players with used, unused and revoked tokens, live and dead NPCs, owned items with tags."""
    world = factories.make_world(slug="sql", time_descriptions={"3": "Night."}, game_time_ticks=27)
    hall = factories.make_room(world=world, key="hall", name="Hall", tags=["external", "lit"])
    cellar = factories.make_room(world=world, key="cellar", name="")
    factories.make_exit(source=hall, destination=cellar, name="trapdoor", is_locked=True)
    factories.make_exit(source=hall, destination=world.start_room, name="arch")
    me = factories.make_player(world=world, room=hall, name="Me", sheet={"notes": ["a"], "n": 2**40})
    seen = factories.make_player(world=world, room=hall, name="Seen")
    tokens.token_issue(user=seen.account)
    # Its last activity is its newest live token's: not an older one's, nor a revoked newer one's.
    tokens.token_issue(user=seen.account)
    tokens.token_revoke(raw=tokens.token_issue(user=seen.account))
    first, newest_live, revoked_newer = ApiToken.objects.filter(user=seen.account).order_by("id")
    for token, hours_ago in ((first, 3), (newest_live, 1), (revoked_newer, 0)):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(hours=hours_ago))
    revoked = factories.make_player(world=world, room=hall, name="Revoked")
    tokens.token_revoke(raw=tokens.token_issue(user=revoked.account))
    factories.make_player(world=world, room=hall, name="Never")
    factories.make_npc(world=world, room=hall, name="Ghost", is_dead=True)
    factories.make_npc(world=world, room=hall, name="Cook")
    factories.make_player(world=world, room=hall, name="Fallen", is_dead=True)
    factories.make_item(world=world, room=hall, name="bread", tags=["food", {"k": 1}], owner=me)
    factories.make_item(world=world, room=hall, name="anvil", carry="fixed")
    factories.make_item(world=world, room=hall, name="bread", tags=[])
    mission = Mission.objects.create(
        world=world, title="m", assignee=me, status=MissionStatus.ACTIVE, created_at=timezone.now()
    )
    MissionObjective.objects.create(mission=mission, position=1, kind="visit", description="go", target_room=cellar)
    Offer.objects.create(
        world=world, proposer=me, recipient=seen, room=hall, status=OfferStatus.PENDING,
        expires_at=timezone.now() + dt.timedelta(minutes=5),
    )  # fmt: skip
    WorldKick.objects.create(world=world, user=me.account, kicked_at=timezone.now() - dt.timedelta(days=1))
    return world, hall, me


def test_the_caller_is_read_as_the_orm_reads_it(busy_room):
    world, _, me = busy_room
    raw = caller_character(user_id=me.account_id, world_slug=world.slug)
    orm = orm_caller(user_id=me.account_id, world_slug=world.slug)
    assert field_values(raw) == field_values(orm)
    assert field_values(raw.world) == field_values(orm.world)
    assert field_values(raw.room) == field_values(orm.room)
    for flag in (PENDING_OFFERS_FLAG, OPEN_OBJECTIVES_FLAG, "kicked_at"):
        assert getattr(raw, flag) == getattr(orm, flag), flag
    assert raw.kicked_at is not None and getattr(raw, PENDING_OFFERS_FLAG) and getattr(raw, OPEN_OBJECTIVES_FLAG)


def test_a_caller_nowhere_and_a_stranger(busy_room):
    world, _, me = busy_room
    Character.objects.filter(pk=me.pk).update(room=None)
    raw = caller_character(user_id=me.account_id, world_slug=world.slug)
    assert raw.room is None and raw.room_id is None
    assert field_values(raw) == field_values(orm_caller(user_id=me.account_id, world_slug=world.slug))
    stranger = factories.make_user()
    assert caller_character(user_id=stranger.pk, world_slug=world.slug) is None
    assert caller_character(user_id=me.account_id, world_slug="elsewhere") is None


def test_the_look_rows_are_the_orm_rows(busy_room):
    _, hall, me = busy_room
    exits, characters, items = look_rows(room_id=hall.pk, viewer_id=me.pk)
    assert (exits, characters, items) == orm_look_rows(room_id=hall.pk, viewer_id=me.pk)
    assert [c["name"] for c in characters] == ["Fallen", "Never", "Revoked", "Seen", "Cook"]
    seen_tokens = ApiToken.objects.filter(user__characters__name="Seen").order_by("id")
    assert next(c for c in characters if c["name"] == "Seen")["last_seen"] == seen_tokens[1].last_used_at
    assert [e["destination"] for e in exits] == ["Start", "cellar"]


@pytest.mark.parametrize("expiry", ["sliding", "fixed"])
def test_token_get_finds_what_the_orm_finds(settings, expiry):
    settings.MUDSITE_TOKEN_EXPIRY = expiry
    settings.MUDSITE_TOKEN_LIFETIME_SECONDS = 3600
    live, revoked, old, inactive = (factories.make_user() for _ in range(4))
    raws = {name: tokens.token_issue(user=user) for name, user in
            {"live": live, "revoked": revoked, "old": old, "inactive": inactive}.items()}  # fmt: skip
    tokens.token_revoke(raw=raws["revoked"])
    long_ago = timezone.now() - dt.timedelta(hours=2)
    ApiToken.objects.filter(user=old).update(created_at=long_ago, last_used_at=long_ago)
    inactive.is_active = False
    inactive.save()
    for name, raw in [*raws.items(), ("unknown", "not-a-token")]:
        expected = orm_token(raw)
        found = tokens.token_get(raw=raw)
        assert (found is None) == (expected is None), name
        if found is not None:
            assert (found.pk, found.created_at, found.user.pk, found.user.username) == (
                expected.pk, expected.created_at, expected.user.pk, expected.user.username
            )  # fmt: skip
            assert found.user.check_password("x") == expected.user.check_password("x")  # deferred fields load
    assert tokens.token_get(raw=raws["live"]) is not None


@pytest.mark.parametrize("expiry", ["sliding", "fixed"])
def test_a_looker_by_token_is_the_token_then_the_caller(busy_room, settings, expiry):
    """One statement for what `token_get` and then `caller_character` read: the same token, user,
    character, world, room and kick, refused in the same cases."""
    settings.MUDSITE_TOKEN_EXPIRY = expiry
    settings.MUDSITE_TOKEN_LIFETIME_SECONDS = 3600
    world, _, me = busy_room
    raw = tokens.token_issue(user=me.account)
    token, character = looker_by_token(raw=raw, world_slug=world.slug)
    expected_token, expected = orm_token(raw), orm_caller(user_id=me.account_id, world_slug=world.slug)
    assert (token.pk, token.created_at, token.user.pk, token.user.username) == (
        expected_token.pk, expected_token.created_at, expected_token.user.pk, expected_token.user.username
    )  # fmt: skip
    assert field_values(character) == field_values(expected)  # the columns not read load on first access
    assert field_values(character.world) == field_values(expected.world)
    assert field_values(character.room) == field_values(expected.room)
    assert character.kicked_at == expected.kicked_at is not None

    assert looker_by_token(raw=raw, world_slug="elsewhere") is None
    assert looker_by_token(raw="not-a-token", world_slug=world.slug) is None
    stranger_raw = tokens.token_issue(user=factories.make_user())
    assert looker_by_token(raw=stranger_raw, world_slug=world.slug) is None
    long_ago = timezone.now() - dt.timedelta(hours=2)
    ApiToken.objects.filter(key_hash=tokens.token_digest(raw)).update(created_at=long_ago, last_used_at=long_ago)
    assert looker_by_token(raw=raw, world_slug=world.slug) is None  # expired, of either kind
    live = tokens.token_issue(user=me.account)
    me.account.is_active = False
    me.account.save()
    assert looker_by_token(raw=live, world_slug=world.slug) is None
    me.account.is_active = True
    me.account.save()
    tokens.token_revoke(raw=live)
    assert looker_by_token(raw=live, world_slug=world.slug) is None


def test_a_looker_nowhere_has_no_room_and_a_stale_token_use_is_recorded(busy_room, settings):
    settings.MUDSITE_TOKEN_TOUCH_SECONDS = 60
    world, _, me = busy_room
    raw = tokens.token_issue(user=me.account)
    stale = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(key_hash=tokens.token_digest(raw)).update(last_used_at=stale)
    Character.objects.filter(pk=me.pk).update(room=None)
    token, character = looker_by_token(raw=raw, world_slug=world.slug)
    assert character.room is None and character.room_id is None
    assert ApiToken.objects.get(pk=token.pk).last_used_at > stale


def test_exits_people_and_players_by_room_are_the_orm_answers(busy_room):
    world, hall, me = busy_room
    raw_exits = exits_from(room_id=hall.pk)
    orm_exits = list(Exit.objects.filter(source=hall).select_related("destination").order_by("name", "id"))
    assert [field_values(e) for e in raw_exits] == [field_values(e) for e in orm_exits]
    assert [field_values(e.destination) for e in raw_exits] == [field_values(e.destination) for e in orm_exits]
    orm_people = list(
        Character.objects.filter(room=hall)
        .exclude(pk=me.pk)
        .exclude(is_npc=True, is_dead=True)
        .order_by("is_npc", "name")
    )
    raw_people = people_in(room_id=hall.pk, excluding=me.pk)
    assert [field_values(c) for c in raw_people] == [field_values(c) for c in orm_people]  # deferred fields load
    assert len(people_in(room_id=hall.pk)) == len(orm_people) + 1
    rooms = [hall.pk, world.start_room_id]
    expected: dict[int, list[int]] = {}
    for pk, room_id in Character.objects.filter(room_id__in=rooms, is_npc=False).values_list("id", "room_id"):
        expected.setdefault(room_id, []).append(pk)
    assert {k: sorted(v) for k, v in players_by_room(room_ids=rooms).items()} == {
        k: sorted(v) for k, v in expected.items()
    }


def test_who_is_present_for_speech_is_the_orm_answer_as_plain_rows(busy_room):
    _, hall, _ = busy_room
    orm = Character.objects.filter(room=hall).exclude(is_npc=True, is_dead=True).order_by("is_npc", "name")
    rows = present_in(room_id=hall.pk)
    assert [tuple(row) for row in rows] == [(c.pk, c.name, c.is_npc, c.description) for c in orm]
    assert all(type(row.is_npc) is bool for row in rows)
