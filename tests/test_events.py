"""The deal-day event study on small synthetic series, every figure worked out by hand."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time

import pytest

from neotui.data.analytics.events import by_deal, study_book, study_event
from neotui.data.deals.listed import ListedCompany, ListedMap
from neotui.data.market.calendar import event_day0, is_session, nyse_holidays, sessions
from neotui.data.market.quote import DailyHistory
from tests.helpers import DATA

FETCHED = datetime(2026, 11, 20, tzinfo=UTC)
A, B, S = 0.001, 1.5, 0.004  # true alpha, beta and residual size in the estimation window


def history(symbol: str, days: list[date], returns: list[float], start: float = 100.0):
    """A DailyHistory whose closes compound ``returns`` (one fewer than ``days``)."""
    closes = [start]
    for r in returns:
        closes.append(closes[-1] * (1.0 + r))
    return DailyHistory(symbol, tuple(days), tuple(closes), FETCHED, "USD")


def days_before(day0: date, before: int, after: int) -> list[date]:
    """``before`` sessions before ``day0``, day 0 itself and ``after`` sessions after it."""
    every = sessions(date(2023, 1, 1), date(2027, 12, 31))
    i = every.index(day0)
    return every[i - before : i + after + 1]


def market(n: int) -> list[float]:
    """Benchmark returns alternating +1 %, -1 %."""
    return [0.01 if k % 2 == 0 else -0.01 for k in range(n)]


def residual(k: int) -> float:
    """+S, +S, -S, -S: mean zero and uncorrelated with ``market`` over every 4 sessions."""
    return S if k % 4 in (0, 1) else -S


DAY0 = date(2025, 9, 30)  # a Tuesday


def market_model_case(jumps: dict[int, float]):
    """100 estimation returns (k = 0..99) with known a, b and residuals, then 29 quiet sessions,
    day 0 at return 129, and 5 sessions after; ``jumps`` adds abnormal returns by event day."""
    days = days_before(DAY0, 130, 5)
    m = market(len(days) - 1)
    r = []
    for k, mk in enumerate(m):
        e = residual(k) if k < 100 else jumps.get(k - 129, 0.0)
        r.append(A + B * mk + e)
    return history("STK", days, r), history("SPY", days, m, 400.0)


def test_known_jump_gives_its_return_abnormal_return_cars_and_t() -> None:
    stock, bench = market_model_case({0: 0.10, 1: 0.02})
    result = study_event(stock, bench, DAY0)
    assert result.model == "market" and result.estimation_days == 100
    assert result.day0 == DAY0
    assert result.alpha == pytest.approx(A, abs=1e-12)
    assert result.beta == pytest.approx(B, abs=1e-9)
    m0 = market(135)[129]  # the benchmark's return on day 0
    assert result.return_0 == pytest.approx(A + B * m0 + 0.10)
    assert result.abnormal_0 == pytest.approx(0.10)
    assert result.car_m1_p1 == pytest.approx(0.12)  # -1: 0, 0: 10 %, +1: 2 %
    assert result.car_0_p5 == pytest.approx(0.12)
    sigma = math.sqrt(100 * S**2 / 98)  # residual variance, n - 2 degrees of freedom
    assert result.t_car_m1_p1 == pytest.approx(0.12 / (math.sqrt(3) * sigma))
    assert result.note is None


def test_car_windows_count_day_minus_one_and_day_five() -> None:
    stock, bench = market_model_case({-2: 0.5, -1: 0.03, 5: -0.04, 6: 0.9})
    result = study_event(stock, bench, DAY0)
    assert result.abnormal_0 == pytest.approx(0.0, abs=1e-12)
    assert result.car_m1_p1 == pytest.approx(0.03)  # day -2 is outside
    assert result.car_0_p5 == pytest.approx(-0.04)  # day +6 is outside (and does not exist)


def test_stock_moving_with_benchmark_has_no_abnormal_return_market_adjusted() -> None:
    days = days_before(DAY0, 50, 5)  # 50 prices before day 0: 20 estimation returns
    m = [0.02 * math.sin(k) for k in range(len(days) - 1)]
    result = study_event(history("STK", days, m), history("SPY", days, m, 400.0), DAY0)
    assert result.model == "market_adjusted"
    assert result.estimation_days == 20
    assert result.return_0 == pytest.approx(m[49])
    for figure in (result.abnormal_0, result.car_m1_p1, result.car_0_p5):
        assert figure == pytest.approx(0.0, abs=1e-12)
    assert result.t_car_m1_p1 is None  # no residual variance at all
    assert "market-adjusted: 20 sessions" in (result.note or "")


def test_market_adjusted_t_uses_the_estimation_residuals() -> None:
    days = days_before(DAY0, 60, 3)  # day 0 is return 59: estimation returns k = 0..29
    m = market(len(days) - 1)
    e = [residual(k) if k < 30 else 0.0 for k in range(len(m))]
    e[59] = 0.05  # day 0
    result = study_event(history("STK", days, [mk + ek for mk, ek in zip(m, e, strict=True)]),
                         history("SPY", days, m, 400.0), DAY0)  # fmt: skip
    assert result.model == "market_adjusted" and result.estimation_days == 30
    resid = e[:30]
    mean = sum(resid) / 30
    sigma = math.sqrt(sum((x - mean) ** 2 for x in resid) / 29)
    assert result.abnormal_0 == pytest.approx(0.05)
    assert result.t_car_m1_p1 == pytest.approx(0.05 / (math.sqrt(3) * sigma))
    assert result.car_0_p5 is None and "CAR[0,+5] needs 5 sessions" in (result.note or "")


def test_ipo_inside_the_window_falls_back_to_market_adjusted() -> None:
    stock, bench = market_model_case({0: 0.10})
    listed = DailyHistory("STK", stock.dates[90:], stock.closes[90:], FETCHED)  # 40 days before
    result = study_event(listed, bench, DAY0)
    assert result.model == "market_adjusted"
    assert result.estimation_days == 10  # returns -39 .. -30
    m0 = market(135)[129]
    assert result.abnormal_0 == pytest.approx(A + B * m0 + 0.10 - m0)
    assert result.t_car_m1_p1 is None
    assert "10 sessions of history" in (result.note or "")


def test_deal_before_the_first_price_is_blank_with_the_listing_date() -> None:
    stock, bench = market_model_case({})
    listed = DailyHistory("STK", stock.dates[131:], stock.closes[131:], FETCHED)
    result = study_event(listed, bench, DAY0)
    assert result.return_0 is None and result.model is None
    assert result.note == f"not listed on day 0 (2025-09-30): first price {listed.dates[0]}"


def test_missing_benchmark_gives_blank_with_reason() -> None:
    stock, _ = market_model_case({0: 0.1})
    result = study_event(stock, None, DAY0, benchmark="SPY")
    assert result.return_0 is None and result.abnormal_0 is None and result.model is None
    assert result.note == "no SPY (benchmark) prices"


@pytest.mark.parametrize(
    ("announced", "at", "day0"),
    [
        (date(2025, 9, 27), None, date(2025, 9, 29)),  # Saturday -> Monday
        (date(2025, 7, 4), None, date(2025, 7, 7)),  # Independence Day (Friday) -> Monday
        (date(2026, 4, 3), None, date(2026, 4, 6)),  # Good Friday -> Monday
        (date(2025, 11, 27), None, date(2025, 11, 28)),  # Thanksgiving -> Friday
        (date(2026, 7, 3), None, date(2026, 7, 6)),  # July 4th observed on Friday 3rd
        (date(2025, 9, 30), time(16, 5), date(2025, 10, 1)),  # after the close
        (date(2025, 9, 30), time(15, 59), date(2025, 9, 30)),  # before it
        (date(2025, 9, 27), time(18, 0), date(2025, 9, 29)),  # after hours at the weekend
    ],
)
def test_day0_is_the_first_session_at_or_after(announced: date, at: time | None,
                                               day0: date) -> None:  # fmt: skip
    assert event_day0(announced, at) == day0


def test_saturday_and_holiday_deals_take_the_next_sessions_return() -> None:
    days = days_before(date(2025, 7, 7), 80, 6)
    m = market(len(days) - 1)
    r = [mk + (0.07 if d == date(2025, 7, 7) else 0.0) for mk, d in zip(m, days[1:], strict=True)]
    stock, bench = history("STK", days, r), history("SPY", days, m, 400.0)
    for announced in (date(2025, 7, 4), date(2025, 7, 5)):  # holiday Friday, then Saturday
        result = study_event(stock, bench, announced)
        assert result.day0 == date(2025, 7, 7)
        assert result.abnormal_0 == pytest.approx(0.07)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, ["01-01", "01-20", "02-17", "04-18", "05-26", "06-19", "07-04", "09-01", "11-27",
                "12-25"]),
        (2026, ["01-01", "01-19", "02-16", "04-03", "05-25", "06-19", "07-03", "09-07", "11-26",
                "12-25"]),
        (2023, ["01-02", "01-16", "02-20", "04-07", "05-29", "06-19", "07-04", "09-04", "11-23",
                "12-25"]),
        (2027, ["01-01", "01-18", "02-15", "03-26", "05-31", "06-18", "07-05", "09-06", "11-25",
                "12-24"]),
    ],
)  # fmt: skip
def test_nyse_holidays_by_rule(year: int, expected: list[str]) -> None:
    assert sorted(f"{d:%m-%d}" for d in nyse_holidays(year)) == expected


def test_new_year_on_saturday_closes_nothing_on_the_friday_before() -> None:
    assert is_session(date(2027, 12, 31))  # 2028-01-01 is a Saturday
    assert not is_session(date(2027, 12, 24))


# --- the deals book -----------------------------------------------------------------------------


def _book():
    from neotui.data.deals import DealsSource, load_book

    return load_book([DealsSource(DATA / "event_deals.toml", "file")])


def test_book_rows_share_events_and_map_listed_counterparties() -> None:
    stock, bench = market_model_case({0: 0.10, 1: 0.02})
    meta = DailyHistory("META", bench.dates, bench.closes, FETCHED)  # moves with the market
    listed = ListedMap.of([ListedCompany("Meta", "META", ("Facebook",))])
    rows = study_book(_book(), {"STK": stock, "SPY": bench, "META": meta}, listed)
    got = {(r.deal_id, r.symbol): r for r in rows}
    assert set(got) == {("stk-meta", "STK"), ("stk-meta", "META"), ("stk-meta-echo", "STK"),
                        ("stk-meta-echo", "META"), ("stk-later", "STK")}  # fmt: skip
    main, echo = got[("stk-meta", "STK")].study, got[("stk-meta-echo", "STK")].study
    assert main.abnormal_0 == pytest.approx(0.10)
    assert (echo.abnormal_0, echo.car_m1_p1) == (main.abnormal_0, main.car_m1_p1)
    assert echo.note == "same event as stk-meta"
    assert got[("stk-meta", "META")].role == "counterparty"
    assert got[("stk-meta", "META")].study.abnormal_0 == pytest.approx(0.0, abs=1e-12)
    later = got[("stk-later", "STK")].study
    assert later.return_0 is None and "reported date, not the announcement" in (later.note or "")
    assert set(by_deal(rows)) == {"stk-meta", "stk-meta-echo", "stk-later"}


def test_book_rows_say_why_a_symbol_has_no_prices() -> None:
    listed = ListedMap.of([])
    rows = study_book(_book(), {}, listed, missing={"SPY": "offline: connection refused"})
    first = by_deal(rows)["stk-meta"].study
    assert first.note == "no SPY (benchmark) prices (offline: connection refused)"
