from __future__ import annotations

import pytest

from tests.factories import make_world
from world.models import World


@pytest.fixture
def world(db: None) -> World:
    """A playable world (start room, setup complete) and nothing else: each test builds what it pins."""
    return make_world(slug="rules")
