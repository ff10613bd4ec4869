"""MarketFeed: schedule, per-symbol failures and backoff, offline, cache start-up, clock jumps."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from neotui.data.market.cache import QuoteCache
from neotui.data.market.feed import FeedUpdate, MarketFeed, SymbolStatus
from neotui.data.market.quote import Session
from neotui.data.market.yahoo import YahooClient
from tests.fake_yahoo import FakeYahoo, free_port_refusing
from tests.helpers import WallClock, wait_until

WATCHED = ["CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA"]
FAST = {s: 0.05 for s in Session}


def make_feed(url: str, cache: QuoteCache | None = None, **kw) -> MarketFeed:
    options = dict(intervals=FAST, backoff_base=0.1, backoff_cap=0.8, offline_cap=0.2, tick=0.02,
                   rng=random.Random(7))  # fmt: skip
    symbols = kw.pop("symbols", WATCHED)
    options.update(kw)
    client = YahooClient(url, read_timeout=1.0, connect_timeout=0.5)
    return MarketFeed(symbols, client, cache=cache, **options)


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


async def test_backoff_spaces_the_retries_and_recovery(fake_yahoo: FakeYahoo) -> None:
    """After the n-th failure nothing is asked for ``base * 2**(n-1)`` seconds (±25 % jitter,
    capped), then the symbols that failed together retry together, as one batch. The wall
    clock is the test's: it moves only when told, so no second of real time is spent."""
    fake_yahoo.set_fault("429")
    wall = WallClock()
    feed = make_feed(fake_yahoo.url, wall=wall)
    await feed.refresh_once()
    batch: set[int] = set()
    for failures in range(1, 7):
        delay = min(feed.backoff_cap, feed.backoff_base * 2 ** (failures - 1))
        before = feed.requests
        wall.advance(delay * 0.74)  # earlier than the shortest jitter allows
        await feed.refresh_once()
        assert feed.requests == before, f"asked again after {failures} failures, too early"
        wall.advance(delay * (1.26 - 0.74))  # later than the longest
        update = await feed.refresh_once()
        batch.add(feed.requests - before)
        assert {s.failures for s in update.states.values()} == {failures + 1}
    assert len(batch) == 1 and batch.pop() <= 3  # one batch: a handful, not one per symbol
    states = feed.snapshot().states
    assert all(s.status is SymbolStatus.STALE for s in states.values())
    assert states["CRWV"].reason == "rate limited by Yahoo (429)"

    fake_yahoo.heal()
    wall.advance(feed.backoff_cap * 1.26)
    update = await feed.refresh_once()
    assert all(s.status is SymbolStatus.FRESH for s in update.states.values())
    await feed.client.aclose()


async def test_offline_is_one_state_probes_gently_and_recovers() -> None:
    url = free_port_refusing()
    feed = make_feed(url)
    asked: list[str] = []
    real_quotes = feed.client.quotes

    async def quotes(symbols: list[str]):  # type: ignore[no-untyped-def]
        asked.append(",".join(symbols))
        return await real_quotes(symbols)

    feed.client.quotes = quotes  # type: ignore[method-assign]
    await feed.refresh_once()
    assert feed.offline
    assert feed.snapshot().offline_reason in ("connection refused", "cannot connect")
    assert all(s.status is SymbolStatus.PENDING for s in feed.snapshot().states.values())
    assert asked == [",".join(WATCHED)]
    delays = [feed.interval()]
    for _ in range(3):  # probes: one symbol each, further and further apart (up to the cap)
        await feed.refresh_once()
        delays.append(feed.interval())
    assert asked[1:] == ["CRWV"] * 3
    assert delays == [0.1, 0.2, 0.2, 0.2]  # backoff_base doubled, capped at offline_cap

    task = asyncio.create_task(feed.run())
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
    wall = WallClock()
    feed = make_feed(fake_yahoo.url, intervals={s: 300.0 for s in Session}, wall=wall)
    task = asyncio.create_task(feed.run())
    await wait_until(lambda: fake_yahoo.counts["CRWV"] == 1)
    reads = wall.reads
    await wait_until(lambda: wall.reads > reads + 3)  # the loop waits, reading the clock
    wall.advance(3600.0)  # an hour of sleep
    await wait_until(lambda: fake_yahoo.counts["CRWV"] == 2)
    reads = wall.reads
    await wait_until(lambda: wall.reads > reads + 10)  # several ticks of waiting again...
    assert fake_yahoo.counts["CRWV"] == 2  # ...after one refresh, not a burst of queued ones
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await feed.client.aclose()


async def test_fundamentals_failures_never_touch_quotes(fake_yahoo: FakeYahoo) -> None:
    calls = []
    hung = threading.Event()

    def fetcher(symbol: str):
        calls.append(symbol)
        if symbol == "CRWV":
            hung.wait(10)  # hangs past the timeout, until the test ends
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
    hung.set()
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
