"""Issue 19 item 2: Cboe's delayed quotes as the second source, and the router that takes prices
from it while Yahoo refuses every symbol. The recorded Cboe body through the parser, hostile
bodies generated from it, the client against the fake Cboe on 127.0.0.1, and the router and
feed against both fakes (fake Yahoo refusing with its 429, consent and ``denied`` faults)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from neotui.data.clean import parse_json
from neotui.data.market.cboe import CboeClient, CboeFormatError, cboe_symbol, parse_cboe
from neotui.data.market.fallback import QuoteRouter, is_refusal
from neotui.data.market.feed import MarketFeed, SymbolStatus
from neotui.data.market.http import FailureKind, FetchError, SessionOptions
from neotui.data.market.quote import Quote
from neotui.data.market.yahoo import YahooClient
from tests.fake_cboe import FakeCboe, recorded_body
from tests.fake_yahoo import FakeYahoo
from tests.test_fuzz_parsers import ROUNDS, check_stored, encode, mutate

NOW = datetime(2024, 6, 27, 10, 12, 12, tzinfo=UTC)
WATCHED = ["CRWV", "NBIS", "NVDA"]


# --- parsing ------------------------------------------------------------------------------------


def test_recorded_body_after_the_bell_takes_the_close_and_the_real_previous_close() -> None:
    q = parse_cboe(json.loads(recorded_body()), "AAPL", NOW)
    # prev_day_close (213.25) is today's close after the bell: the change (+4.18) says where
    # the day started; current_price (212.8) is the last trade before the auction, not the close.
    assert q.price == 213.25
    assert q.prev_close == pytest.approx(209.07)
    assert q.change == pytest.approx(4.18)
    assert (q.day_low, q.day_high, q.volume) == (210.64, 214.86, 66213186)
    # "2024-06-26T15:59:59" is New York time (EDT, UTC-4), written without an offset.
    assert q.market_time == datetime(2024, 6, 26, 19, 59, 59, tzinfo=UTC)
    assert (q.source, q.delayed_minutes, q.delayed) == ("cboe", 15, True)
    assert q.currency == "USD" and q.fetched_at == NOW


def test_in_session_body_takes_the_last_trade_and_prev_day_close() -> None:
    body = json.loads(recorded_body())
    body["data"].update(current_price=211.0, close=211.0, prev_day_close=209.07, price_change=1.93)
    q = parse_cboe(body, "AAPL", NOW)
    assert (q.price, q.prev_close) == (211.0, 209.07)


def test_inconsistent_body_leaves_the_previous_close_unknown() -> None:
    body = json.loads(recorded_body())
    body["data"].update(current_price=211.0, close=200.0, prev_day_close=150.0, price_change=9.0)
    q = parse_cboe(body, "AAPL", NOW)
    assert q.price == 211.0 and q.prev_close is None and q.change is None  # never guessed


def test_body_for_another_symbol_or_not_a_quote_is_refused() -> None:
    with pytest.raises(CboeFormatError, match="answered for AAPL, not NVDA"):
        parse_cboe(json.loads(recorded_body()), "NVDA", NOW)
    for body in (None, [], {"data": None}, {"data": []}, "AAPL"):
        with pytest.raises(CboeFormatError):
            parse_cboe(body, "AAPL", NOW)


def test_only_us_listings_are_asked() -> None:
    assert cboe_symbol("CRWV") == "CRWV" and cboe_symbol("BRK-B") == "BRK-B"
    for symbol in ("0700.HK", "^GSPC", "EURUSD=X", "", "A/B"):
        assert cboe_symbol(symbol) is None


def _parse(tree: Any) -> Quote:
    return parse_cboe(tree, "AAPL", NOW)


def _check(quote: Quote) -> None:
    check_stored(quote, "cboe")
    for value in (quote.price, quote.prev_close, quote.day_high, quote.day_low):
        assert value is None or value > 0  # a price is positive or unknown, never 0 or -5
    assert quote.volume is None or quote.volume >= 0


def test_fuzz_cboe_parser_through_the_decoder() -> None:
    body = json.loads(recorded_body())
    rng = random.Random("decoded:cboe")
    parsed = 0
    for _ in range(ROUNDS):
        raw = encode(mutate(body, rng, rng.choice((0.003, 0.02, 0.1, 0.4))), rng)
        try:
            tree = parse_json(raw)
        except ValueError:
            continue
        try:
            quote = _parse(tree)
        except CboeFormatError:
            continue
        _check(quote)
        parsed += 1
    assert parsed > ROUNDS // 10


def test_fuzz_cboe_parser_given_raw_trees() -> None:
    body = json.loads(recorded_body())
    rng = random.Random("raw:cboe")
    for _ in range(ROUNDS):
        try:
            quote = _parse(mutate(body, rng, rng.choice((0.003, 0.02, 0.1, 0.4))))
        except CboeFormatError:
            continue
        _check(quote)


# --- the client against the fake Cboe ----------------------------------------------------------


def cboe(fake: FakeCboe, deadline: float = 5.0, read: float = 1.0) -> CboeClient:
    options = SessionOptions(connect_timeout=0.5, read_timeout=read, deadline=deadline)
    return CboeClient(fake.url, options=options, clock=lambda: NOW)


async def test_client_reads_the_recorded_body_and_scaled_symbols(fake_cboe: FakeCboe) -> None:
    client = cboe(fake_cboe)
    try:
        results = await client.quotes(["AAPL", "CRWV", "0700.HK", "ZZZZ"])
    finally:
        await client.aclose()
    assert isinstance(results["AAPL"], Quote) and results["AAPL"].price == 213.25
    crwv = results["CRWV"]
    assert isinstance(crwv, Quote) and crwv.price == pytest.approx(213.25 * 0.45)
    assert crwv.prev_close == pytest.approx(209.07 * 0.45, rel=1e-3)
    for symbol in ("0700.HK", "ZZZZ"):
        error = results[symbol]
        assert isinstance(error, FetchError) and error.kind is FailureKind.NOT_FOUND
    assert fake_cboe.asked() == ["AAPL", "CRWV", "ZZZZ"] or sorted(fake_cboe.asked()) == [
        "AAPL", "CRWV", "ZZZZ"]  # fmt: skip
    assert client.requests == 3  # 0700.HK never asked


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        ("429", FailureKind.RATE_LIMITED, "rate limited by Cboe"),
        ("500", FailureKind.SERVER, "HTTP 500"),
        ("html", FailureKind.BAD_RESPONSE, "web page"),
        ("garbage", FailureKind.BAD_RESPONSE, "invalid JSON"),
        ("gzip_bomb", FailureKind.BAD_RESPONSE, "response over 256 KB"),
        ("redirect_away", FailureKind.BAD_RESPONSE, "not followed"),
        ("hang", FailureKind.TIMEOUT, "no complete answer within 1 s"),
        ("trickle", FailureKind.TIMEOUT, "no complete answer within 1 s"),
    ],
)
async def test_client_faults_are_classified_and_bounded(
    fake_cboe: FakeCboe, fault: str, kind: FailureKind, words: str
) -> None:
    fake_cboe.fault = fault
    # Only a hang or a trickle should meet the deadline (the bomb takes seconds to build once).
    slow = fault not in ("hang", "trickle")
    client = cboe(fake_cboe, deadline=30.0 if slow else 1.0, read=30.0 if slow else 5.0)
    try:
        result = (await client.quotes(["CRWV"]))["CRWV"]
    finally:
        fake_cboe.release_hung()
        await client.aclose()
    assert isinstance(result, FetchError) and result.kind is kind
    assert words in result.reason


# --- the router ---------------------------------------------------------------------------------


class Wall:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


def router(yahoo: FakeYahoo, fake: FakeCboe, wall: Wall, **kw: Any) -> QuoteRouter:
    client = YahooClient(yahoo.url, connect_timeout=0.5, read_timeout=1.0, wall=wall)
    return QuoteRouter(client, [cboe(fake)], wall=wall, **kw)


async def close(r: QuoteRouter) -> None:
    await r.yahoo.aclose()
    await r.aclose()


def test_refusals_are_429_auth_403_and_web_pages_not_timeouts_or_unknowns() -> None:
    assert is_refusal(FetchError(FailureKind.RATE_LIMITED, "rate limited by Yahoo (429)", 429))
    assert is_refusal(FetchError(FailureKind.AUTH, "401 User is unable to access this feature"))
    assert is_refusal(FetchError(FailureKind.SERVER, "access refused (403)", 403))
    assert is_refusal(FetchError(FailureKind.BAD_RESPONSE, "got a web page instead of data"))
    for kind in (FailureKind.TIMEOUT, FailureKind.UNREACHABLE, FailureKind.NOT_FOUND):
        assert not is_refusal(FetchError(kind, "x"))


async def test_yahoo_answering_keeps_the_prices_on_yahoo(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    r = router(fake_yahoo, fake_cboe, Wall(), grace=0.0)
    try:
        results = await r.quotes(WATCHED)
    finally:
        await close(r)
    assert all(isinstance(q, Quote) and q.source == "yahoo" for q in results.values())
    assert r.prices_from is None and fake_cboe.asked() == []


async def test_one_shot_falls_back_at_the_first_refusal_of_every_symbol(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    fake_yahoo.set_fault("429")  # batch, crumb and charts: Yahoo refuses the address
    r = router(fake_yahoo, fake_cboe, Wall(), grace=0.0)
    try:
        results = await r.quotes(WATCHED)
    finally:
        await close(r)
    for q in results.values():
        assert isinstance(q, Quote) and (q.source, q.delayed_minutes) == ("cboe", 15)
    assert r.on_fallback and "prices from Cboe, 15 min delayed" in (r.prices_from or "")
    assert "rate limited by Yahoo (429)" in (r.note or "")


@pytest.mark.parametrize("fault", ["denied", "consent"])
async def test_refused_crumb_path_and_charts_fall_back(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe, fault: str
) -> None:
    """The batch refused (a new crumb refused too, or consent) and then the charts 429."""
    fake_yahoo.set_auth_fault(fault)
    for symbol in WATCHED:
        fake_yahoo.route(symbol).fault = "429"
    r = router(fake_yahoo, fake_cboe, Wall(), grace=0.0)
    try:
        results = await r.quotes(WATCHED)
    finally:
        await close(r)
    assert all(isinstance(q, Quote) and q.source == "cboe" for q in results.values())


async def test_app_waits_out_the_grace_then_falls_back_and_retries_yahoo_on_schedule(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    wall = Wall()
    fake_yahoo.set_fault("429")
    r = router(fake_yahoo, fake_cboe, wall, grace=180.0, retry=300.0, fallback_interval=60.0)
    try:
        first = await r.quotes(WATCHED)  # a 429 burst: Yahoo's errors, the feed backs off
        assert all(isinstance(e, FetchError) for e in first.values()) and not r.on_fallback
        wall.now += 180
        second = await r.quotes(WATCHED)
        assert all(isinstance(q, Quote) and q.source == "cboe" for q in second.values())
        asked = len(fake_cboe.asked())
        yahoo_before = r.yahoo.requests
        wall.now += 30  # within the fallback interval: Cboe's quotes reused, Yahoo not asked
        third = await r.quotes(WATCHED)
        assert third == second and len(fake_cboe.asked()) == asked
        assert r.yahoo.requests == yahoo_before
        fake_yahoo.heal()
        wall.now += 270  # Yahoo's turn again: it answers and takes the prices back
        fourth = await r.quotes(WATCHED)
        assert all(isinstance(q, Quote) and q.source == "yahoo" for q in fourth.values())
        assert not r.on_fallback and r.prices_from is None
    finally:
        await close(r)


async def test_forced_fallback_never_asks_yahoo(fake_yahoo: FakeYahoo, fake_cboe: FakeCboe) -> None:
    r = router(fake_yahoo, fake_cboe, Wall(), forced=True)
    try:
        results = await r.quotes(WATCHED)
    finally:
        await close(r)
    assert all(isinstance(q, Quote) and q.source == "cboe" for q in results.values())
    assert fake_yahoo.requests == [] and "(asked for)" in (r.prices_from or "")


async def test_no_fallback_source_keeps_yahoo_errors(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    fake_yahoo.set_fault("429")
    client = YahooClient(fake_yahoo.url, connect_timeout=0.5, read_timeout=1.0)
    r = QuoteRouter(client, [], grace=0.0)
    try:
        results = await r.quotes(WATCHED)
    finally:
        await client.aclose()
    assert all(isinstance(e, FetchError) for e in results.values()) and not r.on_fallback


async def test_feed_marks_fallback_quotes_fresh_and_says_where_they_come_from(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    fake_yahoo.set_fault("429")
    wall = Wall()
    r = router(fake_yahoo, fake_cboe, wall, grace=0.0)
    feed = MarketFeed(WATCHED, r.yahoo, source=r, wall=wall)
    try:
        update = await feed.refresh_once(force=True)
    finally:
        await close(r)
    assert all(s.status is SymbolStatus.FRESH for s in update.states.values())
    assert update.prices_from is not None and update.prices_from.startswith("prices from Cboe")
    assert update.source_note is not None and "Yahoo refused every quote" in update.source_note


# --- issue 19 item 3: the chart path's budget after a second refusal ------------------------------


async def test_denied_twice_keeps_the_chart_path_within_60_requests_a_minute(
    fake_yahoo: FakeYahoo,
) -> None:
    """The ``denied`` fault on every v7 request: one crumb renewal, then the chart path. With
    150 symbols refreshed every 15 s that was 600 chart requests a minute; now at most 60 in any
    60 seconds, every symbol in turn."""
    symbols = [f"S{i:03d}" for i in range(150)]
    fake_yahoo.set_auth_fault("denied")
    wall = Wall()
    client = YahooClient(fake_yahoo.url, connect_timeout=0.5, read_timeout=2.0, wall=wall)
    sent: list[tuple[float, int]] = []
    answered: set[str] = set()
    try:
        for _ in range(16):  # four minutes of 15-second refreshes
            before = fake_yahoo.paths["/v8/finance/chart"]
            results = await client.quotes(symbols)
            sent.append((wall.now, fake_yahoo.paths["/v8/finance/chart"] - before))
            answered.update(s for s, r in results.items() if isinstance(r, Quote))
            wall.now += 15
    finally:
        await client.aclose()
    assert fake_yahoo.paths["/v1/test/getcrumb"] == 2  # one renewal, then no more crumbs
    assert client.mode == "chart"
    for start, _ in sent:
        window = sum(n for t, n in sent if start <= t < start + 60)
        assert window <= 60, (start, window)
    assert sum(n for _, n in sent) >= 200  # the budget is used, not starved
    assert answered == set(symbols)  # rotation: every symbol had its turn


async def test_short_watchlist_on_the_chart_path_is_asked_whole(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_auth_fault("denied")
    wall = Wall()
    client = YahooClient(fake_yahoo.url, connect_timeout=0.5, read_timeout=1.0, wall=wall)
    try:
        for _ in range(4):
            results = await client.quotes(WATCHED)
            assert all(isinstance(results[s], Quote) for s in WATCHED)
            wall.now += 15
    finally:
        await client.aclose()


# --- alerts and delayed prices ------------------------------------------------------------------


def test_a_fallback_price_never_fires_an_alert_and_keeps_the_rule_as_it_was() -> None:
    from neotui.data.alerts.engine import AlertEngine
    from neotui.data.alerts.rules import AlertKind, AlertRule, RuleStatus
    from neotui.data.market.feed import SymbolState

    rule = AlertRule(AlertKind.ABOVE, "CRWV", 120.0)
    e = AlertEngine((rule,), None, margin_pct=0.5)

    def state(price: float, source: str, delay: int) -> dict[str, SymbolState]:
        q = Quote("CRWV", price, NOW, prev_close=100.0, source=source, delayed_minutes=delay)
        return {"CRWV": SymbolState("CRWV", SymbolStatus.FRESH, q)}

    assert e.on_quotes(state(110.0, "yahoo", 0)) == []
    assert e.on_quotes(state(130.0, "cboe", 15)) == []  # delayed: not judged
    (ev,) = e.evaluate(state(130.0, "cboe", 15))
    assert ev.status is RuleStatus.UNKNOWN and "price from cboe, 15 min delayed" in ev.message
    assert e.states[rule.id].status is RuleStatus.ARMED  # as Yahoo's price left it
    assert len(e.on_quotes(state(130.0, "yahoo", 0))) == 1  # the live price fires it


# --- issue 19 item 5: unknown symbols remembered ------------------------------------------------


async def test_remembered_unknown_symbol_is_skipped_then_asked_after_30_minutes(
    fake_yahoo: FakeYahoo, tmp_path: Any
) -> None:
    from neotui.data.market.cache import QuoteCache

    fake_yahoo.route("ZZZZ").fault = "404"
    wall = Wall()

    async def run() -> tuple[Any, int]:
        cache = QuoteCache(tmp_path / "quotes.db")
        client = YahooClient(fake_yahoo.url, connect_timeout=0.5, read_timeout=1.0, wall=wall)
        feed = MarketFeed(["CRWV", "ZZZZ"], client, cache=cache, wall=wall)
        before = fake_yahoo.counts["ZZZZ"]
        try:
            feed.load_cached()
            update = await feed.refresh_once(force=True)
        finally:
            await client.aclose()
            cache.close()
        return update, fake_yahoo.counts["ZZZZ"] - before

    update, asked = await run()
    assert asked == 2 and update.states["ZZZZ"].status is SymbolStatus.NOT_FOUND
    wall.now += 29 * 60
    update, asked = await run()  # a new run, 29 minutes later: remembered, not asked
    assert asked == 0 and update.states["ZZZZ"].status is SymbolStatus.NOT_FOUND
    assert update.states["ZZZZ"].reason == "No data found, symbol may be delisted"
    wall.now += 2 * 60
    update, asked = await run()  # 31 minutes: asked again
    assert asked == 2
    fake_yahoo.route("ZZZZ").fault = None
    wall.now += 31 * 60
    update, asked = await run()  # it answers now: forgotten
    assert update.states["ZZZZ"].status is SymbolStatus.FRESH
    cache = QuoteCache(tmp_path / "quotes.db")
    assert cache.load_unknown(0.0) == {}
    cache.close()
