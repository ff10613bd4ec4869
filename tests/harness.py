"""Building the real app for Pilot and snapshot tests: a small deals book, a frozen clock, and a
MarketFeed whose client talks to recorded Yahoo bodies through httpx.MockTransport."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from neotui.app import NeoApp
from neotui.build import make_app
from neotui.data.deals.watcher import DealsWatcher
from neotui.data.market.feed import MarketFeed
from neotui.data.market.quote import Session
from neotui.data.market.yahoo import YahooClient
from neotui.settings import load_settings
from neotui.sources import book_sources
from tests.fake_yahoo import DEMO, FakeYahoo
from tests.helpers import FROZEN, SMALL_BOOK, wait_until


class PanesApp(NeoApp):
    """NeoApp whose ``run_test`` waits, after the first frame, for the panes the watch screen
    mounts right after it (timeline, capacity, filter box, valuation) and for the start that
    follows them (cached filings and headlines read, workers started): tests then start from
    the screen a user sees a moment after launch, and what they deliver is not overwritten by
    the cached data read at that start."""

    @asynccontextmanager
    async def run_test(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with super().run_test(*args, **kwargs) as pilot:
            await wait_until(lambda: self.watch_screen.panes_ready and self.started, pilot=pilot)
            yield pilot


SYMBOLS = ("ALPH", "CHIP", "NVDA", "MDLY")
SCALES = {"ALPH": 0.09, "CHIP": 0.16, "NVDA": 0.16}


def fake_switchboard(faults: dict[str, str] | None = None, clock=lambda: FROZEN) -> FakeYahoo:
    """The fake Yahoo's answers (not started: used through its MockTransport), with the test
    symbols' prices and market caps; MDLY is unknown to Yahoo (the recorded 404)."""
    faults = faults if faults is not None else {"MDLY": "404"}
    fake = FakeYahoo(clock=clock)
    for symbol, (scale, shares) in DEMO.items():  # the watchlist's prices and market caps
        fake.route(symbol).scale = scale
        fake.route(symbol).shares = shares
    for symbol, scale in SCALES.items():
        fake.route(symbol).scale = scale
    fake.route("ALPH").shares = 4.9e8
    fake.route("CHIP").shares = 2.43e10
    fake.route("NVDA").shares = 2.43e10
    for symbol, fault in faults.items():
        if symbol == "*":
            fake.fault = fault
        else:
            fake.set_fault(fault, symbol)
    return fake


def recorded_transport(faults: dict[str, str] | None = None) -> httpx.MockTransport:
    """Recorded bodies per symbol through the fake's switchboard (batch quote, spark, chart);
    ``{"*": "offline"}`` refuses every connection, ``{"*": "429"}`` throttles everything."""
    fake = fake_switchboard(faults)
    return fake.mock_transport()


def build_app(
    book: Path = SMALL_BOOK,
    *,
    symbols: tuple[str, ...] = SYMBOLS,
    transport: httpx.AsyncBaseTransport | None = None,
    live: bool = False,
    with_feed: bool = True,
    clock=lambda: FROZEN,
    extra: dict[str, Any] | None = None,
    app_class: type[NeoApp] | None = None,
    filings=None,
    news=None,
) -> NeoApp:
    """The real app over ``book`` with a feed on recorded bodies and a frozen clock.

    ``extra`` adds settings as a settings file would, e.g. ``{"lot": [{...}], "alert": [...]}``.
    By default its ``run_test`` hands over the pilot once the whole watch screen is mounted
    (:class:`PanesApp`); ``app_class=NeoApp`` hands it over at the first frame.
    """
    settings = load_settings(
        environ={},
        overrides={
            "deals": {"path": str(book), "bundled": False},
            # No stream unless a test asks for one (tests/test_stream_app.py): the frozen clock
            # is in regular hours, and the default stream URL is Yahoo's.
            "market": {"symbols": symbols, "stream": False},
            **(extra or {}),
        },
    )
    feed = None
    if with_feed:
        client = YahooClient("http://yahoo.test", transport=transport or recorded_transport(),
                             clock=clock)  # fmt: skip
        feed = MarketFeed(
            settings.feed_symbols, client, intervals={s: 0.05 for s in Session}, backoff_base=0.05,
            backoff_cap=0.2, tick=0.02, clock=clock, rng=random.Random(1),
        )  # fmt: skip
    watcher = DealsWatcher(book_sources(settings), poll_interval=0.05)
    return make_app(settings, feed=feed, watcher=watcher, clock=clock, live=live,
                    filings=filings, news=news, app_class=app_class or PanesApp)  # fmt: skip
