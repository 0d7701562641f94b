from tests.world.api.conftest import Player, alice, play  # noqa: F401  (the play-API client fixtures)
