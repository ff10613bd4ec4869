"""The stream client and the live quotes against the fake streamer on 127.0.0.1: replayed frames
become ticks, the subscription is repeated, and a refused upgrade, a silent socket, garbage, a
dropped socket and a 50 MB frame each end in a reconnect and, repeated, in polling."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from neotui.data.market.feed import MarketFeed, SymbolStatus
from neotui.data.market.quote import Session
from neotui.data.market.stream import QuoteStream, StreamState, probe
from neotui.data.market.stream_live import LiveQuotes
from neotui.data.market.stream_wire import StreamTick
from neotui.data.market.yahoo import YahooClient
from tests.fake_stream import DKNG_FRAME, FakeStream, frame
from tests.harness import recorded_transport
from tests.helpers import FROZEN


@pytest.fixture
def fake() -> Iterator[FakeStream]:
    with FakeStream() as server:
        yield server


def fast(url: str, symbols: list[str], ticks: list[StreamTick], **kw: object) -> QuoteStream:
    """A stream with test-sized timings: failures come in tenths of a second."""
    options: dict[str, object] = dict(resubscribe=0.2, silent_after=0.5, connect_deadline=1.0,
                                      send_deadline=0.5, backoff_base=0.01, backoff_cap=0.02,
                                      rng=random.Random(1))  # fmt: skip
    options.update(kw)
    return QuoteStream(url, symbols, ticks.append, **options)  # type: ignore[arg-type]


async def test_replays_the_recorded_frame_and_resubscribes(fake: FakeStream) -> None:
    fake.frames = [DKNG_FRAME]
    ticks: list[StreamTick] = []
    started = time.monotonic()
    stream = fast(fake.url, ["DKNG", "NVDA"], ticks,
                  keep_going=lambda: time.monotonic() - started < 0.7, silent_after=5)  # fmt: skip
    assert await stream.run() is None
    assert [(t.symbol, t.price) for t in ticks] == [("DKNG", 24.535)]
    assert fake.subscriptions[0] == ["DKNG", "NVDA"]
    assert len(fake.subscriptions) >= 3  # at 0, 0.2, 0.4 s... the server's cadence
    assert stream.connects == 1


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("refuse", "upgrade refused (HTTP 403)"),
        ("silent", "silent for 0.5 s"),
        ("garbage", "silent for 0.5 s"),  # garbage is not a sign of life
        ("huge", "a frame over 64 KB"),
    ],
)
async def test_each_fault_ends_in_polling_after_max_failures(
    fake: FakeStream, fault: str, reason: str
) -> None:
    fake.fault = fault
    ticks: list[StreamTick] = []
    states: list[tuple[StreamState, str | None]] = []
    # A 50 MB frame takes the server a while to send on a busy machine: no silence meanwhile.
    stream = fast(fake.url, ["CRWV"], ticks, max_failures=3, silent_after=5.0 if fault == "huge"
                  else 0.5, on_state=lambda s, r: states.append((s, r)))  # fmt: skip
    assert await asyncio.wait_for(stream.run(), 10) == reason
    assert ticks == [] and stream.connects == 3
    if fault == "garbage":
        assert stream.gate.counts["bad_price"] == 3 * 4 and stream.gate.counts["not_json"] == 6
    if fault == "huge":
        assert stream.gate.counts["too_large"] == 3


async def test_unreachable_and_hung_handshake_are_failures() -> None:
    ticks: list[StreamTick] = []
    refused = fast("ws://127.0.0.1:9/", ["CRWV"], ticks, max_failures=2)
    assert await refused.run() == "unreachable: connection refused"

    async def accept_and_hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    server = await asyncio.start_server(accept_and_hang, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    hung = fast(f"ws://127.0.0.1:{port}/", ["CRWV"], ticks, max_failures=2, connect_deadline=0.3)
    started = time.monotonic()
    assert await hung.run() == "no connection in 0.3 s"
    assert time.monotonic() - started < 3
    server.close()


async def test_a_dropped_socket_reconnects_and_resets_the_failures(fake: FakeStream) -> None:
    fake.fault = "drop"
    now_ms = int(time.time() * 1000)
    fake.frames = [frame("CRWV", 100.0, now_ms)]
    ticks: list[StreamTick] = []
    stream = fast(fake.url, ["CRWV"], ticks, max_failures=2,
                  keep_going=lambda: stream.connects < 5)  # fmt: skip
    assert await stream.run() is None  # never two failures in a row: every socket gave a tick
    assert stream.connects == 5  # the fifth is closed at once: told to stop
    assert len(ticks) == 4  # the same millisecond again is a second trade, not an old tick


async def test_old_ticks_after_a_reconnect_are_no_sign_of_life(fake: FakeStream) -> None:
    fake.fault = "drop"
    now_ms = int(time.time() * 1000)
    fake.frames = [frame("CRWV", 100.0, now_ms)]
    ticks: list[StreamTick] = []
    stream = fast(fake.url, ["CRWV"], ticks, max_failures=2)
    stream.gate.take(frame("CRWV", 101.0, now_ms + 1000))  # a newer tick was seen before
    assert await stream.run() == "closed by the server (code 1000)"
    assert ticks == [] and stream.gate.counts["old"] == 2 and stream.connects == 2


# --- live quotes: the stream inside the feed ----------------------------------------------------


def feed_on(symbols: tuple[str, ...], clock: object = lambda: FROZEN) -> MarketFeed:
    client = YahooClient("http://yahoo.test", transport=recorded_transport({}), clock=clock)  # type: ignore[arg-type]
    return MarketFeed(symbols, client, intervals={Session.REGULAR: 15.0, Session.PRE: 30.0,
                      Session.POST: 30.0, Session.CLOSED: 300.0}, clock=clock)  # type: ignore[arg-type]  # fmt: skip


def live_on(feed: MarketFeed, url: str, **kw: object) -> LiveQuotes:
    options = dict(resubscribe=0.2, silent_after=0.5, connect_deadline=1.0, send_deadline=0.5,
                   backoff_base=0.01, backoff_cap=0.02, max_failures=2)  # fmt: skip
    return LiveQuotes(feed, url, flush_every=0.05, retry_after=60, session_check=0.05,
                      stream_options=options, clock=feed._clock, **kw)  # type: ignore[arg-type]  # fmt: skip


async def wait_for(predicate: object, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > end:
            raise AssertionError("timed out")
        await asyncio.sleep(0.01)


async def test_live_ticks_reach_the_feed_coalesced_and_slow_the_polling(fake: FakeStream) -> None:
    feed = feed_on(("CRWV", "NVDA"), clock=lambda: FROZEN)
    await feed.refresh_once()
    updates: list[frozenset[str]] = []
    feed.subscribe(lambda u: updates.append(u.changed))
    live = live_on(feed, fake.url)
    task = asyncio.create_task(live.run())
    try:
        await wait_for(lambda: fake.connected == 1 and fake.subscriptions)
        assert feed.stream is not None and feed.stream.state is StreamState.STREAMING
        assert feed.interval() == 60.0  # the slow poll beside the stream
        when = int((FROZEN - timedelta(seconds=1)).timestamp() * 1000)
        burst = [frame("CRWV", 100.0 + i / 100, when + i) for i in range(50)]
        burst += [frame("NVDA", 190.0, when)]
        updates.clear()
        fake.push(*burst)
        await wait_for(lambda: live.gate.counts["ok"] == 51)
        await asyncio.sleep(0.1)
        assert live.flushes <= 3  # 51 ticks, one update per flush window (0.05 s)
        changed = [c for c in updates if c]
        assert set().union(*changed) == {"CRWV", "NVDA"} and len(changed) == live.flushes
        state = feed.snapshot().states["CRWV"]
        assert state.status is SymbolStatus.FRESH and state.quote is not None
        assert state.quote.price == pytest.approx(100.49, abs=1e-4)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_live_gives_way_to_polling_and_says_why(fake: FakeStream) -> None:
    fake.fault = "refuse"
    feed = feed_on(("CRWV",))
    live = live_on(feed, fake.url)
    task = asyncio.create_task(live.run())
    try:
        await wait_for(lambda: feed.stream is not None and feed.stream.state is StreamState.POLLING)
        status = feed.stream
        assert status is not None
        assert status.reason == "upgrade refused (HTTP 403)" and status.poll_every == 15.0
        assert feed.interval() == 15.0
        assert feed.snapshot().stream == status  # the status line reads it from the update
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_closed_market_opens_no_socket(fake: FakeStream) -> None:
    saturday = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
    feed = feed_on(("CRWV",), clock=lambda: saturday)
    live = live_on(feed, fake.url)
    task = asyncio.create_task(live.run())
    try:
        await wait_for(lambda: feed.stream is not None)
        await asyncio.sleep(0.2)
        assert feed.stream is not None and feed.stream.state is StreamState.IDLE
        assert fake.connections == 0 and feed.interval() == 300.0
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_probe_finds_the_first_tick_or_says_why(fake: FakeStream) -> None:
    fake.frames = [frame("CRWV", 101.0)]
    found = await probe(fake.url, ["CRWV"], wait=2.0)
    assert found.connected and found.tick is not None and found.tick.price == 101.0
    fake.fault = "refuse"
    refused = await probe(fake.url, ["CRWV"], wait=1.0)
    assert not refused.connected and refused.reason == "upgrade refused (HTTP 403)"
    fake.fault = "silent"
    silent = await probe(fake.url, ["CRWV"], wait=0.3)
    assert silent.connected and silent.tick is None and silent.reason == "silent for 0.3 s"


# --- the doctor's check -------------------------------------------------------------------------


async def test_doctor_stream_check_verdicts(fake: FakeStream) -> None:
    from neotui.cli.stream_check import check_stream
    from neotui.settings import load_settings

    def settings(**market: object):  # type: ignore[no-untyped-def]
        return load_settings(environ={}, overrides={"market": {"stream_url": fake.url, **market}})

    fake.frames = [frame("CRWV", 101.0)]
    status, detail, _ = await check_stream(settings(), wait=2.0, now=FROZEN)
    assert status == "ok" and detail.startswith("subscribed 8 symbols; first tick CRWV 101 after")
    saturday = FROZEN + timedelta(days=1)
    fake.frames = []
    status, detail, _ = await check_stream(settings(), wait=2.0, now=saturday)
    assert status == "ok" and "market closed, so no tick expected" in detail
    fake.fault = "silent"
    status, detail, hint = await check_stream(settings(), wait=0.3, now=FROZEN)
    assert status == "warn" and detail.startswith("connected, but no good tick in 0.3 s")
    assert "market.stream = false" in hint
    fake.fault = "refuse"
    status, detail, hint = await check_stream(settings(), wait=1.0, now=FROZEN)
    assert (status, detail) == ("warn", "no stream: upgrade refused (HTTP 403)")
    assert (await check_stream(settings(stream=False), now=FROZEN))[0] == "skipped"
    mirror = settings(stream_url="wss://streamer.finance.yahoo.com/?version=2",
                      yahoo_url="http://127.0.0.1:9")  # fmt: skip
    assert (await check_stream(mirror, now=FROZEN))[0] == "skipped"
