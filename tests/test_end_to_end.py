"""End to end: the real app, its real HTTP client and cache, against the local fake Yahoo server,
driven by Pilot. Faults are switched on and off on the server while the app runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from neotui.app import NeoApp
from neotui.build import make_app
from neotui.data.market.feed import FeedUpdate, MarketFeed, SymbolStatus
from neotui.data.market.http import BrowserSession
from neotui.settings import load_settings
from neotui.sources import build_feed
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.status_line import StatusLine
from neotui.widgets.timeline import DealTable
from tests.fake_yahoo import FakeYahoo
from tests.harness import PanesApp
from tests.helpers import SMALL_BOOK, record_notices, wait_until

WATCHED = ("CRWV", "NBIS", "NVDA")
SIZE = (160, 48)


def real_app(url: str, book: Path = SMALL_BOOK, wall: Callable[[], float] | None = None) -> NeoApp:
    """What `neotui` builds, pointed at ``url``, with fast refreshes and short backoff; with
    ``wall``, its feed reads that wall clock (and keeps no cache)."""
    settings = load_settings(
        environ={"NEOTUI_YAHOO_URL": url},
        overrides={
            "market": {"symbols": WATCHED, "read_timeout": 0.5, "connect_timeout": 0.5},
            "refresh": {"regular": 0.1, "prepost": 0.1, "closed": 0.1},
            "deals": {"path": str(book), "bundled": False},
        },
    )
    feed: MarketFeed | bool = True
    if wall is not None:
        built = build_feed(settings, None)
        feed = MarketFeed(built.symbols, built.client, intervals=built.intervals, wall=wall)
    app = make_app(settings, feed=feed, app_class=PanesApp)
    app.feed.backoff_base, app.feed.backoff_cap, app.feed.tick = 0.1, 0.4, 0.05
    app.feed.offline_cap = 0.3
    app.watcher.poll_interval = 0.05
    return app


class RefreshCycles:
    """How many requests reached the fake in each of the feed's refreshes from now on."""

    def __init__(self, app: NeoApp, fake: FakeYahoo) -> None:
        self.requests: list[int] = []
        self.fake = fake
        self.started: int | None = None  # requests seen when the refresh under way began
        app.feed.subscribe(self.on_update)

    def on_update(self, update: FeedUpdate) -> None:
        """A refresh publishes once as it starts and once with its result."""
        if update.refreshing:
            self.started = len(self.fake.requests)
        elif self.started is not None:
            self.requests.append(len(self.fake.requests) - self.started)
            self.started = None


def statuses(app: NeoApp) -> set[SymbolStatus]:
    return {s.status for s in app.last_feed.states.values()} if app.last_feed else set()


async def test_prices_appear_then_429_storm_goes_stale_and_recovers(fake_yahoo: FakeYahoo) -> None:
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        quotes = app.screen.query_one(QuotesTable)
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        assert quotes.get_row("CRWV")[1].plain != "—"
        # the production path: browser session, batch quote with cookie and crumb
        assert isinstance(app.feed.client.session, BrowserSession)
        assert fake_yahoo.paths["/v7/finance/quote"] >= 1
        # no per-symbol intraday charts (the event study's 2-year daily charts are another job)
        intraday = [q for _, _, q in fake_yahoo.requests if "range=1d" in q and "symbols=" not in q]
        assert intraday == []
        assert quotes.get_row("CRWV")[6].plain.startswith("$")  # market cap

        cycles = RefreshCycles(app, fake_yahoo)
        fake_yahoo.set_fault("429")
        await wait_until(lambda: statuses(app) == {SymbolStatus.STALE}, pilot=pilot)
        row = quotes.get_row("NBIS")
        assert "rate limited by Yahoo (429)" in row[-1].plain
        assert row[1].plain != "—"  # the last good price stays
        # Backoff lowers the request rate: by the 4th failure (retries 0.1, 0.2, 0.4 s apart)
        # some of the loop's refreshes (every 0.1 s) found nothing due and asked for nothing.
        await wait_until(lambda: app.feed.snapshot().states["NBIS"].failures >= 4, pilot=pilot)
        assert 0 in cycles.requests, cycles.requests

        await pilot.press("j", "k")  # still responsive to keys
        fake_yahoo.heal()
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        assert "✓" in app.screen.query_one(StatusLine).plain


@pytest.mark.parametrize("fault", ["500", "html", "truncated", "reset", "empty"])
async def test_each_fault_marks_rows_stale_with_a_reason_and_heals(
    fake_yahoo: FakeYahoo, fault: str
) -> None:
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        fake_yahoo.set_fault(fault)
        await wait_until(lambda: statuses(app) == {SymbolStatus.STALE}, pilot=pilot)
        reasons = {s.reason for s in app.last_feed.states.values()}
        assert len(reasons) == 1 and next(iter(reasons))
        await pilot.press("tab")
        fake_yahoo.heal()
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("invalid_crumb", "a new crumb was refused too (401 Invalid Crumb)"),
        ("invalid_cookie", "a new crumb was refused too (401 Invalid Cookie)"),
        ("denied", "User is unable to access this feature"),
        ("consent", "EU cookie consent (redirected to guce.yahoo.com)"),
    ],
)
async def test_closed_crumb_path_still_brings_prices(
    fake_yahoo: FakeYahoo, fault: str, said: str
) -> None:
    fake_yahoo.set_auth_fault(fault)
    app = real_app(fake_yahoo.url)
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        assert fake_yahoo.paths["/v8/finance/chart"] >= 3  # from the charts instead
        assert "per-symbol charts" in app.screen.query_one(StatusLine).plain
        toasts = [n.message for n in notices if said in n.message]
        assert len(toasts) == 1  # said once, in one line
        assert app.last_feed.source_note and said in app.last_feed.source_note


async def test_throttled_crumb_backs_off_then_recovers(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_auth_fault("crumb_429")
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            lambda: (
                app.last_feed is not None and all(s.reason for s in app.last_feed.states.values())
            ),
            pilot=pilot,
        )
        reasons = {s.reason for s in app.last_feed.states.values()}
        assert reasons == {"rate limited by Yahoo (429)"}
        # throttled: no pile-on of per-symbol intraday charts (the event study's daily charts
        # are another job, on their own schedule)
        intraday = [q for _, _, q in fake_yahoo.requests if "range=1d" in q and "symbols=" not in q]
        assert intraday == []
        fake_yahoo.heal()
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        assert fake_yahoo.paths["/v7/finance/quote"] >= 1


async def test_hanging_server_keeps_the_app_responsive(fake_yahoo: FakeYahoo) -> None:
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        session = app.feed.client.session  # requests now hang for up to 5.5 s
        session.options = replace(session.options, read_timeout=5.0)
        await session.aclose()  # the next request builds a pool with that timeout
        fake_yahoo.set_fault("hang")
        await wait_until(lambda: app.feed.refreshing, pilot=pilot)
        started = time.monotonic()
        await pilot.press("slash", *"micro")
        await pilot.pause()
        # the keys were handled while the refresh was still waiting on the server
        assert app.feed.refreshing
        assert time.monotonic() - started < 4.0
        assert len(app.screen.query_one(DealTable).shown) == 3
        await wait_until(lambda: statuses(app) == {SymbolStatus.STALE}, pilot=pilot)
        assert {s.reason for s in app.last_feed.states.values()} == {"no answer in time"}
        fake_yahoo.heal()
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)


async def test_no_network_at_start_then_recovery(tmp_path: Path) -> None:
    from tests.fake_yahoo import free_port_refusing

    url = free_port_refusing()
    app = real_app(url)
    async with app.run_test(size=SIZE) as pilot:
        status = app.screen.query_one(StatusLine)
        assert len(app.screen.query_one(DealTable).shown) == 6  # deals at once
        await wait_until(lambda: "OFFLINE" in status.plain, pilot=pilot)
        fake = FakeYahoo().start(port=int(url.rsplit(":", 1)[1]))
        try:
            await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
            assert "OFFLINE" not in status.plain
        finally:
            fake.stop()


async def test_resize_down_to_40x12_and_back(fake_yahoo: FakeYahoo) -> None:
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        for size in ((80, 24), (40, 12), (20, 6), (160, 48)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        screen = app.screen
        assert not screen.has_class("narrow") and not screen.has_class("short")
        assert screen.query_one(QuotesTable).row_count == 3
