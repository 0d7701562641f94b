"""`migrate` from the schema before the accounts app (tokens in world_apitoken) keeps every token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories

BEFORE = [("world", "0004_event_kinds"), ("accounts", None)]


@pytest.mark.slow  # the backward migration renders every migration's state: ~10 s of CPU
@pytest.mark.django_db(transaction=True)
def test_tokens_survive_the_move_to_the_accounts_app():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state([BEFORE[0]]).apps
    user = factories.UserFactory(username="old-timer")
    created = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    old_token = old_apps.get_model("world", "ApiToken")
    old_token.objects.create(user_id=user.pk, key_hash="a" * 64, prefix="aaaaaaaa")
    old_token.objects.update(created_at=created)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    # What `manage.py migrate` does next: the database triggers (world.db_triggers) come back, for the
    # tests that run after this one on the same database.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    from accounts.models import ApiToken

    token = ApiToken.objects.get()
    assert (token.user_id, token.key_hash, token.prefix, token.created_at) == (user.pk, "a" * 64, "aaaaaaaa", created)
    assert "world_apitoken" not in connection.introspection.table_names()
