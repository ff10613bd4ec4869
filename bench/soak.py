"""Soak: an hour of simulated watching, compressed. The real app (in this process, headless)
refreshes 8 symbols every 0.25 s from the fake Yahoo server (same process, own threads) while
faults come and go: 429 storms, 500s, HTML pages, truncated bodies, resets, healthy stretches.
240 refreshes are one hour at the regular 15 s pace.

Printed: RSS, asyncio tasks and open sockets after a warm-up and at the end, and their growth.
Aim: no growth beyond noise.
"""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
import time

from bench.common import open_sockets, row, rss_mb

REFRESHES = 240
PHASES = (None, "429", None, "500", "html", None, "truncated", "reset", None)


async def soak() -> dict[str, tuple[float, float]]:
    from neotui.app import make_app
    from neotui.settings import load_settings
    from tests.fake_yahoo import FakeYahoo

    fake = FakeYahoo().start()
    settings = load_settings(
        environ={"NEOTUI_YAHOO_URL": fake.url},
        overrides={"refresh": {"regular": 0.25, "prepost": 0.25, "closed": 0.25}},
    )
    app = make_app(settings)
    app.feed.backoff_base, app.feed.backoff_cap, app.feed.tick = 0.25, 2.0, 0.1
    app.feed.fundamentals_fetcher = None
    figures: dict[str, list[float]] = {"rss": [], "tasks": [], "sockets": []}

    names: list[set[str]] = []
    trend: list[float] = []

    def sample() -> None:
        gc.collect()
        names.append({t.get_name() for t in asyncio.all_tasks()})
        figures["rss"].append(rss_mb())
        figures["tasks"].append(len(asyncio.all_tasks()))
        figures["sockets"].append(open_sockets())

    try:
        async with app.run_test(headless=True, size=(160, 48)) as pilot:
            cycles = lambda: app.feed.requests // len(app.feed.symbols)  # noqa: E731
            while cycles() < 20:  # warm-up: caches, pools, first renders
                await pilot.pause(0.25)
            sample()
            start = time.monotonic()
            per_phase = REFRESHES / len(PHASES)
            for phase in PHASES:
                trend.append(rss_mb())
                fake.heal()
                fake.set_fault(phase)
                target = time.monotonic() + per_phase * 0.25
                while time.monotonic() < target:
                    await pilot.press("j" if int(time.monotonic() * 4) % 2 else "k")
                    await pilot.pause(0.25)
            fake.heal()
            await pilot.pause(3.0)  # let backoff expire and the last refreshes land
            sample()
            elapsed = time.monotonic() - start
    finally:
        fake.stop()
    if os.environ.get("SOAK_DEBUG"):  # names of tasks alive at the end but not at the start
        print("new tasks:", sorted(names[-1] - names[0]))
    print("  RSS at each phase (MB):", " ".join(f"{mb:.0f}" for mb in trend))
    served = sum(fake.counts.values())
    print(f"  ({elapsed:.0f} s, {app.feed.requests} requests made, {served} served)")
    return {k: (v[0], v[-1]) for k, v in figures.items()}


def main() -> None:
    print(f"soak: {REFRESHES} refreshes (one hour at 15 s), faults switched on and off")
    with tempfile.TemporaryDirectory() as home:
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            os.environ[name] = f"{home}/{name.lower()}"
        figures = asyncio.run(soak())
    for key, label, unit in (("rss", "RSS", " MB"), ("tasks", "asyncio tasks", ""),
                             ("sockets", "open sockets", "")):  # fmt: skip
        start, end = figures[key]
        row(f"{label}: after warm-up -> end", f"{start:.0f}{unit} -> {end:.0f}{unit} "
            f"(growth {end - start:+.0f}{unit})")  # fmt: skip


if __name__ == "__main__":
    main()
