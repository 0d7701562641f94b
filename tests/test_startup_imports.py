"""A process that sets Django up (every management command: export_world, flush_saves on deploy, the
clock's run_world) imports neither the API framework nor what only a page or an action needs: each was
tens of milliseconds of every command's start-up (bench/README.md, "Start-up"). The API, the map and the
simulation load when a request, a map or a tick needs them."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.persistence.procs import PYTHON, REPO

NOT_AT_START_UP = [
    "ninja",  # the API's framework: the URLs import it (mudsite.ninja_assets serves its docs assets)
    "graphviz",  # the admin's world map renders with it
    "confusable_homoglyphs",  # the table behind a non-ASCII name's look-alikes
    "world.services.simulation",  # the admin's "advance one tick" action
    "pydantic",  # the character sheet's schema (world.sheet_schema): only validating a sheet needs it
]

PROBE = f"""
import json, sys
import django
django.setup()
print(json.dumps(sorted(name for name in {NOT_AT_START_UP!r} if name in sys.modules)))
"""


@pytest.mark.slow
def test_setting_django_up_leaves_the_api_the_map_and_the_simulation_unloaded():
    done = subprocess.run(
        [PYTHON, "-c", PROBE],
        cwd=REPO,
        env={"DJANGO_SETTINGS_MODULE": "mudsite.settings", "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_docs_assets_are_found_where_the_docs_page_points():
    from django.contrib.staticfiles import finders

    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(asset), asset
