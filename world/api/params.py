"""Path parameters the routers share."""

from typing import Annotated

from ninja.params import functions as param_functions

# The URL says `{world}`; the code says `world_slug`, so that `world` always means a World row.
WorldSlug = Annotated[str, param_functions.Path(alias="world", description="The world's slug.")]
