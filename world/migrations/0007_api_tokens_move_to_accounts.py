"""ApiToken moved to the accounts app: copy the live rows into accounts_apitoken, drop world_apitoken.

A copy rather than a state-only move, so the migration graph points the way the code does (world
depends on accounts, never the reverse) and the table gets the accounts app's name. Ids are not
kept (nothing refers to a token by id), so PostgreSQL's sequence needs no reset.
"""

from django.db import migrations


def copy_tokens(apps, schema_editor, source="world", target="accounts"):
    db = schema_editor.connection.alias
    old = apps.get_model(source, "ApiToken").objects.using(db)
    new = apps.get_model(target, "ApiToken")
    fields = ("user_id", "key_hash", "prefix", "created_at", "last_used_at", "revoked_at")
    rows = list(old.values(*fields))
    new.objects.using(db).bulk_create([new(**row) for row in rows], batch_size=500)
    # auto_now_add stamped the copies with the migration's time; give them back their own.
    for row in rows:
        new.objects.using(db).filter(key_hash=row["key_hash"]).update(created_at=row["created_at"])


def copy_tokens_back(apps, schema_editor):
    copy_tokens(apps, schema_editor, source="accounts", target="world")


class Migration(migrations.Migration):
    dependencies = [
        ("world", "0006_trade_offers_and_missions"),
        ("accounts", "0001_api_tokens"),
    ]

    operations = [
        migrations.RunPython(copy_tokens, copy_tokens_back),
        migrations.DeleteModel(name="ApiToken"),
    ]
