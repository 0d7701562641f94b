"""The admin in a real browser: headless Chromium logs in, opens a room and adds an exit inline."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.chrome import needs_chromium
from world import models

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_staff_edits_a_room_in_the_browser(live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    factories.UserFactory(username="staff", password="correct horse battery", is_staff=True, is_superuser=True)
    world = factories.WorldFactory(slug="web")
    hall = factories.RoomFactory(world=world, key="hall")
    factories.RoomFactory(world=world, key="garden")

    browser.get(f"{live_server.url}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys("staff")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/login/" not in d.current_url)
    browser.get(f"{live_server.url}/admin/world/room/{hall.pk}/change/")
    assert "Exits leaving this room" in browser.page_source

    browser.find_element(By.LINK_TEXT, "Add another Exit").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.NAME, "exits-0-name"))
    browser.find_element(By.NAME, "exits-0-name").send_keys("garden gate")
    destination = browser.find_element(By.NAME, "exits-0-destination")
    browser.execute_script(  # the autocomplete widget is select2; set the underlying <select> as it would
        "const s = arguments[0]; s.add(new Option('garden', arguments[1], true, true));", destination,
        str(models.Room.objects.get(key="garden").pk),
    )  # fmt: skip
    Select(browser.find_element(By.NAME, "exits-0-kind")).select_by_value("door")
    browser.find_element(By.NAME, "_save").click()
    WebDriverWait(browser, 10).until(
        lambda d: "/change/" not in d.current_url or d.find_elements(By.CLASS_NAME, "errornote")
    )

    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".errorlist, .errornote")]
    assert "was changed successfully" in browser.page_source, errors
    gate = models.Exit.objects.get(name="garden gate")
    assert (gate.world_id, gate.source_id) == (world.pk, hall.pk)
