"""MarketFeed: schedule, per-symbol failures and backoff, offline, cache start-up, clock jumps."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from neotui.data.market.cache import QuoteCache
from neotui.data.market.feed import FeedUpdate, MarketFeed, SymbolStatus
from neotui.data.market.quote import Session
from neotui.data.market.yahoo import YahooClient
from tests.fake_yahoo import FakeYahoo, free_port_refusing

WATCHED = ["CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA"]
FAST = {s: 0.05 for s in Session}


def make_feed(url: str, cache: QuoteCache | None = None, **kw) -> MarketFeed:
    options = dict(intervals=FAST, backoff_base=0.1, backoff_cap=0.8, offline_cap=0.2, tick=0.02,
                   rng=random.Random(7))  # fmt: skip
    symbols = kw.pop("symbols", WATCHED)
    options.update(kw)
    client = YahooClient(url, read_timeout=1.0, connect_timeout=0.5)
    return MarketFeed(symbols, client, cache=cache, **options)


async def run_for(feed: MarketFeed, seconds: float) -> None:
    task = asyncio.create_task(feed.run())
    await asyncio.sleep(seconds)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


@pytest.fixture
async def feed(fake_yahoo: FakeYahoo) -> AsyncIterator[MarketFeed]:
    f = make_feed(fake_yahoo.url)
    yield f
    await f.client.aclose()


async def test_refresh_publishes_fresh_quotes(feed: MarketFeed) -> None:
    updates: list[FeedUpdate] = []
    feed.subscribe(updates.append)
    update = await feed.refresh_once()
    assert update.changed == frozenset(WATCHED)
    assert all(s.status is SymbolStatus.FRESH for s in update.states.values())
    assert update.states["CRWV"].quote.symbol == "CRWV"
    assert update.last_result == "8/8 ok" and not update.offline
    assert updates[0].refreshing and not updates[-1].refreshing


async def test_not_found_is_marked_and_retried_rarely(
    feed: MarketFeed, fake_yahoo: FakeYahoo
) -> None:
    fake_yahoo.set_fault("404", "CORZ")
    first = await feed.refresh_once()
    state = first.states["CORZ"]
    assert state.status is SymbolStatus.NOT_FOUND
    assert state.reason == "No data found, symbol may be delisted"
    asked = fake_yahoo.counts["CORZ"]  # left out of the batch, then its chart says 404
    assert asked == 2
    await feed.refresh_once()
    await feed.refresh_once()
    assert fake_yahoo.counts["CORZ"] == asked  # not asked again for 30 minutes
    assert fake_yahoo.counts["CRWV"] == 3


async def test_failure_keeps_last_good_quote_marked_stale(feed, fake_yahoo) -> None:
    good = (await feed.refresh_once()).states["NBIS"].quote
    fake_yahoo.set_fault("500")
    update = await feed.refresh_once(force=True)
    state = update.states["NBIS"]
    assert state.status is SymbolStatus.STALE
    assert state.quote == good
    assert state.reason == "Yahoo server error (500)"
    assert update.last_result == "0/8 ok, 8 failed"


async def test_backoff_lowers_the_request_rate_and_recovery(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_fault("429")
    feed = make_feed(fake_yahoo.url)
    task = asyncio.create_task(feed.run())
    start = time.monotonic()
    await asyncio.sleep(2.0)
    early = fake_yahoo.rate(start, start + 0.5)
    late = fake_yahoo.rate(start + 1.5, start + 2.0)
    assert early >= 3  # a refresh is one batch: a handful of requests, not one per symbol
    assert late < early / 2, (early, late)
    states = feed.snapshot().states
    assert all(s.status is SymbolStatus.STALE for s in states.values())
    assert states["CRWV"].reason == "rate limited by Yahoo (429)"
    assert states["CRWV"].failures >= 3

    fake_yahoo.heal()
    await wait_until(
        lambda: all(s.status is SymbolStatus.FRESH for s in feed.snapshot().states.values())
    )
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await feed.client.aclose()


async def test_offline_is_one_state_probes_gently_and_recovers() -> None:
    url = free_port_refusing()
    feed = make_feed(url)
    updates: list[FeedUpdate] = []
    feed.subscribe(updates.append)
    task = asyncio.create_task(feed.run())
    await wait_until(lambda: feed.offline)
    assert feed.snapshot().offline_reason in ("connection refused", "cannot connect")
    assert all(s.status is SymbolStatus.PENDING for s in feed.snapshot().states.values())
    requests_when_offline = feed.requests
    await asyncio.sleep(0.6)
    probes = feed.requests - requests_when_offline
    assert 1 <= probes <= 6  # one symbol per probe, spaced out: not 8 per cycle

    fake = FakeYahoo().start(port=int(url.rsplit(":", 1)[1]))  # the network comes back
    try:
        await wait_until(
            lambda: (
                not feed.offline
                and all(s.status is SymbolStatus.FRESH for s in feed.snapshot().states.values())
            )
        )
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await feed.client.aclose()
        fake.stop()


async def test_cached_quotes_at_start_up_before_any_network(tmp_path: Path, fake_yahoo) -> None:
    cache = QuoteCache(tmp_path / "cache.db")
    first = make_feed(fake_yahoo.url, cache)
    await first.refresh_once()
    await first.client.aclose()
    fetched = {s: st.quote for s, st in first.snapshot().states.items()}
    cache.close()

    cache = QuoteCache(tmp_path / "cache.db")
    second = make_feed(free_port_refusing(), cache)
    update = second.load_cached()
    assert second.requests == 0
    assert update.changed == frozenset(WATCHED)
    for symbol, state in update.states.items():
        assert state.status is SymbolStatus.STALE and state.reason == "cached"
        assert state.quote == fetched[symbol]
    later = datetime.now(UTC)
    assert 0 <= update.states["CRWV"].age(later) < 60
    await second.client.aclose()


async def test_manual_refresh_jumps_the_wait(fake_yahoo: FakeYahoo) -> None:
    feed = make_feed(fake_yahoo.url, intervals={s: 100.0 for s in Session})
    task = asyncio.create_task(feed.run())
    await wait_until(lambda: fake_yahoo.counts["CRWV"] == 1)
    feed.request_refresh()
    await wait_until(lambda: fake_yahoo.counts["CRWV"] == 2, timeout=2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await feed.client.aclose()


async def test_wall_clock_jump_makes_one_refresh_due_at_once(fake_yahoo: FakeYahoo) -> None:
    """After a laptop sleeps the monotonic clock has not moved, the wall clock has."""
    offset = 0.0
    feed = make_feed(fake_yahoo.url, intervals={s: 300.0 for s in Session},
                     wall=lambda: time.time() + offset)  # fmt: skip
    task = asyncio.create_task(feed.run())
    await wait_until(lambda: fake_yahoo.counts["CRWV"] == 1)
    await asyncio.sleep(0.1)
    offset = 3600.0  # an hour of sleep
    await wait_until(lambda: fake_yahoo.counts["CRWV"] == 2, timeout=2)
    await asyncio.sleep(0.3)
    assert fake_yahoo.counts["CRWV"] == 2  # one refresh, not a burst of queued ones
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await feed.client.aclose()


async def test_fundamentals_failures_never_touch_quotes(fake_yahoo: FakeYahoo) -> None:
    calls = []

    def fetcher(symbol: str):
        calls.append(symbol)
        if symbol == "CRWV":
            time.sleep(1.0)  # hangs past the timeout
        if symbol == "NBIS":
            raise RuntimeError("Too Many Requests. Rate limited. Try after a while.")
        return {"totalDebt": 1e9, "totalRevenue": 2e9}, {"marketCap": 5e10, "shares": 4e8}

    feed = make_feed(fake_yahoo.url, symbols=["CRWV", "NBIS", "NVDA"],
                     fundamentals_fetcher=fetcher, fundamentals_timeout=0.2)  # fmt: skip
    task = asyncio.create_task(feed.run())
    await wait_until(lambda: feed.snapshot().states["NVDA"].fundamentals is not None)
    states = feed.snapshot().states
    assert states["CRWV"].fundamentals_error == "yfinance did not answer within 0.2s"
    assert states["NBIS"].fundamentals_error == "yfinance rate limited"
    assert states["NVDA"].fundamentals.market_cap == 5e10
    assert all(s.status is SymbolStatus.FRESH for s in states.values())
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await feed.client.aclose()


async def test_history_is_cached(tmp_path: Path, fake_yahoo: FakeYahoo) -> None:
    feed = make_feed(fake_yahoo.url, QuoteCache(tmp_path / "c.db"))
    history, reason = await feed.history("NVDA")
    assert reason is None and len(history.closes) == 252
    again, _ = await feed.history("NVDA")
    assert again == history and fake_yahoo.counts["NVDA"] == 1
    await feed.client.aclose()
