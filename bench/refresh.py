"""Refresh wall time: one concurrent fetch of 8 and of 200 symbols from the local fake Yahoo
server at 0 and 300 ms latency (concurrency 4, the default). Aim: 8 symbols at 300 ms < 0.7 s.

The fake server runs in its own process; each figure is the median of several refreshes through
the real MarketFeed (HTTP, parsing, state updates; no cache writes).
"""

from __future__ import annotations

import asyncio
import statistics
import time

from bench.common import fake_server, free_port, row

WATCHED = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")


async def measure(url: str, symbols: tuple[str, ...], runs: int) -> list[float]:
    from neotui.data.feed import MarketFeed
    from neotui.data.yahoo import YahooClient

    async with YahooClient(url, concurrency=4) as client:
        feed = MarketFeed(symbols, client)
        await feed.refresh_once(force=True)  # warm the connection pool
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            update = await feed.refresh_once(force=True)
            samples.append(time.perf_counter() - start)
            assert update.last_result == f"{len(symbols)}/{len(symbols)} ok", update.last_result
    return samples


def main() -> None:
    print("refresh: wall time of one refresh (median)")
    many = tuple(f"S{i:03d}" for i in range(200))
    for latency in (0.0, 0.3):
        with fake_server(free_port(), latency=latency) as url:
            for symbols, runs in ((WATCHED, 7), (many, 3 if latency else 7)):
                samples = asyncio.run(measure(url, symbols, runs))
                ideal = -(-len(symbols) // 4) * latency
                aim = "  (aim < 700 ms)" if latency and len(symbols) == 8 else ""
                extra = f"; floor at 4 in flight {ideal * 1000:.0f} ms" if latency else ""
                row(f"{len(symbols)} symbols, {latency * 1000:.0f} ms latency",
                    f"{statistics.median(samples) * 1000:.0f} ms{extra}{aim}")  # fmt: skip


if __name__ == "__main__":
    main()
