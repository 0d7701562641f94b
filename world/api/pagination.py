"""The one pagination of the API: ninja's limit/offset with bounds the database can hold."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Databases count rows in signed 64-bit integers; a larger offset reached SQLite as an OverflowError
# (answered 409) instead of a validation error.
INT64_MAX = 2**63 - 1
PAGE_DEFAULT = 100
PAGE_MAX = 1000


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(PAGE_DEFAULT, ge=1, le=PAGE_MAX, description=f"At most {PAGE_MAX} rows.")
        offset: int = Field(0, ge=0, le=INT64_MAX - PAGE_MAX, description="Rows to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=PAGE_MAX, **kwargs)
