"""What every router shares in its documented contract: the `{world}` path parameter and the error
responses. Document only the statuses an operation can really answer (see mudsite/api.py's handlers and
world/exceptions.py); tests/world/api/test_openapi_contract.py holds the list of real ones."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja.params import functions as param_functions

from accounts.api.security import BearerToken, CsrfCheckedSession, authenticated_since
from world import selectors
from world.models import Character
from world.schemas.common import ErrorOut

# The URL says `{world}`; the code says `world_slug`, so that `world` always means a World row.
WorldSlug = Annotated[str, param_functions.Path(alias="world", description="The world's slug.")]


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: X, **error_responses(401, 404)}`: each status documented with the one envelope."""
    return dict.fromkeys(statuses, ErrorOut)


class _PlayerOfThePathsWorld:
    """Authentication that also requires a character in the `{world}` of the URL, before the body is read.

    Ninja validates bodies and path parameters after authentication, so a stranger sending a half-formed
    offer got a 422 where every play route answers 403 (not joined) or 404 (no such world). The character
    found here is kept on the request (`request.player`) for `me_in`, so the check costs no extra query.
    """

    def __call__(self, request: HttpRequest) -> Any | None:
        user = super().__call__(request)  # type: ignore[misc]
        if user:
            world_slug = request.resolver_match.kwargs.get("world", "") if request.resolver_match else ""
            request.player = selectors.play_character_get(  # type: ignore[attr-defined]
                user=user, world_slug=world_slug, authenticated_at=authenticated_since(request)
            )
        return user


# Own class names: OpenAPI names a security scheme after its class.
class PlayerBearerToken(_PlayerOfThePathsWorld, BearerToken):
    pass


class PlayerSessionAuth(_PlayerOfThePathsWorld, CsrfCheckedSession):
    pass


# For routers whose every operation acts as the caller's character (trade, missions, games).
player_authenticated = [PlayerBearerToken(), PlayerSessionAuth()]


def me_in(request: HttpRequest, world_slug: str) -> Character:
    """The caller's character in this world: the one `player_authenticated` found, or looked up now."""
    player = getattr(request, "player", None)
    if player is not None and player.world.slug == world_slug:
        return player
    return selectors.play_character_get(
        user=request.auth,  # type: ignore[attr-defined]
        world_slug=world_slug,
        authenticated_at=authenticated_since(request),
    )
