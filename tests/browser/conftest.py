from tests.browser.chrome import browser, browsers

__all__ = ["browser", "browsers"]
