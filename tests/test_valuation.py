"""Valuation per contracted MW and per dollar of backlog, and the sector line, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from neotui.data.analytics.valuation import contracted_power, market_caps, sector_line, valuations
from neotui.data.deals import DealsSource, load_book
from neotui.data.market.fundamentals import Fundamentals
from neotui.data.market.quote import Quote
from tests.helpers import DATA, FROZEN, SMALL_BOOK


def book(path=DATA / "event_deals.toml"):
    return load_book([DealsSource(path, "file")])


def quote(symbol: str, price: float, prev: float, cap: float | None = None, series=()) -> Quote:
    return Quote(symbol, price, FROZEN, prev_close=prev, market_cap=cap, series=tuple(series))


def test_contracted_power_counts_each_deal_once_at_its_reference() -> None:
    # stk-meta 200 MW (its re-report says 0.25 GW: not counted again), stk-later 50 MW.
    assert contracted_power(book(), "stk") == (250.0, date(2025, 10, 3), 2)


def test_no_power_reported_is_blank_not_zero() -> None:
    assert contracted_power(load_book([DealsSource(SMALL_BOOK, "file")]), "alpha") == (
        None,
        None,
        0,
    )


def test_ratios_with_every_input() -> None:
    caps = market_caps({"STK": quote("STK", 10, 9, cap=5e9)})
    (row,) = valuations(book(), caps)
    assert (row.symbol, row.market_cap_value, row.contracted_mw) == ("STK", 5e9, 250.0)
    assert row.market_cap.as_of == FROZEN and row.market_cap.source == "quote"
    assert row.market_cap_per_mw == pytest.approx(2e7)
    assert row.backlog_to_market_cap == pytest.approx(2.0)
    assert row.debt_to_backlog == pytest.approx(0.5)
    assert (row.backlog.as_of, row.debt.as_of, row.revenue) == (
        date(2025, 9, 30), date(2025, 6, 30), None)  # fmt: skip


def test_missing_market_cap_leaves_its_ratios_blank() -> None:
    (row,) = valuations(book(), market_caps({"STK": quote("STK", 10, 9, cap=None)}))
    assert row.market_cap is None
    assert row.market_cap_per_mw is None and row.backlog_to_market_cap is None
    assert row.debt_to_backlog == pytest.approx(0.5)  # does not need the market cap


def test_fundamentals_market_cap_when_the_quote_has_none() -> None:
    f = Fundamentals("STK", FROZEN, market_cap=4e9)
    caps = market_caps({"STK": quote("STK", 10, 9)}, {"STK": f})
    assert caps["STK"].value == 4e9 and caps["STK"].source == "fundamentals"
    caps = market_caps({"STK": quote("STK", 10, 9, cap=5e9)}, {"STK": f})
    assert caps["STK"].value == 5e9  # the quote's is newer


SECTOR = """
[[provider]]
id = "a"
name = "A"
ticker = "AAA"
country = "US"
role = "neocloud"

[[provider]]
id = "b"
name = "B"
ticker = "BBB"
country = "US"
role = "neocloud"

[[provider]]
id = "c"
name = "C"
ticker = "CCC"
country = "US"
role = "neocloud"

[[provider]]
id = "d"
name = "D"
ticker = "DDD"
country = "US"
role = "neocloud"

[[provider]]
id = "chips"
name = "Chips"
ticker = "CHIP"
country = "US"
role = "supplier"
"""


def test_sector_line_equal_weight_breadth_and_supplier_apart(tmp_path) -> None:
    path = tmp_path / "sector.toml"
    path.write_text(SECTOR)
    quotes = {
        "AAA": quote("AAA", 11, 10, series=(10, 10.5, 11)),  # +10 %
        "BBB": quote("BBB", 95, 100, series=(99, 97, 96, 95)),  # -5 %
        "CCC": quote("CCC", 20, 20),  # unchanged
        "CHIP": quote("CHIP", 99, 100),  # the supplier: -1 %, not in the basket
    }
    line = sector_line(book(path), ["AAA", "BBB", "CCC", "DDD", "CHIP", "SPY"], quotes)
    assert line.members == ("AAA", "BBB", "CCC") and line.missing == ("DDD",)
    assert line.change_pct == pytest.approx((10 - 5 + 0) / 3)
    assert (line.advancing, line.declining, line.unchanged) == (1, 1, 1)
    assert line.suppliers == (("CHIP", pytest.approx(-1.0)),)
    # AAA and BBB have series (aligned on their last 3 points); CCC has none.
    assert line.series == pytest.approx(((100 + 97) / 2, (105 + 96) / 2, (110 + 95) / 2))


def test_year_index_equal_weight_from_a_common_start() -> None:
    from neotui.data.analytics.valuation import year_index
    from neotui.data.market.quote import DailyHistory

    d = [date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)]

    def h(sym, days, closes):
        return DailyHistory(sym, tuple(days), tuple(closes), FROZEN)

    histories = {
        "AAA": h("AAA", d, (10, 11, 12)),
        "BBB": h("BBB", d, (20, 20, 10)),
        "CCC": h("CCC", d[1:], (5, 6)),  # listed after the start: left out
        "DDD": h("DDD", [d[0], d[2]], (4, 4)),  # no close on the 6th: keeps its last level
    }
    index, start, members = year_index(histories, ["AAA", "BBB", "CCC", "DDD", "ZZZ"])
    assert start == d[0] and members == ("AAA", "BBB", "DDD")
    assert index == pytest.approx((100.0, (1.1 + 1 + 1) / 3 * 100, (1.2 + 0.5 + 1) / 3 * 100))
    assert year_index({}, ["AAA"]) == ((), None, ())


def test_hyperscalers_are_not_valued_per_mw() -> None:
    """Oracle and AWS are in the bundled book for the sector deals (OpenAI's 300 bn and 38 bn);
    valuing them per contracted MW of neocloud deals would mean nothing."""
    from neotui.data.deals import load_book
    from neotui.settings import load_settings
    from neotui.sources import book_sources

    book = load_book(book_sources(load_settings(environ={})))
    symbols = {v.symbol for v in valuations(book, {})}
    assert {"ORCL", "AMZN"} & symbols == set()
    assert {"CRWV", "NBIS", "NVDA"} <= symbols
