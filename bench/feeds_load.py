"""Filings and headlines: parsing a full EDGAR submissions page, the start-up read of the cache
(what the first frame pays), and one check of 8 companies against the fake SEC (paced at 10
requests a second, so ~0.8 s is the limiter, not the code).

Aim: the cache read well under the first frame's budget (< 30 ms for 8 x 200 filings).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from bench.common import REPO, median_of, row, timed

RUNS = 7
WATCHED = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")


def main() -> None:
    sys.path.insert(0, str(REPO))
    from neotui.data.feeds_store import JsonStore
    from neotui.data.sec.client import SecClient
    from neotui.data.sec.feed import FilingsFeed
    from neotui.data.sec.submissions import parse_submissions
    from tests.fake_sec import AAPL, FakeSec, recorded

    print("feeds: EDGAR parsing, cache read at start-up, one check of 8 companies")
    body = json.loads(recorded(AAPL)[2])
    parse, _ = median_of(lambda: timed(lambda: parse_submissions(body, "AAPL")), RUNS)
    row("parse AAPL submissions (1,000 filings, median of 7)", f"{parse * 1000:.1f} ms")

    fake = FakeSec().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = JsonStore(Path(tmp) / "feeds.db")

            async def check() -> float:
                client = SecClient("bench bench@example.com", data_url=fake.url,
                                   tickers_url=fake.tickers_url)  # fmt: skip
                feed = FilingsFeed(WATCHED, client, store)
                loop = asyncio.get_running_loop()
                start = loop.time()
                await feed.refresh_once()
                took = loop.time() - start
                await client.aclose()
                return took

            first = asyncio.run(check())
            row("first check, 8 companies + tickers table (9 requests)", f"{first * 1000:.0f} ms")
            again = asyncio.run(check())
            row("next check, conditional (8 requests, 304s)", f"{again * 1000:.0f} ms")

            def read() -> None:
                FilingsFeed(WATCHED, None, store).load_cached()

            cached, _ = median_of(lambda: timed(read), RUNS)
            row("cache read at start-up (8 x 200 filings, median of 7)",
                f"{cached * 1000:.1f} ms  (aim < 30 ms)")  # fmt: skip
    finally:
        fake.stop()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
