from tests.browser.chrome import browser, browser_pool, browsers

__all__ = ["browser", "browser_pool", "browsers"]
