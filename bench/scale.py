"""Scale: 500 watched symbols and a 10,000-deal file.

(a) first paint (launch to the first frame, headless, fresh interpreter; aim < 1 s), against the
    watchlist-sized app (8 symbols, bundled dataset) measured the same way in the same run;
(b) one refresh's UI update with all 500 rows changed (show_quotes + the repaint; aim < 50 ms),
    against 8 rows;
(c) filtering the 10,000-deal timeline by text and clearing it (aim < 50 ms), against the
    36-deal bundled timeline.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, free_port, generate_deals, row

SYMBOLS = tuple(f"S{i:03d}" for i in range(500))
WATCHLIST = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")
RUNS = 5


def first_paint(env: dict[str, str]) -> float:
    env = {**env, "NEOTUI_BENCH_START": repr(time.time())}
    probe = [sys.executable, str(REPO / "bench" / "paint_probe.py"), "neotui"]
    out = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(out.stderr[-2000:])
    return float(out.stdout.split()[0])


async def ui_figures(deals: Path | None, symbols: tuple[str, ...]) -> tuple[float, float]:
    """Median ms of one refresh's UI update (all rows changed) and of filter + clear."""
    from neotui.app import make_app
    from neotui.data.feed import MarketFeed
    from neotui.data.watch import DealsWatcher
    from neotui.data.yahoo import YahooClient
    from neotui.settings import load_settings
    from neotui.sources import book_sources
    from neotui.widgets.timeline import DealTable
    from tests.fake_yahoo import FakeYahoo

    fake = FakeYahoo().start()
    rng = random.Random(3)
    overrides = {"market": {"symbols": symbols}}
    if deals is not None:
        overrides["deals"] = {"path": str(deals), "bundled": False}
    settings = load_settings(environ={}, overrides=overrides)
    feed = MarketFeed(symbols, YahooClient(fake.url, concurrency=8))
    app = make_app(settings, feed=feed, watcher=DealsWatcher(book_sources(settings)), live=False)
    updates, filters = [], []
    try:
        async with app.run_test(headless=True, size=(160, 48)) as pilot:
            for _ in range(RUNS):
                for s in symbols:  # new prices everywhere: every row must change
                    fake.route(s).scale = rng.uniform(0.05, 0.2)
                update = await feed.refresh_once(force=True)
                await pilot.pause()
                start = time.perf_counter()
                app.watch_screen.show_quotes(update, update.changed)
                await pilot.pause()
                updates.append(time.perf_counter() - start)
            table = app.screen.query_one(DealTable)
            for _ in range(RUNS):
                start = time.perf_counter()
                table.set_filter(text="microsoft")
                table.set_filter(text="")
                await pilot.pause()
                filters.append(time.perf_counter() - start)
    finally:
        fake.stop()
    return statistics.median(updates) * 1000, statistics.median(filters) * 1000


def main() -> None:
    print("scale: 500 symbols, 10,000 deals (medians)")
    with tempfile.TemporaryDirectory() as home:
        deals = generate_deals(Path(home) / "deals.toml", 10_000)
        offline = f"http://127.0.0.1:{free_port()}"
        env = {**os.environ, "XDG_CACHE_HOME": f"{home}/cache", "XDG_CONFIG_HOME": f"{home}/cfg",
               "PYTHONPATH": str(REPO), "NEOTUI_YAHOO_URL": offline}  # fmt: skip
        big = {**env, "NEOTUI_SYMBOLS": ",".join(SYMBOLS), "NEOTUI_DEALS": str(deals),
               "NEOTUI_BUNDLED_DEALS": "false"}  # fmt: skip
        first_paint(env)  # warm the file cache
        small_paint = statistics.median(first_paint(env) for _ in range(RUNS))
        big_paint = statistics.median(first_paint(big) for _ in range(RUNS))
        row("first paint, 8 symbols + bundled dataset", f"{small_paint * 1000:.0f} ms")
        row("first paint, 500 symbols + 10,000 deals", f"{big_paint * 1000:.0f} ms  (aim < 1000 ms)"
            f"; {big_paint / small_paint:.1f}x")  # fmt: skip
        small_update, small_filter = asyncio.run(ui_figures(None, WATCHLIST))
        big_update, big_filter = asyncio.run(ui_figures(deals, SYMBOLS))
    row("refresh UI update, 8 rows changed", f"{small_update:.1f} ms")
    row("refresh UI update, 500 rows changed", f"{big_update:.1f} ms  (aim < 50 ms)")
    row("timeline filter + clear, 36 deals", f"{small_filter:.1f} ms")
    row("timeline filter + clear, 10,000 deals", f"{big_filter:.1f} ms  (aim < 50 ms)")


if __name__ == "__main__":
    main()
