"""Headless Debian Chromium for the browser tests (fixtures re-exported by conftest.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip

# CI installs the browser (.ci/run), so there a missing browser fails instead of skipping.
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)


def chromium(window: str = "1400,1000") -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in (*FLAGS, f"--window-size={window}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, read by the tests
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


class BrowserPool:
    """Chromium processes kept for the worker's next browser test (a start is ~0.65 s of CPU, with
    chromedriver): each goes back clean, its cookies, storage, console and extra tabs gone."""

    def __init__(self) -> None:
        self.idle: list[Any] = []

    def take(self, window: str = "1400,1000") -> Any:
        driver = self.idle.pop() if self.idle else chromium(window)
        # Set on a new browser too: the launch flag clamps a width below 500, set_window_size does not,
        # so a page gets the same viewport whichever browser it is given.
        width, height = (int(n) for n in window.split(","))
        driver.set_window_size(width, height)
        return driver

    def give_back(self, driver: Any) -> None:
        from selenium.common.exceptions import WebDriverException

        try:
            for handle in driver.window_handles[1:]:
                driver.switch_to.window(handle)
                driver.close()
            driver.switch_to.window(driver.window_handles[0])
            origin = driver.execute_script("return window.location.origin")
            driver.get("about:blank")  # ends the page's streams and timers before its data goes
            if origin and origin != "null":
                driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
            driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
            driver.execute_cdp_cmd("Network.clearBrowserCache", {})
            driver.get_log("browser")  # read and dropped: the next test sees only its own console
        except WebDriverException:
            driver.quit()
            return
        self.idle.append(driver)

    def close(self) -> None:
        while self.idle:
            self.idle.pop().quit()


@pytest.fixture(scope="session")
def browser_pool() -> Iterator[BrowserPool]:
    pool = BrowserPool()
    yield pool
    pool.close()


@pytest.fixture
def browsers(browser_pool: BrowserPool) -> Iterator[Callable[..., Any]]:
    """Open as many browsers as a test needs; all are given back (clean) afterwards."""
    opened: list[Any] = []

    def open_one(**kwargs: Any) -> Any:
        opened.append(browser_pool.take(**kwargs))
        return opened[-1]

    yield open_one
    for driver in opened:
        browser_pool.give_back(driver)


@pytest.fixture
def browser(browsers: Callable[..., Any]) -> Any:
    return browsers()
