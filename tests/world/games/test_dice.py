"""Dice: TinyMUD's grammar, explosions only when written, hard limits, room events."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from world.exceptions import Invalid
from world.services import dice
from world.services.dice import dice_evaluate


def test_dice_explode_only_when_written():
    # TinyMUD exploded every die on its max face: 1d6 could total 23.
    rng = random.Random(7)
    assert all(1 <= dice_evaluate("1d6", rng=rng).total <= 6 for _ in range(2000))


def test_explosion_adds_rolls_and_is_bounded():
    result = dice_evaluate("1d2!", rng=random.Random(3))
    assert result.maximum == 2 * (1 + dice.MAX_EXPLOSIONS)
    die = result.terms[0]["dice"][0]
    assert die["value"] == sum(die["rolls"])


@pytest.mark.parametrize(
    "expression",
    [
        "1d1!",
        "999999d999999",
        "1d1001",
        "101d6",
        "d0",
        "0d6",
        "2d20adv",
        "1d6kh2",
        "4d6dl4",
        "abc",
        "1d6!!",
        "",
        "1d6!7",
    ],
)
def test_bad_expressions_are_refused(expression):
    with pytest.raises(Invalid):
        dice_evaluate(expression)


def test_keep_highest_and_advantage():
    result = dice_evaluate("4d6kh3", rng=random.Random(1))
    kept = [d for d in result.terms[0]["dice"] if d["kept"]]
    assert len(kept) == 3 and result.total == sum(d["value"] for d in kept)
    adv = dice_evaluate("1d20adv", rng=random.Random(2)).terms[0]["dice"]
    assert len(adv) == 2 and max(adv, key=lambda d: d["value"])["kept"]


def test_fate_percent_reroll_and_constants():
    assert -4 <= dice_evaluate("4dF", rng=random.Random(1)).total <= 4
    assert 1 <= dice_evaluate("d%", rng=random.Random(1)).total <= 100
    result = dice_evaluate("10 - 2d4 + 3", rng=random.Random(5))
    assert (result.minimum, result.maximum) == (5, 11)
    rerolled = dice_evaluate("20d6r1", rng=random.Random(9)).terms[0]["dice"]
    assert all(len(d["rolls"]) == 2 for d in rerolled if d["rolls"][0] == 1)


TERM = st.builds(
    lambda n, sides, mod: f"{n}d{sides}{mod}",
    st.integers(1, 10),
    st.sampled_from(["2", "4", "6", "20", "%", "F"]),
    st.sampled_from(["", "!", "kh1", "dl1", "r1", "!r1"]),
)


@settings(max_examples=200, deadline=None)
@given(
    terms=st.lists(st.tuples(st.sampled_from("+-"), TERM | st.integers(0, 50).map(str)), min_size=1, max_size=5),
    seed=st.integers(0, 2**32),
)
def test_totals_stay_within_bounds(terms, seed):
    text = "".join(sign + term for sign, term in terms).lstrip("+")
    try:
        result = dice_evaluate(text, rng=random.Random(seed))
    except Invalid:
        return  # e.g. dl1 on a single die, !/r on dF: refused before rolling
    assert result.minimum <= result.total <= result.maximum
    for term in result.terms:
        for die in term["dice"]:
            assert len(die["rolls"]) <= 2 + dice.MAX_EXPLOSIONS


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="0123456789d%fkhldrasv!+- ", max_size=60))
def test_any_text_is_a_result_or_a_422(text):
    try:
        result = dice_evaluate(text, rng=random.Random(0))
    except Invalid:
        return
    assert result.minimum <= result.total <= result.maximum


@pytest.mark.django_db
def test_public_roll_is_a_room_event_private_is_not(tiny_world, alice, play, monkeypatch):
    from tests import factories

    carol = play(factories.CharacterFactory(world=tiny_world.world, room=tiny_world.hall, name="Carol"))
    monkeypatch.setattr(dice, "dice_rng", random.Random(4))
    response = alice.post("roll", {"expression": "2d6+1"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["minimum"] == 3 and body["maximum"] == 13 and len(body["terms"][0]["dice"]) == 2
    assert any("Alice rolls 2d6+1" in line for line in carol.feed())
    response = alice.post("roll", {"expression": "1d20", "private": True})
    assert response.status_code == 200 and response.json()["private"]
    assert not any("1d20" in line for line in carol.feed())


@pytest.mark.django_db
@pytest.mark.parametrize("expression", ["999999d999999", "1d1!", "1d6 !!"])
def test_bad_roll_is_422_envelope(alice, expression):
    response = alice.post("roll", {"expression": expression})
    assert response.status_code == 422
    assert response.json()["code"].startswith("dice_") and response.json()["message"].startswith("Dice error")
