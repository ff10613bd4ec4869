"""``neotui serve`` in a real browser: headless Chromium (Debian's, at /usr/bin/chromium) driven by
Playwright opens the served page against the fake Yahoo, waits for a quote on the screen, presses
a key, and takes a screenshot.

Skipped, saying why, where Playwright (``pip install -e '.[browser]'``) or Chromium
(``apt-get install chromium``) is absent, as on a clean CI machine: ``.ci/run`` installs neither
(see the README). xterm.js draws on a canvas, so what the page shows is read from the terminal
stream it receives, rebuilt into a screen (pyte) as xterm.js rebuilds it; the screenshot is the
picture of the same moment.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.serve_harness import QUOTE, Tab, browser_missing, chromium, serve_env, serving

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))

SHOT = Path("/tmp/neotui-serve-browser.png")
"""Where the screenshot is also left for a person to look at (the test's own copy is in its
tmp_path)."""


def test_browser_shows_quotes_and_takes_keys(fake_yahoo: Any, tmp_path: Path) -> None:
    env = serve_env(fake_yahoo.url, tmp_path / "home")
    with serving("serve", "--port", "0", env=env) as served, chromium() as browser:
        page = browser.new_page()
        tab = Tab(page)
        page.goto(served.url)
        tab.wait_for(QUOTE, timeout=60)
        page.wait_for_selector("body.-first-byte", state="attached", timeout=10_000)
        assert len(served.apps()) == 1  # this tab's own app
        page.wait_for_timeout(300)  # the canvas paints on the next animation frame
        page.screenshot(path=str(tmp_path / "quotes.png"))
        # A key, as typed into the page: the valuation pane opens, as in a terminal.
        page.locator(".xterm-helper-textarea").focus()  # where xterm.js takes keys, no click
        page.keyboard.press("v")
        tab.wait_for(re.compile(r"Valuation · what the market pays"), timeout=20)
        tab.wait_for(re.compile(r"\$[\d.]+[MB]/MW"), timeout=20)  # its rows, computed in a thread
        page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "valuation.png"))
        SHOT.write_bytes((tmp_path / "valuation.png").read_bytes())
        for shot in ("quotes.png", "valuation.png"):
            data = (tmp_path / shot).read_bytes()
            assert data.startswith(b"\x89PNG") and len(data) > 20_000, shot
        assert browser.blocked == []  # the page asked nothing of any other host
        page.close()
    assert "Traceback" not in served.output()
