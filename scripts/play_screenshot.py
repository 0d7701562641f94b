"""Take docs/play-page.png: two players in the demo world, through headless Chromium.

Run against a server started by `bash scripts/serve.sh` (or any URL):
    .venv/bin/python scripts/play_screenshot.py http://127.0.0.1:8000 docs/play-page.png
It registers two fresh accounts, so run it on a throwaway database.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.chrome import chromium  # noqa: E402
from tests.browser.play_page import feed_lines, join_demo, sign_in, type_command, wait_for  # noqa: E402


def main(url: str, out: str) -> None:
    tag = uuid.uuid4().hex[:4]
    ada, ben = chromium(window="1280,860"), chromium()
    try:
        for driver, name in ((ada, "Ada"), (ben, "Ben")):
            sign_in(driver, url, f"{name.lower()}{tag}", register=True)
            join_demo(driver, f"{name}{tag}")
        type_command(ben, "say Evening! Is the tavern open?")
        type_command(ada, "emote wave to Ben" + tag)
        type_command(ada, "'It is. Follow me through the tavern door.")
        type_command(ada, "look Ben" + tag)
        wait_for(ada, lambda d: len(feed_lines(d)) >= 3)
        ada.find_element("css selector", "#command").send_keys("go tavern door")
        ada.save_screenshot(out)
    finally:
        ada.quit()
        ben.quit()


if __name__ == "__main__":
    main(*sys.argv[1:3])
