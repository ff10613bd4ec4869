"""Refresh wall time and request count: 8 and 200 symbols at 0 and 400 ms server latency.

Two paths, measured alternately in the same run against the local fake Yahoo server (in its own
process), each through the real MarketFeed over the browser session:

- batch (the default): the v7 batch quote (50 symbols a request) and the spark series (20 a
  request) in flight together, with the cookie and crumb obtained once;
- chart (the fallback, and how every refresh worked before): one chart request per symbol, at
  most ``concurrency`` (8) in flight.

Aims: 8 symbols at 400 ms within 1.25 latencies of the 0 ms time; 200 symbols within 3 latencies.
Each figure is the median of several refreshes (HTTP, parsing, state updates; no cache writes).
"""

from __future__ import annotations

import asyncio
import statistics
import time

from bench.common import fake_server, free_port, row

WATCHED = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")
LATENCY = 0.4


async def measure(url: str, symbols: tuple[str, ...], runs: int, batch: bool) -> tuple[float, int]:
    """Median seconds of one forced refresh, and the HTTP requests one refresh makes."""
    from neotui.data.market.feed import MarketFeed
    from neotui.data.market.yahoo import YahooClient

    async with YahooClient(url, batch=batch) as client:
        feed = MarketFeed(symbols, client)
        await feed.refresh_once(force=True)  # warm the pool; cookie and crumb
        samples = []
        before = feed.requests
        for _ in range(runs):
            start = time.perf_counter()
            update = await feed.refresh_once(force=True)
            samples.append(time.perf_counter() - start)
            assert update.last_result == f"{len(symbols)}/{len(symbols)} ok", update.last_result
        per_refresh = (feed.requests - before) // runs
    return statistics.median(samples), per_refresh


def main() -> None:
    print(f"refresh: wall time of one refresh (median), batch vs chart path, {LATENCY * 1000:.0f} "
          "ms latency")  # fmt: skip
    many = tuple(f"S{i:03d}" for i in range(200))
    figures: dict[tuple[str, int, float], tuple[float, int]] = {}
    for latency in (0.0, LATENCY):
        with fake_server(free_port(), latency=latency) as url:
            for symbols in (WATCHED, many):
                for batch in (True, False):  # alternately, same server, same minute
                    runs = 7 if latency == 0 or len(symbols) == 8 else 3
                    if not batch and len(symbols) == 200 and latency:
                        runs = 1  # 25 waves of 400 ms: one is enough to see it
                    figures[("batch" if batch else "chart", len(symbols), latency)] = asyncio.run(
                        measure(url, symbols, runs, batch)
                    )
    for n in (8, 200):
        for path in ("batch", "chart"):
            base, requests = figures[(path, n, 0.0)]
            slow, _ = figures[(path, n, LATENCY)]
            latencies = (slow - base) / LATENCY
            aim = ""
            if path == "batch":
                limit = 1.25 if n == 8 else 3.0
                verdict = "✓" if latencies <= limit else "✗"
                aim = f"  (aim ≤ {limit:g} latencies {verdict})"
            row(f"{n} symbols, {path}: 0 ms / {LATENCY * 1000:.0f} ms",
                f"{base * 1000:.0f} / {slow * 1000:.0f} ms = +{latencies:.2f} latencies, "
                f"{requests} requests{aim}")  # fmt: skip
    requests = figures[("batch", 8, 0.0)][1]
    per_hour, chart_per_hour = 3600 / 15 * requests, 3600 / 15 * figures[("chart", 8, 0.0)][1]
    row(
        "8 symbols, batch: requests per hour at the 15 s regular-session refresh",
        f"{per_hour:.0f} (chart path: {chart_per_hour:.0f})",
    )


if __name__ == "__main__":
    main()
