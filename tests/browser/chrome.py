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


@pytest.fixture
def browsers() -> Iterator[Callable[..., Any]]:
    """Open as many browsers as a test needs; all are closed afterwards."""
    opened: list[Any] = []

    def open_one(**kwargs: Any) -> Any:
        opened.append(chromium(**kwargs))
        return opened[-1]

    yield open_one
    for driver in opened:
        driver.quit()


@pytest.fixture
def browser(browsers: Callable[..., Any]) -> Any:
    return browsers()
