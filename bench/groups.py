"""Switching watchlist groups: 8 symbols and 200, against a baseline in the same run.

The real app (``make_app``, headless, in this process, 160x48) over the tests' fake Yahoo (in
this process too, idle while timed): every group's symbols fetched once, then the group keys
pressed as a user does. Timed from the key's action to the end of the frame that shows the new
rows (``pilot.pause()`` after the call, as bench/scale.py times a refresh): the quotes table's
rows rebuilt, the status line, and the sector pane's equal-weight line(s).

Figures are CPU time of the event loop's thread (``time.thread_time``: the event study's numpy
thread is not counted), as bench/scale.py reports a refresh's work: the wall time on a shared
machine counts other programs' turns too (printed beside). ``pilot.pause()`` itself draws a
frame, so its floor (nothing to do) is printed too.

- ``g``: the next group, each of ``size`` symbols (two groups of the same symbols in another
  order, so every switch rebuilds every row);
- ``G``: every group under its heading (two headings, ``size`` rows), and back;
- baseline: ``s``, the quotes pane's sort (the same rows reordered in place), on the same table.

Aims: a switch of 8 symbols within one frame (16.7 ms at 60 Hz), of 200 within 50 ms (medians).
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import row

SIZES = (8, 200)
RUNS = 15
FRAME = 1 / 60


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def symbols(n: int) -> tuple[str, ...]:
    real = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")
    return real if n <= len(real) else tuple(f"S{i:03d}" for i in range(n))


def build(url: str, size: int):
    from neotui.build import make_app
    from neotui.data.market.feed import MarketFeed
    from neotui.data.market.yahoo import YahooClient
    from neotui.data.resources import bundled_config_path
    from neotui.settings import load_settings

    watched = symbols(size)
    half = size // 2
    groups = [
        {"name": "Reversed", "symbols": list(reversed(watched))},
        {"name": "Rotated", "symbols": [*watched[half:], *watched[:half]]},
    ]
    settings = load_settings(environ={}, overrides={
        "market": {"symbols": watched, "yahoo_url": url},
        "deals": {"path": str(bundled_config_path("deals.toml")), "bundled": False},
        "group": groups,
    })  # fmt: skip
    feed = MarketFeed(settings.feed_symbols, YahooClient(url, concurrency=4))
    return make_app(settings, feed=feed, live=False)


async def timed(pilot, action) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """CPU time of ``action()`` and the frame after it (the work, whatever else the machine
    runs), its wall time, and the call's own CPU share."""
    start, cpu = time.perf_counter(), time.thread_time()
    action()
    called = time.thread_time()
    await pilot.pause()
    return time.thread_time() - cpu, time.perf_counter() - start, called - cpu


async def measure(url: str, size: int) -> dict[str, list[float]]:
    app = build(url, size)
    out: dict[str, list[float]] = {
        f"{k}{x}": [] for k in ("g", "all", "sort") for x in ("", "_wall", "_call")
    }
    out["floor"] = []
    async with app.run_test(headless=True, size=(160, 48)) as pilot:
        await app.feed.refresh_once(force=True)
        await pilot.pause(0.5)  # the panes after the first frame, the first update drawn
        screen = app.watch_screen
        assert len(screen.groups.groups) == 3, screen.groups.groups
        for i in range(RUNS + 1):
            for key, action in (("g", screen.groups.cycle), ("all", screen.groups.toggle_all),
                                ("sort", screen.action_sort)):  # fmt: skip
                cpu, wall, call = await timed(pilot, action)
                if i:  # the first round warms up
                    out[key].append(cpu)
                    out[f"{key}_wall"].append(wall)
                    out[f"{key}_call"].append(call)
            if screen.groups.all:
                screen.groups.toggle_all()
            cpu = time.thread_time()
            await pilot.pause()  # nothing to do: the floor of pilot.pause()
            out["floor"].append(time.thread_time() - cpu)
        assert screen.groups.label is not None
    await app.feed.client.aclose()
    gc.collect()
    return out


def main() -> None:
    print("groups: switching watchlist groups, 8 and 200 symbols, against the sort key (medians)")
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "cfg")  # no user settings in-process
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        from tests.fake_yahoo import FakeYahoo

        fake = FakeYahoo().start()
        try:
            results = {n: asyncio.run(measure(fake.url, n)) for n in SIZES}
        finally:
            fake.stop()
    for n, r in results.items():
        aim = f"(aim <= {ms(FRAME)}, one frame)" if n <= 8 else "(aim <= 50 ms)"
        row(f"{n} symbols: g, next group: CPU of call + frame", f"{ms(med(r['g']))}  {aim}")
        row("    of which the call (rows rebuilt, status, sector booked)", ms(med(r["g_call"])))
        row("    wall (on this machine's load)", ms(med(r["g_wall"])))
        row(f"{n} symbols: G, all groups under headings: CPU", ms(med(r["all"])))
        row("    of which the call", ms(med(r["all_call"])))
        row(f"{n} symbols: s, sort (baseline): CPU", ms(med(r["sort"])))
        row("    ratio g / sort (CPU)", f"{med(r['g']) / med(r['sort']):.2f}x")
        row("    pilot.pause() with nothing to do (floor, CPU)", ms(med(r["floor"])))
    small, large = results[SIZES[0]], results[SIZES[1]]
    row(f"ratio g, {SIZES[1]} / {SIZES[0]} symbols", f"{med(large['g']) / med(small['g']):.1f}x")


if __name__ == "__main__":
    main()
