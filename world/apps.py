from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WorldConfig(AppConfig):
    name = "world"
    verbose_name = "Worlds"

    def ready(self) -> None:
        from world.db_triggers import install_triggers_after_migrate
        from world.games import signals as game_signals

        game_signals.connect()
        post_migrate.connect(install_triggers_after_migrate, sender=self, dispatch_uid="world_triggers")
