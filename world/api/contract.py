"""What every router shares in its documented contract: the `{world}` path parameter and the error
responses. Document only the statuses an operation can really answer (see mudsite/api.py's handlers and
world/exceptions.py); tests/world/api/test_openapi_contract.py holds the list of real ones."""

from typing import Annotated

from ninja.params import functions as param_functions

from world.schemas.common import ErrorOut

# The URL says `{world}`; the code says `world_slug`, so that `world` always means a World row.
WorldSlug = Annotated[str, param_functions.Path(alias="world", description="The world's slug.")]


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: X, **error_responses(401, 404)}`: each status documented with the one envelope."""
    return dict.fromkeys(statuses, ErrorOut)
