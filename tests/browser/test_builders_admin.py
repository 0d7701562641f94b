"""The builders' admin in Chromium: the world map, an import refused and one done, an exit lock picked
by name, and the save history chart after a change (issue 11 item 5). Screenshots go to the test's
tmp dir (and to $MUDSITE_SCREENSHOTS when set, for the docs)."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from persistence import imports
from persistence.facade import export_world_now, write_world_copy
from persistence.models import WorldImport
from tests import factories
from tests.browser.chrome import needs_chromium
from world import models

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def builder_world(world_files):
    factories.UserFactory(username="staff", password=PASSWORD, is_staff=True, is_superuser=True)
    world = factories.WorldFactory(slug="web", name="Web World")
    hall = factories.RoomFactory(world=world, key="hall", name="Great Hall")
    yard = factories.RoomFactory(world=world, key="yard", name="Yard")
    factories.ExitFactory(world=world, source=hall, destination=yard, name="oak door", kind="door")
    factories.ExitFactory(world=world, source=yard, destination=hall, name="hall door", kind="door")
    factories.NpcFactory(world=world, room=hall, name="Captain Mara")
    return world


def log_in(browser, base: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{base}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys("staff")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda d: "/login/" not in d.current_url)


def screenshot(browser, tmp_path: Path, name: str) -> None:
    target = tmp_path / f"{name}.png"
    browser.save_screenshot(str(target))
    assert target.stat().st_size > 1000
    if os.environ.get("MUDSITE_SCREENSHOTS"):
        browser.save_screenshot(str(Path(os.environ["MUDSITE_SCREENSHOTS"]) / f"{name}.png"))


def wait_for(browser, condition, timeout: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(condition)


def test_the_map_renders_and_links_rooms(live_server, browser, builder_world, tmp_path):
    from selenium.webdriver.common.by import By

    log_in(browser, live_server.url)
    browser.get(f"{live_server.url}/admin/world/world/{builder_world.pk}/map/")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "svg"))
    source = browser.page_source
    assert "Great Hall" in source and "Yard" in source and "oak door" in source
    screenshot(browser, tmp_path, "admin-world-map")


def test_an_import_is_refused_then_one_is_done(live_server, browser, builder_world, tmp_path):
    from selenium.webdriver.common.by import By

    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"format": "mudsite-world", "version": 1, "world": {}}')
    good = tmp_path / "good.json"
    good.write_bytes(write_world_copy(builder_world.pk))
    log_in(browser, live_server.url)

    browser.get(f"{live_server.url}/admin/persistence/worldimport/add/")
    browser.find_element(By.NAME, "file").send_keys(str(broken))
    browser.find_element(By.NAME, "_preview").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "import-errors"))
    assert not browser.find_elements(By.ID, "confirm-form")
    screenshot(browser, tmp_path, "admin-import-refused")

    browser.get(f"{live_server.url}/admin/persistence/worldimport/add/")
    browser.find_element(By.NAME, "file").send_keys(str(good))
    browser.find_element(By.NAME, "slug").send_keys("web-copy")
    browser.find_element(By.NAME, "_preview").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "confirm-form"))
    assert "web-copy" in browser.find_element(By.ID, "preview-slug").text
    browser.find_element(By.NAME, "_confirm").click()
    wait_for(browser, lambda d: "is queued" in d.page_source)
    record = WorldImport.objects.get()
    imports.import_run(record.pk)  # what the db_worker process runs (tests/persistence/test_admin_imports.py)
    wait_for(browser, lambda d: "web-copy" in d.page_source and ">done<" in d.page_source)  # the page refreshes
    assert models.Room.objects.filter(world__slug="web-copy").count() == 2


def test_a_lock_is_picked_by_name(live_server, browser, builder_world, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    door = models.Exit.objects.get(name="oak door")
    mara = models.Character.objects.get(name="Captain Mara")
    log_in(browser, live_server.url)
    browser.get(f"{live_server.url}/admin/world/exit/{door.pk}/change/")
    field = wait_for(browser, lambda d: d.find_element(By.ID, "id_lock_allow_ids_jsonform"))
    field.find_element(By.XPATH, ".//button[contains(., 'Add')]").click()
    picker = wait_for(browser, lambda d: field.find_element(By.TAG_NAME, "select"))
    Select(picker).select_by_visible_text(Select(picker).options[-1].text)
    assert "Captain Mara" in Select(picker).first_selected_option.text
    screenshot(browser, tmp_path, "admin-lock-picker")
    browser.find_element(By.NAME, "_save").click()
    wait_for(
        browser, lambda d: "was changed successfully" in d.page_source or d.find_elements(By.CLASS_NAME, "errornote")
    )
    door.refresh_from_db()
    assert door.lock_allow_ids == [mara.pk]


def test_the_save_history_chart_appears_after_a_change(live_server, browser, builder_world, tmp_path):
    from selenium.webdriver.common.by import By

    log_in(browser, live_server.url)
    hall = models.Room.objects.get(key="hall")
    browser.get(f"{live_server.url}/admin/world/room/{hall.pk}/change/")
    name = browser.find_element(By.NAME, "name")
    name.clear()
    name.send_keys("Greater Hall")
    browser.find_element(By.NAME, "_save").click()
    wait_for(browser, lambda d: "was changed successfully" in d.page_source)
    export_world_now(builder_world.pk)  # the change's debounced export, without waiting for the timer
    browser.get(f"{live_server.url}/admin/persistence/savestate/{builder_world.pk}/change/")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.save-history-chart"))
    assert "Save statistics of Web World (web)" in browser.page_source
    assert b'"name":"Greater Hall"' in orjson.dumps(orjson.loads(write_world_copy(builder_world.pk)))
    screenshot(browser, tmp_path, "admin-save-history")
