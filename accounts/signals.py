"""A password change revokes every bearer token of the account, whichever way the password changed
(the API, the admin, `changepassword`, a reset): it is watched on the user model itself."""

from __future__ import annotations

from typing import Any

from accounts.services.tokens import token_revoke_all


def remember_password_change(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. login's last_login update: no extra query
    before = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._mudsite_password_changed = before is not None and before != instance.password


def revoke_tokens_after_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(instance, "_mudsite_password_changed", False):
        instance._mudsite_password_changed = False
        token_revoke_all(user=instance)
