"""Time the builders' admin pages on the 10,000-room benchmark world (issue 11 item 4: under a second).

Usage: DATABASE_URL=sqlite:///abs/path.sqlite3 python bench/admin_pages.py [--rounds N]
Generates the world (bench/generate_world.py) into that database if it is not there, then GETs each page
N times through Django's test client (no network; the view, its queries and its template) and prints
the median milliseconds and the query count per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mudsite.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from world import models as w  # noqa: E402

SLUG = "bench"


def pages(world: w.World) -> list[tuple[str, str]]:
    room = w.Room.objects.filter(world=world).order_by("pk").first()
    exit_ = w.Exit.objects.filter(world=world).order_by("pk").first()
    character = w.Character.objects.filter(world=world).order_by("pk").first()
    assert room and exit_ and character
    q = f"?world__id__exact={world.pk}"
    return [
        ("world list", reverse("admin:world_world_changelist")),
        ("world page", reverse("admin:world_world_change", args=[world.pk])),
        ("world map (neighbourhood)", reverse("admin:world_world_map", args=[world.pk])),
        ("room list", reverse("admin:world_room_changelist") + q),
        ("room list, search", reverse("admin:world_room_changelist") + q + "&q=room"),
        ("room page", reverse("admin:world_room_change", args=[room.pk])),
        ("exit list", reverse("admin:world_exit_changelist") + q),
        ("exit page", reverse("admin:world_exit_change", args=[exit_.pk])),
        ("character list", reverse("admin:world_character_changelist") + q),
        ("character page", reverse("admin:world_character_change", args=[character.pk])),
        ("item list", reverse("admin:world_item_changelist") + q),
        ("save statistics", reverse("admin:persistence_savestate_changelist")),
        ("save history", reverse("admin:persistence_savestate_change", args=[world.pk])),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    world = w.World.objects.filter(slug=SLUG).first()
    if world is None:
        from bench.generate_world import generate

        print("generating the 10,000-room world ...", flush=True)
        world = generate(SLUG)
    print(f"world {SLUG}: {w.Room.objects.filter(world=world).count()} rooms", flush=True)
    staff, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    print(f"{'page':28} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, url in pages(world):
        client.get(url)  # warm caches (templates, content types)
        times = []
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        print(f"{name:28} {statistics.median(times):10.1f} {max(times):8.1f} {len(queries):8d}", flush=True)


if __name__ == "__main__":
    main()
