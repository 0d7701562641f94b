from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save, pre_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts.signals import remember_password_change, revoke_tokens_after_password_change

        pre_save.connect(remember_password_change, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_pw")
        post_save.connect(
            revoke_tokens_after_password_change, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_pw_revoke"
        )
