from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WorldConfig(AppConfig):
    name = "world"
    verbose_name = "Worlds"

    def ready(self) -> None:
        from accounts.selectors import character_source_register
        from accounts.services.accounts import username_rules
        from world.db_triggers import install_triggers_after_migrate
        from world.games import signals as game_signals
        from world.selectors import account_characters
        from world.validation import username_check_free, username_clean

        character_source_register(account_characters)
        username_rules.register(clean=username_clean, check_free=username_check_free)

        game_signals.connect()
        post_migrate.connect(install_triggers_after_migrate, sender=self, dispatch_uid="world_triggers")
