"""The event study across kinds: earnings days studied like deal days, a deal's Day 0 read
against the stock's typical earnings move, and deals of one stock on one day as one event."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from neotui.data.analytics.earnings import (
    MIN_EARNINGS_DAYS,
    EarningsBaseline,
    baselines,
    study_earnings,
    versus_earnings,
)
from neotui.data.analytics.events import by_deal, study_book
from neotui.data.deals import DealsSource, load_book
from neotui.data.deals.listed import ListedMap
from neotui.data.market.calendar import sessions
from neotui.data.market.quote import DailyHistory
from neotui.data.sec.earnings_days import EarningsDay
from tests.test_events import DAY0, FETCHED, days_before, history, market, market_model_case

TWO_DEALS = """
schema = 1
[[provider]]
id = "stk"
name = "Stock Cloud"
ticker = "STK"
country = "US"
role = "neocloud"

[[deal]]
id = "stk-a"
date = 2025-09-30
date_kind = "announced"
provider = "stk"
counterparty = "Alpha"
kind = "compute"
summary = "First."
source = "PR"

[[deal]]
id = "stk-b"
date = 2025-09-30
date_kind = "announced"
provider = "stk"
counterparty = "Beta"
kind = "equity"
summary = "Second, same day."
source = "PR"

[[deal]]
id = "stk-c"
date = 2025-09-25
date_kind = "announced"
provider = "stk"
counterparty = "Gamma"
kind = "compute"
summary = "Another day."
source = "PR"
"""


def test_two_deals_on_one_day_are_one_event_listing_both(tmp_path: Path) -> None:
    path = tmp_path / "deals.toml"
    path.write_text(TWO_DEALS)
    book = load_book([DealsSource(path, "file")])
    stock, bench = market_model_case({0: 0.10})
    rows = study_book(book, {"STK": stock, "SPY": bench}, ListedMap.of([]))
    assert [r.deal_ids for r in rows] == [("stk-a", "stk-b"), ("stk-c",)]
    event = rows[0]
    assert event.with_names == "Alpha, Beta"
    assert event.study.abnormal_0 == pytest.approx(0.10) and event.study.note is None
    # the timeline finds the event from either deal
    assert by_deal(rows)["stk-b"] is event and by_deal(rows)["stk-a"] is event


def _earnings_series() -> tuple[DailyHistory, DailyHistory, list[date]]:
    """A stock with abnormal jumps of 5, -10, 8, 20 and 6 % on five reaction days."""
    days = sessions(date(2024, 1, 2), date(2025, 12, 31))
    m = market(len(days) - 1)
    reactions = [days[300], days[363], days[426], days[489]]
    jumps = dict(zip(reactions, (0.05, -0.10, 0.08, 0.20), strict=True))
    r = [1.2 * mk + jumps.get(days[k + 1], 0.0) for k, mk in enumerate(m)]
    return history("STK", days, r), history("SPY", days, m, 400.0), reactions


def _day(reaction: date | None, *, day: date | None = None, note: str | None = None):
    stamp = datetime(2025, 1, 1, 21, tzinfo=UTC)
    return EarningsDay("STK", day or reaction or date(2025, 1, 1), stamp if reaction else None,
                       "bmo" if reaction else None, reaction, "0000000001-25-000001",
                       "https://www.sec.gov/x", note=note)  # fmt: skip


def test_earnings_days_get_the_deal_days_figures_and_a_median() -> None:
    stock, bench, reactions = _earnings_series()
    days = [_day(r) for r in reactions]
    studies = study_earnings(days, {"STK": stock, "SPY": bench})
    assert [s.study.day0 for s in studies] == sorted(reactions, reverse=True)
    by_day = {s.study.day0: s.study for s in studies}
    assert by_day[reactions[1]].abnormal_0 == pytest.approx(-0.10)
    assert by_day[reactions[3]].model == "market" and by_day[reactions[3]].t_car_m1_p1 > 10
    base = baselines(studies)["STK"]
    assert base.count == 4 and base.median_abs_ar == pytest.approx(
        0.09, abs=0.002
    )  # |5, 10, 8, 20|
    # (the earlier jumps sit in the later days' estimation windows: the fit moves a little)
    assert base.ratio(0.135) == pytest.approx(0.135 / base.median_abs_ar)
    text = versus_earnings(0.135, base)
    assert text == "AR +13.5 %, 1.5× its median earnings-day |AR| (9.0 %, 4 reports)"


def test_too_few_earnings_days_are_said() -> None:
    stock, bench, reactions = _earnings_series()
    studies = study_earnings([_day(r) for r in reactions[:2]], {"STK": stock, "SPY": bench})
    base = baselines(studies)["STK"]
    assert base.median_abs_ar is None and base.ratio(0.1) is None
    assert f"{MIN_EARNINGS_DAYS} needed" in (base.note or "")
    assert "too few earnings days to compare" in versus_earnings(0.1, base)
    assert versus_earnings(0.1, None) == "AR +10.0 %; no earnings days known for this stock"
    assert versus_earnings(None, base) == "no Day 0 abnormal return to compare"


def test_unknown_reaction_days_and_missing_prices_are_blank_with_reasons() -> None:
    _stock, bench, reactions = _earnings_series()
    unknown = _day(None, day=date(2025, 3, 3), note="timing unknown: …")
    studies = study_earnings([unknown, _day(reactions[0])], {"SPY": bench},
                             missing={"STK": "offline"})  # fmt: skip
    blank = {s.day.day: s.study for s in studies}
    assert blank[date(2025, 3, 3)].abnormal_0 is None
    assert blank[date(2025, 3, 3)].note == "timing unknown: …"
    assert blank[reactions[0]].abnormal_0 is None
    assert blank[reactions[0]].note == "no STK prices (offline)"
    # blanks are never counted into the typical move
    assert baselines(studies)["STK"] == EarningsBaseline(
        "STK",
        0,
        None,
        f"too few earnings days to compare (0 with prices, {MIN_EARNINGS_DAYS} needed)",
    )


def test_amc_reaction_day_is_the_next_session_in_the_study() -> None:
    stock, bench = market_model_case({1: 0.07})  # the jump comes the session after DAY0
    nxt = days_before(DAY0, 0, 1)[1]
    day = EarningsDay("STK", DAY0, datetime(2025, 9, 30, 20, 5, tzinfo=UTC), "amc", nxt,
                      "0000000001-25-000001", "u")  # fmt: skip
    (study,) = study_earnings([day], {"STK": stock, "SPY": bench})
    assert study.study.day0 == nxt and study.study.abnormal_0 == pytest.approx(0.07)
    assert DailyHistory  # the types the module exchanges
    assert FETCHED
