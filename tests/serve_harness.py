"""``neotui serve`` as a user runs it, for the tests and ``bench/serve.py``: the command in its own
process (against a fake Yahoo, in throw-away XDG directories), the address it prints, the app
processes it starts, and a headless Chromium driven by Playwright.

The browser parts need Playwright (``pip install -e '.[browser]'``) and Debian's Chromium at
:data:`CHROMIUM`; :func:`browser_missing` says which is absent, so a test can skip saying why.
Playwright's own browser download (``playwright install``) is never used.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: A quote row of the watch screen, on the terminal's screen.
QUOTE = re.compile(r"CRWV\s+[\d,]+\.\d\d")
OPEN_LINE = re.compile(r"neotui serve: open (\S+)")


class Served:
    """A running ``neotui serve``; ``url`` is the address it printed (token included)."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        # Both pipes read all along: a server blocked on a full pipe would look like a hang.
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [
            threading.Thread(target=_collect, args=(stream, sink), daemon=True)
            for stream, sink in ((process.stdout, self._out), (process.stderr, self._err))
        ]
        for reader in self._readers:
            reader.start()

    @property
    def base(self) -> str:
        """The address without its path and query."""
        return re.sub(r"^(https?://[^/]+).*$", r"\1", self.url)

    def apps(self) -> list[int]:
        """Process ids of the app processes it runs (its children), one per open tab."""
        return children(self.process.pid)

    def output(self) -> str:
        """Everything it printed on stderr (complete once it has stopped)."""
        if self.process.poll() is not None:
            for reader in self._readers:
                reader.join(timeout=5)
        return "".join(self._err)


def _collect(stream: Any, sink: list[str]) -> None:
    for line in stream:
        sink.append(line)


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (Linux ``/proc``)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve_env(yahoo_url: str, home: Path) -> dict[str, str]:
    """The environment for the command: the fake Yahoo, XDG dirs under ``home``, no NEOTUI_*
    leaking in from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEOTUI_")}
    env["NEOTUI_YAHOO_URL"] = yahoo_url
    env["PYTHONPATH"] = str(REPO)
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        (home / name.lower()).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / name.lower())
    return env


@contextlib.contextmanager
def serving(*args: str, env: dict[str, str], timeout: float = 30.0) -> Iterator[Served]:
    """``python -m neotui serve ARGS`` until the block ends, then SIGINT (as Ctrl+C) and a wait;
    killed if it does not stop. Fails if it does not print its address within ``timeout``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "neotui", *args],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline and process.poll() is None:
            line = process.stdout.readline()
            if OPEN_LINE.search(line):
                break
        match = OPEN_LINE.search(line)
        if match is None:
            process.kill()
            raise AssertionError(f"neotui serve did not start: {process.communicate()}")
        served = Served(process, match.group(1))
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def browser_missing() -> str | None:
    """Why the real-browser test cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[browser]')"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


class Screen:
    """The terminal a tab shows, rebuilt from the stream the page receives by a VT100 emulator
    (pyte), as xterm.js builds it: Textual sends only the cells that changed, so the stream's
    text alone does not read as the screen."""

    def __init__(self, width: int, height: int) -> None:
        import pyte

        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, data: bytes) -> None:
        """Apply part of the stream."""
        self.stream.feed(data)

    def resize(self, width: int, height: int) -> None:
        """Follow the page's terminal size."""
        self.screen.resize(height, width)

    def text(self) -> str:
        """What the screen shows now, line by line."""
        return "\n".join(self.screen.display)


class Tab:
    """One browser tab on the served page, recording the terminal stream the page receives
    (xterm.js draws on a canvas: the page's DOM has no text to read)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.screen = Screen(80, 24)
        page.on("websocket", self._watch)

    def _watch(self, websocket: Any) -> None:
        def sent(payload: bytes | str) -> None:
            if isinstance(payload, str) and payload.startswith('["resize"'):
                size = json.loads(payload)[1]
                self.screen.resize(int(size["width"]), int(size["height"]))

        def received(payload: bytes | str) -> None:
            if isinstance(payload, bytes):  # text frames are pongs and meta, not the screen
                self.screen.feed(payload)

        websocket.on("framesent", sent)
        websocket.on("framereceived", received)

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 30.0) -> float:
        """Seconds until ``pattern`` shows on the terminal; AssertionError at ``timeout``."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if pattern.search(self.screen.text()):
                return time.perf_counter() - start
            self.page.wait_for_timeout(10)
        raise AssertionError(f"{pattern.pattern!r} not on the page within {timeout} s")


@contextlib.contextmanager
def chromium(width: int = 1600, height: int = 1000) -> Iterator[Any]:
    """A headless Chromium context (fresh profile) that may reach 127.0.0.1 only: any other
    request is aborted, so a test never touches the internet."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="neotui-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": width, "height": height},
        )  # fmt: skip
        blocked: list[str] = []

        def route(route: Any) -> None:
            url = route.request.url
            if re.match(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/", url):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        context.route("**/*", route)
        context.blocked = blocked
        try:
            yield context
        finally:
            context.close()
