"""The batch path: v7 quote and spark parsed from recorded bodies; the client's one-round-trip
refresh, cookie and crumb (kept, renewed once, refused), and the chart fallback, against the fake
Yahoo server over the browser session."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from neotui.data.market.http import BrowserSession, FailureKind, FetchError
from neotui.data.market.quote import Quote, Session
from neotui.data.market.quote_batch import BatchFormatError, parse_spark, parse_v7_quotes
from neotui.data.market.yahoo import YahooClient
from tests.fake_yahoo import FakeYahoo, recorded_crumb, recorded_json

NOW = datetime(2025, 2, 17, 11, 0, tzinfo=UTC)
WATCHED = ["CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA"]


# --- parsing --------------------------------------------------------------------------------


def test_v7_full_quote_closed_with_post_market() -> None:
    quotes = parse_v7_quotes(recorded_json("y2_quote_AAPL_CLOSED_postmarket_2025.json"), NOW)
    q = quotes["AAPL"]
    assert (q.price, q.prev_close) == (244.6, 241.53)
    assert q.market_cap == 3674405863424 and q.volume == 40896227
    assert (q.year_low, q.year_high) == (164.08, 260.1)
    assert (q.day_low, q.day_high) == (241, 245.41)
    assert q.exchange == "NasdaqGS" and q.exchange_tz == "America/New_York"
    assert q.market_state == "CLOSED" and q.name == "Apple Inc."
    # the after-hours trade is newer than the close
    assert q.extended_price == 244.64 and q.extended_session is Session.POST
    # change comes from price and previous close, not the v7 percent field
    assert q.change_pct == pytest.approx(1.27106, rel=1e-4)


def test_v7_premarket_and_pence() -> None:
    pre = parse_v7_quotes(recorded_json("y2_quote_AAPL_TSLA_PRE_premarket_2022.json"), NOW)
    assert pre["TSLA"].extended_price == 721 and pre["TSLA"].extended_session is Session.PRE
    assert pre["TSLA"].session_at(NOW) is Session.PRE  # no trading periods in v7: the state
    gbp = parse_v7_quotes(recorded_json("y2_quote_OCDO.L_GBp_REGULAR_2025.json"), NOW)["OCDO.L"]
    assert gbp.currency == "GBP" and gbp.quoted_currency == "GBp"
    assert gbp.price == pytest.approx(3.088)  # 308.8 pence
    assert gbp.market_cap == 2554603520  # already in pounds: not divided


def test_v7_unknown_symbols_are_simply_absent() -> None:
    mixed = parse_v7_quotes(recorded_json("y2_quote_AAPL_plus_unknown_symbol_2022.json"), NOW)
    assert list(mixed) == ["AAPL"]
    assert (
        parse_v7_quotes(recorded_json("y2_quote_unknown_symbol_empty_result_2022.json"), NOW) == {}
    )
    with pytest.raises(BatchFormatError):
        parse_v7_quotes({"chart": {}}, NOW)


def test_spark_flat_shape_drops_null_points() -> None:
    series = parse_spark(
        recorded_json("cf_spark_v8_flat_AAPL_GSPC_HSBA.L_EURUSD=X_2026-09-02.json")
    )
    assert set(series) == {"AAPL", "^GSPC", "HSBA.L", "EURUSD=X"}
    times, closes = series["AAPL"]
    assert len(times) == len(closes) == 11  # the 12th close is null
    assert closes[0] == 325.475
    with pytest.raises(BatchFormatError):
        parse_spark({"finance": "nope"})


# --- the client's batch path ----------------------------------------------------------------


class MemoryStore:
    """The cache's credential methods, in memory."""

    def __init__(self) -> None:
        self.body: dict[str, Any] | None = None

    def load_credentials(self) -> dict[str, Any] | None:
        return self.body

    def save_credentials(self, body: dict[str, Any]) -> None:
        self.body = body


def client(fake: FakeYahoo, store: MemoryStore | None = None, **kw: Any) -> YahooClient:
    return YahooClient(fake.url, credentials=store, connect_timeout=0.5, read_timeout=1.0, **kw)


async def test_one_batch_refresh_fills_market_cap_and_series(fake_yahoo: FakeYahoo) -> None:
    store = MemoryStore()
    async with client(fake_yahoo, store) as c:
        assert isinstance(c.session, BrowserSession)
        first = await c.quotes(WATCHED)
        assert c.requests == 4  # cookie, crumb, batch quote, spark
        second = await c.quotes(WATCHED)
        assert c.requests == 6  # then two requests a refresh, whatever the list's length
    assert all(isinstance(q, Quote) for q in first.values())
    crwv = second["CRWV"]
    assert isinstance(crwv, Quote)
    assert crwv.market_cap and crwv.year_high and crwv.exchange == "NasdaqGS"
    assert len(crwv.series) == 30 and crwv.series_times  # the intraday series from spark
    assert fake_yahoo.paths["/v8/finance/chart"] == 0
    assert store.body is not None and store.body["crumb"] == recorded_crumb()


async def test_stored_crumb_is_reused_by_the_next_run(fake_yahoo: FakeYahoo) -> None:
    store = MemoryStore()
    async with client(fake_yahoo, store) as c:
        await c.quotes(["CRWV"])
    async with client(fake_yahoo, store) as again:
        results = await again.quotes(["CRWV", "NVDA"])
        assert again.requests == 2  # no cookie, no getcrumb: the stored pair works
    assert all(isinstance(q, Quote) for q in results.values())
    assert fake_yahoo.paths["/v1/test/getcrumb"] == 1


@pytest.mark.parametrize("fault", ["invalid_crumb", "invalid_cookie"])
async def test_refused_crumb_is_renewed_once(fake_yahoo: FakeYahoo, fault: str) -> None:
    async with client(fake_yahoo) as c:
        await c.quotes(["CRWV"])
        fake_yahoo.set_auth_fault(fault, times=1)
        results = await c.quotes(["CRWV", "NVDA"])
        assert c.mode == "batch" and c.batch_note is None
    assert all(isinstance(q, Quote) for q in results.values())
    assert fake_yahoo.paths["/v1/test/getcrumb"] == 2


async def test_crumb_refused_twice_falls_back_to_charts(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_auth_fault("invalid_crumb")
    async with client(fake_yahoo) as c:
        results = await c.quotes(["CRWV", "NVDA"])
        assert c.mode == "chart"
        assert "a new crumb was refused too (401 Invalid Crumb)" in (c.batch_note or "")
        before = fake_yahoo.paths["/v7/finance/quote"]
        await c.quotes(["CRWV", "NVDA"])  # no more batch attempts for a while
        assert fake_yahoo.paths["/v7/finance/quote"] == before == 2
    assert all(isinstance(q, Quote) for q in results.values())
    assert fake_yahoo.paths["/v8/finance/chart"] == 4


async def test_feature_denied_once_is_a_stale_crumb_renewed(fake_yahoo: FakeYahoo) -> None:
    """Issue 19: "User is unable to access this feature" comes when the crumb is missing or
    stale; it sent every symbol to the chart path (~200 requests a minute for 50) for 6 hours.
    One new cookie and crumb first."""
    async with client(fake_yahoo) as c:
        await c.quotes(["CRWV"])
        fake_yahoo.set_auth_fault("denied", times=1)
        results = await c.quotes(["CRWV", "NVDA"])
        assert c.mode == "batch" and c.batch_note is None
    assert all(isinstance(q, Quote) for q in results.values())
    assert fake_yahoo.paths["/v1/test/getcrumb"] == 2
    assert fake_yahoo.paths["/v8/finance/chart"] == 0


async def test_feature_denied_with_a_fresh_crumb_falls_back_for_hours(
    fake_yahoo: FakeYahoo,
) -> None:
    fake_yahoo.set_auth_fault("denied")
    async with client(fake_yahoo) as c:
        results = await c.quotes(["CRWV"])
        assert "User is unable to access this feature" in (c.batch_note or "")
        assert c.mode == "chart"
    assert isinstance(results["CRWV"], Quote) and results["CRWV"].price
    assert fake_yahoo.paths["/v1/test/getcrumb"] == 2  # one renewal, then the chart path


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("crumb_429", "rate limited by Yahoo (429)"),
        ("crumb_edge_429", "rate limited by Yahoo (429)"),
        ("crumb_200_too_many", "getcrumb said 'Too Many Requests'"),
    ],
)
async def test_throttled_getcrumb_is_no_crumb(
    fake_yahoo: FakeYahoo, fault: str, reason: str
) -> None:
    store = MemoryStore()
    fake_yahoo.set_auth_fault(fault)
    async with client(fake_yahoo, store) as c:
        results = await c.quotes(["CRWV", "NVDA"])
    for result in results.values():
        assert isinstance(result, FetchError) and result.kind is FailureKind.RATE_LIMITED
        assert reason in result.reason
    assert store.body is None  # "Too Many Requests" never stored as a crumb
    assert fake_yahoo.paths["/v8/finance/chart"] == 0  # throttled: back off, don't pile on


async def test_consent_redirect_is_reported_and_not_followed(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_auth_fault("consent")
    async with client(fake_yahoo) as c:
        # Following the redirect would ask guce.yahoo.com: the no-internet guard would fail.
        results = await c.quotes(["CRWV"])
        assert c.batch_note is not None
        assert "EU cookie consent (redirected to guce.yahoo.com)" in c.batch_note
    assert isinstance(results["CRWV"], Quote)


async def test_unknown_symbol_in_a_batch_gets_its_chart_error(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_fault("404", "MDLY")
    async with client(fake_yahoo) as c:
        results = await c.quotes(["CRWV", "MDLY"])
    assert isinstance(results["CRWV"], Quote)
    error = results["MDLY"]
    assert isinstance(error, FetchError) and error.kind is FailureKind.NOT_FOUND
    assert error.reason == "No data found, symbol may be delisted"


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ("429", FailureKind.RATE_LIMITED),
        ("500", FailureKind.SERVER),
        ("html", FailureKind.BAD_RESPONSE),
        ("empty", FailureKind.BAD_RESPONSE),
        ("truncated", FailureKind.BAD_RESPONSE),
        ("reset", FailureKind.SERVER),
    ],
)
async def test_batch_faults_are_classified_for_every_symbol(
    fake_yahoo: FakeYahoo, fault: str, kind: FailureKind
) -> None:
    async with client(fake_yahoo) as c:
        await c.quotes(["CRWV"])  # cookie and crumb in hand
        fake_yahoo.set_fault(fault)
        results = await c.quotes(["CRWV", "NVDA"])
    assert all(isinstance(r, FetchError) and r.kind is kind for r in results.values())


async def test_spark_failure_keeps_the_last_series(fake_yahoo: FakeYahoo) -> None:
    async with client(fake_yahoo) as c:
        first = await c.quotes(["CRWV"])
        fake_yahoo.route("CRWV").scale *= 1.1  # a new price, and a new series were it asked
        fake_yahoo.spark_fault = "html"  # a web page instead of the series
        second = await c.quotes(["CRWV"])
    assert second["CRWV"].price != first["CRWV"].price
    assert second["CRWV"].series == first["CRWV"].series and second["CRWV"].series


async def test_one_round_trip_for_eight_and_the_bound_for_two_hundred(
    fake_yahoo: FakeYahoo,
) -> None:
    """The request shape behind the latency figures in bench/: 8 symbols are 2 requests in
    flight together; 200 symbols are 4 batch + 10 spark requests, two waves under the default
    bound of 8 (two latencies, not the 25 waves of 200 charts)."""
    async with client(fake_yahoo) as c:
        await c.quotes(["CRWV"])
        fake_yahoo.requests.clear()
        await c.quotes(WATCHED)
        starts = [t for t, _, _ in fake_yahoo.requests]
        assert len(starts) == 2 and max(starts) - min(starts) < 0.2
        fake_yahoo.requests.clear()
        many = [f"S{i:03d}" for i in range(200)]
        started = time.monotonic()
        results = await c.quotes(many)
        assert time.monotonic() - started < 10
        assert len(fake_yahoo.requests) == 14
    assert all(isinstance(q, Quote) for q in results.values())
