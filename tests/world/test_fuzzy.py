import pytest

from world.exceptions import Conflict, NotFound
from world.fuzzy import fuzzy_resolve

NAMES = ["Iron Sword", "iron shield", "Bread", "Bread Knife", "apple"]


def resolve(query):
    return fuzzy_resolve(query, NAMES, str, what="item")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Bread", "Bread"), ("bread", "Bread"), ("iron sw", "Iron Sword"), ("knife", "Bread Knife"), ("APP", "apple")],
)
def test_tiers(query, expected):
    assert resolve(query) == expected


def test_ambiguous_lists_candidates():
    with pytest.raises(Conflict) as exc:
        resolve("iron")
    assert exc.value.details["candidates"] == ["iron shield", "Iron Sword"]


def test_unknown_suggests_same_first_letter():
    with pytest.raises(NotFound) as exc:
        resolve("axe")
    assert exc.value.details["candidates"] == ["apple"]
    with pytest.raises(NotFound):
        resolve("   ")
