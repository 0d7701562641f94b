"""Moved to `accounts.services.tokens`; this name stays so code written before the move keeps importing."""

from accounts.services.tokens import token_issue, token_revoke, token_revoke_all, token_user

__all__ = ["token_issue", "token_revoke", "token_revoke_all", "token_user"]
