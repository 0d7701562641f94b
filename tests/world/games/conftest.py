from tests.world.api.conftest import Player, alice, play  # noqa: F401  (the API fixtures, shared)
