"""Building the real app for Pilot and snapshot tests: a small deals book, a frozen clock, and a
MarketFeed whose client talks to recorded Yahoo bodies through httpx.MockTransport."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import httpx

from neotui.app import NeoApp, make_app
from neotui.data.feed import MarketFeed
from neotui.data.quote import Session
from neotui.data.watch import DealsWatcher
from neotui.data.yahoo import YahooClient
from neotui.settings import load_settings
from neotui.sources import book_sources
from tests.fake_yahoo import DEFAULT_DAILY, DEFAULT_INTRADAY, _scaled, recorded
from tests.helpers import SMALL_BOOK

#: Friday 2026-11-20, 10:30 in New York: the regular session.
FROZEN = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
SYMBOLS = ("ALPH", "CHIP", "NVDA", "MDLY")
SCALES = {"ALPH": 0.09, "CHIP": 0.16, "NVDA": 0.16}


def recorded_transport(faults: dict[str, str] | None = None) -> httpx.MockTransport:
    """Serve the recorded TSLA intraday body (scaled) per symbol; MDLY gets the recorded 404."""
    faults = faults if faults is not None else {"MDLY": "404"}

    def handler(request: httpx.Request) -> httpx.Response:
        symbol = request.url.path.rsplit("/", 1)[1]
        fault = faults.get(symbol) or faults.get("*")
        if fault == "404":
            status, ctype, body = recorded("y2_chart_error_404_not_found_delisted_MDLY.json")
            return httpx.Response(status, content=body, headers={"content-type": ctype})
        if fault == "offline":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if fault == "429":
            return httpx.Response(429, text="Too Many Requests\r\n")
        if request.url.params.get("range", "1d") != "1d":
            status, ctype, body = recorded(DEFAULT_DAILY)
            return httpx.Response(status, content=body, headers={"content-type": ctype})
        _, ctype, body = recorded(DEFAULT_INTRADAY)
        scaled = _scaled(json.loads(body), symbol, SCALES.get(symbol, 0.05))
        return httpx.Response(200, content=scaled, headers={"content-type": ctype})

    return httpx.MockTransport(handler)


def build_app(
    book: Path = SMALL_BOOK,
    *,
    symbols: tuple[str, ...] = SYMBOLS,
    transport: httpx.AsyncBaseTransport | None = None,
    live: bool = False,
    with_feed: bool = True,
    clock=lambda: FROZEN,
    filings=None,
    news=None,
) -> NeoApp:
    """The real app over ``book`` with a feed on recorded bodies and a frozen clock."""
    settings = load_settings(
        environ={},
        overrides={
            "deals": {"path": str(book), "bundled": False},
            "market": {"symbols": symbols},
        },
    )
    feed = None
    if with_feed:
        client = YahooClient("http://yahoo.test", transport=transport or recorded_transport(),
                             clock=clock)  # fmt: skip
        feed = MarketFeed(
            symbols, client, intervals={s: 0.05 for s in Session}, backoff_base=0.05,
            backoff_cap=0.2, tick=0.02, clock=clock, rng=random.Random(1),
        )  # fmt: skip
    watcher = DealsWatcher(book_sources(settings), poll_interval=0.05)
    return make_app(settings, feed=feed, watcher=watcher, clock=clock, live=live,
                    filings=filings, news=news)  # fmt: skip
