"""Driving the play page in Selenium: what a player clicks and types, and what the page shows."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct horse battery"
WAIT = 30  # generous: a busy 2-core box; the 2 s delivery bound is measured separately


def wait_for(driver: Any, condition: Any, timeout: float = WAIT) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)


def by_css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def feed_lines(driver: Any) -> list[tuple[int, str]]:
    """(event id, text) of every feed line that came from the server, in page order."""
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#feed li[data-id]')].map(li => [Number(li.dataset.id), li.textContent])"
    )
    return [(row[0], row[1]) for row in rows]


def room_name(driver: Any) -> str:
    return driver.execute_script("return document.getElementById('room-name').textContent")


def people_here(driver: Any) -> str:
    return driver.execute_script("return document.getElementById('people').textContent")


def console_errors(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def type_command(driver: Any, line: str) -> None:
    from selenium.webdriver.common.keys import Keys

    field = by_css(driver, "#command")[0]
    field.send_keys(line)
    field.send_keys(Keys.ENTER)


def sign_in(driver: Any, url: str, username: str, *, register: bool) -> None:
    driver.get(f"{url}/play/")
    wait_for(driver, lambda d: by_css(d, "#screen-login:not([hidden])"))
    by_css(driver, "#login-form [name=username]")[0].send_keys(username)
    by_css(driver, "#login-form [name=password]")[0].send_keys(PASSWORD)
    by_css(driver, f"#login-form button[value={'register' if register else 'login'}]")[0].click()
    wait_for(driver, lambda d: by_css(d, "#screen-worlds:not([hidden]) [data-world=demo]"))


def join_demo(driver: Any, name: str) -> None:
    by_css(driver, "[data-world=demo]")[0].click()
    wait_for(driver, lambda d: by_css(d, "#screen-join:not([hidden])"))
    by_css(driver, "#join-form [name=name]")[0].send_keys(name)
    by_css(driver, "#join-form button[type=submit]")[0].click()
    wait_until_live(driver)


def wait_until_live(driver: Any) -> None:
    wait_for(driver, lambda d: by_css(d, "#screen-play:not([hidden]) ") and by_css(d, "#status[data-state=live]"))
