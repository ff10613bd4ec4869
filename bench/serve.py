"""``neotui serve``: first paint in a browser next to the terminal's, and memory per served tab.

First paint as in ``terminal_paint.py``: offline (connection refused), the quote cache filled
first by ``neotui quotes`` against the fake Yahoo, the clock stopped when the cached CRWV price
is on screen. In the browser (headless Chromium, Debian's /usr/bin/chromium, driven by
Playwright; one browser for all runs, a new tab each run) the clock starts at ``page.goto`` and
stops when the screen the page draws (the terminal stream it receives, rebuilt by pyte as
xterm.js rebuilds it) shows the price; beside it, the page's own load (DOMContentLoaded) and the
first byte of the app. In the terminal: a fresh tmux session running ``python -m neotui``, as
``terminal_paint.py`` times it. Alternately, median of 7.

Memory: RSS of each tab's app process (the server's children, /proc VmRSS) with 1 and then 3
tabs open, 3 s after each showed its quote, and the server's own RSS. The browser's memory is
the browser's, not counted.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time

from bench.common import REPO, fake_server, free_port, row
from bench.terminal_paint import Tmux, cached_price, launch, tree_env
from tests.serve_harness import Tab, browser_missing, children, chromium, rss_mb, serving

RUNS = 7
SETTLE = 3.0


def browser_paint(browser: object, url: str, quote: re.Pattern[str]) -> tuple[float, ...]:
    """One tab opened on ``url``: seconds to DOMContentLoaded, to the socket open (the server
    starts the app then), to the app's first byte and to ``quote`` on screen; the tab is closed
    after."""
    page = browser.new_page()  # type: ignore[attr-defined]
    tab = Tab(page)
    opened: list[float] = []
    page.on("websocket", lambda _ws: opened.append(time.perf_counter() - start))
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    loaded = time.perf_counter() - start
    page.wait_for_selector("body.-first-byte", state="attached", timeout=60_000)
    first_byte = time.perf_counter() - start
    tab.wait_for(quote, timeout=60)
    shown = time.perf_counter() - start
    page.close()
    return loaded, opened[0], first_byte, shown


def wait_apps(pid: int, count: int, timeout: float = 20.0) -> list[int]:
    """The server's app processes once there are ``count`` of them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        apps = children(pid)
        if len(apps) == count:
            return apps
        time.sleep(0.05)
    raise RuntimeError(f"expected {count} app processes, found {children(pid)}")


def main() -> None:
    missing = browser_missing()
    if missing:
        print(f"serve: skipped: {missing}")
        return
    print("serve: first paint, browser (textual-serve, headless Chromium) against terminal (tmux "
          "160x48), cached CRWV price, offline; RSS per tab")  # fmt: skip
    with tempfile.TemporaryDirectory() as home:
        env = tree_env(home)
        with fake_server(free_port()) as url:
            text = cached_price(env, url)
        env["NEOTUI_YAHOO_URL"] = f"http://127.0.0.1:{free_port()}"  # offline
        quote = re.compile(rf"CRWV\s+{re.escape(text)}")
        terminal: list[float] = []
        phases: list[tuple[float, ...]] = []
        with serving("serve", "--port", str(free_port()), env=env) as served, \
                chromium(width=1280, height=860) as browser, Tmux(env) as tmux:  # fmt: skip
            command = launch(REPO, "-m neotui")
            tmux.time_to_text(command, ("CRWV", text))  # warm up both
            browser_paint(browser, served.url, quote)
            wait_apps(served.process.pid, 0)
            for _ in range(RUNS):
                phases.append(browser_paint(browser, served.url, quote))
                terminal.append(tmux.time_to_text(command, ("CRWV", text))[0])
                wait_apps(served.process.pid, 0)
            # Memory: one tab, then three at once.
            rss: dict[int, list[float]] = {}
            for count in (1, 3):
                pages = []
                for _ in range(count):
                    page = browser.new_page()
                    tab = Tab(page)
                    page.goto(served.url)
                    tab.wait_for(quote, timeout=60)
                    pages.append(page)
                time.sleep(SETTLE)
                rss[count] = [rss_mb(pid) for pid in wait_apps(served.process.pid, count)]
                server_rss = rss_mb(served.process.pid)
                for page in pages:
                    page.close()
                wait_apps(served.process.pid, 0)

    def ms(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:.0f} ms ({min(xs) * 1000:.0f}–{max(xs) * 1000:.0f})"

    loaded, opened, first_byte, shown = (list(p) for p in zip(*phases, strict=True))
    row("terminal: neotui, cached CRWV price visible", ms(terminal))
    row("browser: page DOMContentLoaded (textual.js, 514 kB)", ms(loaded))
    row("browser: the socket open (the server starts the tab's app)", ms(opened))
    row("browser: the app's first byte on the page", ms(first_byte))
    row("browser: cached CRWV price on the page", ms(shown))
    ratio = statistics.median(shown) / statistics.median(terminal)
    row("ratio browser / terminal", f"{ratio:.2f}x")
    row("RSS of the tab's app, 1 tab open", f"{statistics.median(rss[1]):.1f} MB")
    each = ", ".join(f"{x:.1f}" for x in rss[3])
    row("RSS per tab's app, 3 tabs open (median; each)",
        f"{statistics.median(rss[3]):.1f} MB; {each}")  # fmt: skip
    row("RSS of the server (3 tabs open)", f"{server_rss:.1f} MB")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
