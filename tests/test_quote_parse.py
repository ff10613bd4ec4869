"""Parsing every recorded chart shape, with the expected numbers written out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from neotui.data.market.quote import (
    ChartFormatError,
    Quote,
    Session,
    chart_error,
    parse_history,
    parse_quote,
    us_session,
)
from tests.fake_yahoo import recorded_json

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def parse(name: str, symbol: str = "X") -> Quote:
    return parse_quote(recorded_json(name), symbol, NOW)


def test_msft_2026_after_hours_fullday_price() -> None:
    q = parse("yf_chart_MSFT_range1d_fulldayPrice_after_hours_2026.json")
    assert (q.symbol, q.name, q.currency) == ("MSFT", "Microsoft Corporation", "USD")
    assert q.price == 516.17
    assert q.prev_close == 497.93  # chartPreviousClose, trusted because range=1d
    assert q.change == pytest.approx(18.24)
    assert q.change_pct == pytest.approx(3.663, abs=1e-3)  # Yahoo's regularMarketChangePercent
    assert (q.day_low, q.day_high, q.volume) == (497.3, 519.4, 38193112)
    assert (q.year_low, q.year_high) == (349.2, 553.72)
    assert q.extended_price == 517.89 and q.extended_session is Session.POST
    assert q.extended_change_pct == pytest.approx((517.89 - 516.17) / 516.17 * 100)
    assert q.market_time == datetime(2026, 9, 25, 20, 0, 1, tzinfo=UTC)
    assert q.session_at(q.market_time) is Session.POST
    assert q.exchange_tz == "America/New_York" and q.exchange == "NasdaqGS"


def test_tsla_intraday_with_pre_and_post_bars() -> None:
    q = parse("y2_chart_TSLA_30m_intraday_prepost_tradingPeriods.json")
    assert q.price == 1156.87 and q.prev_close == 1137.06
    assert q.change_pct == pytest.approx(1.7422, abs=1e-4)
    assert len(q.series) == 30 and q.series[-1] == pytest.approx(1156.49)
    assert q.name is None  # neither longName nor shortName in this recording
    assert q.day_high is None  # missing fields stay None


def test_chart_previous_close_ignored_outside_range_1d() -> None:
    q = parse("y2_chart_AAPL_1d_prepost_meta_2025.json")
    assert q.price == 220.003
    assert q.prev_close is None  # chartPreviousClose 167.3 is from 2022, not yesterday
    assert q.change is None and q.change_pct is None
    assert q.session_at(q.market_time) is Session.REGULAR


def test_weekend_empty_quote_block_gives_a_partial_quote() -> None:
    q = parse("y2_chart_AAPL_1m_weekend_empty_quote.json")
    assert q.series == () and q.series_times == ()
    assert q.price == 244.87 and q.prev_close == 244.47  # previousClose is always trusted
    assert q.change == pytest.approx(0.40)


def test_gbp_pence_converted_to_pounds() -> None:
    q = parse("yf_chart_BATS.L_GBp_range1d_2026.json")
    assert (q.currency, q.quoted_currency) == ("GBP", "GBp")
    assert q.price == pytest.approx(41.80) and q.prev_close == pytest.approx(42.43)
    assert q.year_high == pytest.approx(53.68)
    assert q.change_pct == pytest.approx(-1.4848, abs=1e-4)


def test_jpy_tokyo_zero_length_pre_post() -> None:
    q = parse("yf_chart_7974.T_JPY_range1d_2026.json")
    assert (q.currency, q.price, q.prev_close) == ("JPY", 8100.0, 8196.0)
    assert q.exchange_tz == "Asia/Tokyo"
    assert q.session_at(q.market_time) is Session.CLOSED  # periods already point at Monday


def test_ibm_previous_close_beats_chart_previous_close() -> None:
    q = parse("yf_chart_IBM_5d_1h_includePrePost_2026.json")
    assert q.prev_close == 227.06  # not chartPreviousClose 229.55
    assert len(q.series) == 85
    assert q.extended_session is Session.POST and q.extended_price == pytest.approx(225.6001)


def test_eur_multiday() -> None:
    q = parse("y2_chart_WSU.DE_EUR_xetra_1d_multiday.json")
    assert (q.currency, q.price, q.exchange_tz) == ("EUR", 38.9, "Europe/Berlin")
    assert len(q.series) == 3


def test_null_bars_are_dropped_in_history() -> None:
    body = recorded_json("y2_chart_BTC-USD_1d_with_null_bars.json")
    raw = body["chart"]["result"][0]["indicators"]["quote"][0]["close"]
    h = parse_history(body, "BTC-USD", NOW)
    assert len(raw) == 370 and raw.count(None) == 4
    assert len(h.closes) == 366 == len(h.dates)
    assert h.dates[0] == date(2020, 1, 1) and h.closes[0] == pytest.approx(7200.1743)


def test_daily_history_nvda() -> None:
    h = parse_history(recorded_json("y2_chart_NVDA_1d_1y_split_event.json"), "NVDA", NOW)
    assert len(h.dates) == 252
    assert (h.dates[0], h.dates[-1]) == (date(2021, 2, 1), date(2022, 1, 28))
    assert h.closes[-1] == pytest.approx(22.84, abs=1e-6)


def test_error_bodies() -> None:
    assert chart_error(recorded_json("y2_chart_error_404_not_found_delisted_MDLY.json")) == (
        "No data found, symbol may be delisted"
    )
    assert "Data doesn't exist" in chart_error(
        recorded_json("y2_chart_error_400_bad_request_no_data_BEKE.json")
    )
    with pytest.raises(ChartFormatError):
        parse_quote(recorded_json("y2_chart_error_404_not_found_delisted_MDLY.json"), "M", NOW)


@pytest.mark.parametrize("body", [{}, {"chart": {}}, {"chart": {"result": []}}, [], "x", None])
def test_garbage_bodies_raise_format_error(body: object) -> None:
    with pytest.raises(ChartFormatError):
        parse_quote(body, "X", NOW)


def test_odd_meta_values_give_partial_quote() -> None:
    body = {"chart": {"result": [{"meta": {"regularMarketPrice": "12", "currency": 5,
                                            "longName": "A\x1b[2Jcme"}}]}}  # fmt: skip
    q = parse_quote(body, "ACME", NOW)
    assert q.symbol == "ACME" and q.price is None and q.currency is None
    assert q.name == "Acme"  # the escape sequence is gone


def test_quote_json_round_trip() -> None:
    q = parse("yf_chart_MSFT_range1d_fulldayPrice_after_hours_2026.json")
    assert Quote.from_json(q.to_json()) == q


@pytest.mark.parametrize(
    ("when", "session", "next_change"),
    [
        (datetime(2026, 11, 20, 14, 0, tzinfo=UTC), Session.PRE, "2026-11-20 09:30"),
        (datetime(2026, 11, 20, 15, 0, tzinfo=UTC), Session.REGULAR, "2026-11-20 16:00"),
        (datetime(2026, 11, 20, 22, 0, tzinfo=UTC), Session.POST, "2026-11-20 20:00"),
        (datetime(2026, 11, 21, 2, 0, tzinfo=UTC), Session.CLOSED, "2026-11-23 04:00"),
        (datetime(2026, 11, 22, 18, 0, tzinfo=UTC), Session.CLOSED, "2026-11-23 04:00"),
        (datetime(2026, 11, 23, 8, 0, tzinfo=UTC), Session.CLOSED, "2026-11-23 04:00"),
    ],
)
def test_us_session_clock(when: datetime, session: Session, next_change: str) -> None:
    got, change = us_session(when)
    assert got is session
    assert change.strftime("%Y-%m-%d %H:%M") == next_change
