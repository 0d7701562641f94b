"""Moved to `accounts.api.security`; this name stays so routers written before the move keep importing."""

from accounts.api.security import authenticated, bearer

__all__ = ["authenticated", "bearer"]
