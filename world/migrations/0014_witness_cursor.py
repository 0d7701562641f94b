"""The witnesses' event cursor moves from `WorldClock` (world state) to a transient row of its own,
so worlds ticked without clock settings keep one too. Existing cursors are carried over."""

import django.db.models.deletion
from django.db import migrations, models


def carry_cursors_over(apps, schema_editor):
    WorldClock = apps.get_model("world", "WorldClock")
    WitnessCursor = apps.get_model("world", "WitnessCursor")
    WitnessCursor.objects.bulk_create(
        WitnessCursor(world_id=world_id, event_id=event_id)
        for world_id, event_id in WorldClock.objects.filter(event_cursor__gt=0).values_list("world_id", "event_cursor")
    )


def carry_cursors_back(apps, schema_editor):
    WorldClock = apps.get_model("world", "WorldClock")
    WitnessCursor = apps.get_model("world", "WitnessCursor")
    for world_id, event_id in WitnessCursor.objects.values_list("world_id", "event_id"):
        WorldClock.objects.filter(world_id=world_id).update(event_cursor=event_id)


class Migration(migrations.Migration):
    dependencies = [
        ("world", "0013_item_supplies_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="WitnessCursor",
            fields=[
                (
                    "world",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="world.world",
                    ),
                ),
                ("event_id", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(carry_cursors_over, carry_cursors_back),
        migrations.RemoveField(model_name="worldclock", name="event_cursor"),
    ]
