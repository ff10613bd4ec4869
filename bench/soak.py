"""Soak: hours of watching, compressed into about three minutes, looking for leaks.

The real app (``make_app``: quote cache, bundled deals, deals watcher, live feed) runs in this
process, headless, and refreshes the 8 watched symbols every 0.25 s instead of 15 s, so time runs
60x faster: the backoff after failures is scaled the same way (5 s -> 0.08 s base, 300 s -> 5 s
cap, offline probe cap 60 s -> 1 s). The fake Yahoo server runs in this process too (its own
threads) so faults can be switched: in each cycle healthy stretches alternate with 429s, 500s, HTML
pages, truncated bodies, connection resets and the server going away (connections refused), while
j/k move the provider selection every 0.25 s.

After a warm-up (one quick fault cycle, so one-time allocations are done), RSS, asyncio tasks, open
sockets (the app's connections to the server counted apart from the server's own), threads and live
Python objects are sampled at a quiet moment just after a refresh; again after a first and after a
second full fault cycle. A leak grows in both cycles; a cache filling up grows in the first only.
Aim: no growth beyond noise, and every symbol fresh again at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.common import open_sockets, row, rss_mb

INTERVAL = 0.25  # seconds between refreshes: 15 s / 60
SCALE = 15.0 / INTERVAL
CYCLE = (None, "429", None, "500", None, "html", None, "truncated", None, "reset", None, "offline")
WARM_PHASE = 3.0  # seconds per phase in the warm-up cycle
PHASE = 6.0  # seconds per phase in the measured cycles
CYCLES = 2


def socket_inodes() -> set[str]:
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            link = str(fd.readlink())
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    return inodes


def client_sockets(server_port: int) -> int:
    """This process's TCP connections to the fake server (the app's side only)."""
    mine = socket_inodes()
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == server_port and fields[9] in mine:
                    count += 1
    return count


class Soak:
    def __init__(self) -> None:
        from neotui.build import make_app
        from neotui.settings import load_settings
        from tests.fake_yahoo import FakeYahoo

        self.fake = FakeYahoo().start()
        self.port = int(self.fake.url.rsplit(":", 1)[1])
        refresh = {"regular": INTERVAL, "prepost": INTERVAL, "closed": INTERVAL}
        settings = load_settings(environ={"NEOTUI_YAHOO_URL": self.fake.url},
                                 overrides={"refresh": refresh})  # fmt: skip
        self.app = make_app(settings)
        feed = self.app.feed
        feed.backoff_base, feed.backoff_cap = 5.0 / SCALE, 300.0 / SCALE
        feed.offline_cap, feed.tick = 60.0 / SCALE, 0.1
        feed.subscribe(self._on_update)
        self.refreshes = 0
        self.refreshed = asyncio.Event()
        self.samples: list[dict[str, float]] = []
        self.task_names: list[set[str]] = []
        self.trend: list[float] = []
        self.fault: str | None = None
        self.failing: dict[str, int] = {}  # refreshes with failures (or offline) per fault

    def _on_update(self, update) -> None:
        if update.refreshing:
            self.refreshes += 1
            self.refreshed.clear()
        else:
            self.refreshed.set()
            bad = update.offline or "failed" in (update.last_result or "")
            if bad and self.fault is not None:
                self.failing[self.fault] = self.failing.get(self.fault, 0) + 1

    def set_fault(self, fault: str | None) -> None:
        fake = self.fake
        self.fault = fault
        if fault == "offline":  # reset what is open, then refuse new connections
            fake.set_fault("reset")
            fake.stop()
            return
        if fake._server is None:  # back from offline: listen on the same port again
            fake.start(self.port)
        fake.heal()
        fake.set_fault(fault)
        with fake._lock:  # the server's request log would grow in our RSS
            fake.requests.clear()

    async def sample(self, pilot) -> None:
        """Measure just after a refresh has landed, when no request is in flight."""
        self.refreshed.clear()
        await asyncio.wait_for(self.refreshed.wait(), timeout=30)
        await pilot.pause()
        gc.collect()
        tasks = asyncio.all_tasks()
        self.task_names.append({t.get_coro().__qualname__ for t in tasks})
        self.samples.append({
            "rss": rss_mb(), "tasks": len(tasks), "client": client_sockets(self.port),
            "sockets": open_sockets(), "threads": threading.active_count(),
            "objects": len(gc.get_objects()), "refreshes": self.refreshes,
            "types": Counter(type(o).__qualname__ for o in gc.get_objects()),
            "time": time.monotonic(),
        })  # fmt: skip

    async def cycle(self, pilot, seconds: float, trend: bool = False) -> None:
        for fault in CYCLE:
            self.set_fault(fault)
            if trend:
                self.trend.append(rss_mb())
            end = time.monotonic() + seconds
            key = "j"
            while time.monotonic() < end:
                await pilot.press(key)
                key = "k" if key == "j" else "j"
                await pilot.pause(INTERVAL)
        self.set_fault(None)

    async def run(self) -> dict[str, object]:
        try:
            async with self.app.run_test(headless=True, size=(160, 48)) as pilot:
                await self.cycle(pilot, WARM_PHASE)
                await pilot.pause(PHASE)  # healthy again, backoffs expired
                await self.sample(pilot)
                for _ in range(CYCLES):
                    await self.cycle(pilot, PHASE, trend=True)
                    await pilot.pause(PHASE)
                    await self.sample(pilot)
                states = self.app.feed.snapshot().states
                fresh = sum(1 for s in states.values() if s.status == "fresh")
                offline = self.app.feed.offline
        finally:
            self.fake.stop()
        return {"fresh": fresh, "symbols": len(states), "offline": offline}


def main() -> None:
    print(f"soak: hours of watching at {SCALE:.0f}x speed, faults switched on and off")
    with tempfile.TemporaryDirectory() as home:
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            os.environ[name] = f"{home}/{name.lower()}"
        soak = Soak()
        started = time.monotonic()
        end_state = asyncio.run(soak.run())
        took = time.monotonic() - started
    first, *_, last = soak.samples
    middle = soak.samples[1]
    refreshes = int(last["refreshes"] - first["refreshes"])
    hours = refreshes * 15 / 3600
    row("measured span", f"{last['time'] - first['time']:.0f} s, {refreshes} refreshes "
        f"= {hours:.1f} h at 15 s ({CYCLES} fault cycles; whole run {took:.0f} s)")  # fmt: skip
    row("sampled after warm-up, after cycle 1, after cycle 2", "(growth in cycle 1, cycle 2)")
    for key, label, unit, fmt in (
        ("rss", "RSS", " MB", ".1f"),
        ("tasks", "asyncio tasks", "", ".0f"),
        ("client", "the app's connections to the server", "", ".0f"),
        ("sockets", "open sockets, the server's included", "", ".0f"),
        ("threads", "threads, the server's included", "", ".0f"),
        ("objects", "live Python objects (gc)", "", ".0f"),
    ):
        a, b, c = first[key], middle[key], last[key]
        row(f"  {label}", f"{a:{fmt}} -> {b:{fmt}} -> {c:{fmt}}{unit} "
            f"({b - a:+{fmt}}, {c - b:+{fmt}})")  # fmt: skip
    print("  RSS at the start of each phase (MB):", " ".join(f"{mb:.0f}" for mb in soak.trend))
    row("refreshes that saw failures, per fault (all cycles)",
        ", ".join(f"{k} {v}" for k, v in soak.failing.items()))  # fmt: skip
    for label, (before, after) in (("cycle 1", (first, middle)), ("cycle 2", (middle, last))):
        grew = (after["types"] - before["types"]).most_common(4)  # type: ignore[operator]
        row(f"  object types that grew most in {label}",
            ", ".join(f"{name} +{n}" for name, n in grew) or "none")  # fmt: skip
    new_tasks = soak.task_names[-1] - soak.task_names[0]
    if new_tasks:
        row("tasks alive at the end but not after warm-up", ", ".join(sorted(new_tasks)))
    row("every symbol fresh again at the end",
        f"{end_state['fresh']}/{end_state['symbols']}"
        f"{', still offline' if end_state['offline'] else ''}")  # fmt: skip


if __name__ == "__main__":
    main()
