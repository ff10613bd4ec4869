"""Analytics numbers, checked against values worked out by hand from tests/data/small_deals.toml."""

from __future__ import annotations

import math
from datetime import date

import pytest

from neotui.data.analytics import tables as analytics
from neotui.data.deals import DealBook, DealsSource, load_book
from tests.helpers import SMALL_BOOK


@pytest.fixture(scope="module")
def book() -> DealBook:
    return load_book([DealsSource(SMALL_BOOK, "test")])


def test_deals_frame_keeps_every_report(book: DealBook) -> None:
    frame = analytics.deals_frame(book)
    assert len(frame) == 6
    assert list(frame["id"][:2]) == ["beta-meta", "beta-msft"]  # newest first, ties by id
    assert frame.loc[frame["id"] == "beta-msft", "power_mw"].item() == 300.0


def test_totals_by_provider_count_a_rereported_deal_once(book: DealBook) -> None:
    totals = analytics.totals_by_provider(book).set_index("provider")
    # alpha: the Microsoft contract counted once, at its reference figure (10B; the 12B
    # re-report points at it) + 2B equity
    assert totals.loc["alpha", "deals"] == 2
    assert totals.loc["alpha", "contracted_usd"] == 10e9
    assert totals.loc["alpha", "financing_usd"] == 2e9
    assert totals.loc["alpha", "total_usd"] == 12e9
    # beta: 5B hosting + 1.5B debt; the euro deal counts as a deal but adds no USD
    assert totals.loc["beta", "deals"] == 3
    assert totals.loc["beta", "contracted_usd"] == 5e9
    assert totals.loc["beta", "financing_usd"] == 1.5e9
    assert totals.loc["beta", "total_usd"] == 6.5e9
    assert list(totals.index) == ["alpha", "beta"]


def test_totals_by_counterparty(book: DealBook) -> None:
    totals = analytics.totals_by_counterparty(book).set_index("counterparty")
    assert totals.loc["Microsoft", "total_usd"] == 15e9  # 10B (alpha, reference) + 5B (beta)
    assert totals.loc["Microsoft", "deals"] == 2
    assert totals.loc["Microsoft", "providers"] == "alpha, beta"
    assert totals.loc["Meta", "total_usd"] == 0
    assert totals.index[0] == "Microsoft"


def test_backlog_vs_debt_uses_latest_usd_figures(book: DealBook) -> None:
    frame = analytics.backlog_vs_debt(book).set_index("provider")
    assert frame.loc["alpha", "debt_usd"] == 10e9
    assert frame.loc["alpha", "debt_as_of"] == date(2025, 6, 30)
    assert frame.loc["alpha", "backlog_to_debt"] == 3.0
    assert "beta" not in frame.index  # only a EUR debt figure: never converted


def test_capacity_pivot_in_mw_latest_report_per_cell(book: DealBook) -> None:
    pivot = analytics.capacity_pivot(book)
    assert pivot.loc["alpha", 2027] == 1500.0  # the 2025 report (1.5 GW) beats the 2024 one
    assert pivot.loc["beta", 2026] == 800.0
    assert math.isnan(pivot.loc["alpha", 2026])
    now = analytics.capacity_pivot(book, "power")
    assert now.loc["alpha", 2024] == 400.0


def test_timeline_filter(book: DealBook) -> None:
    frame = analytics.timeline(book, "alpha")
    assert list(frame["id"]) == ["alpha-chips-equity", "alpha-msft-1-again", "alpha-msft-1"]


def test_reference_without_figure_takes_the_latest_report(tmp_path) -> None:
    from tests.helpers import PROVIDER, deal_toml, write

    text = (
        PROVIDER
        + deal_toml(id='"ref"', value_usd=None, date="2025-01-01")
        + deal_toml(id='"early"', report_of='"ref"', value_usd="3e9", date="2025-02-01")
        + deal_toml(id='"late"', report_of='"ref"', value_usd="4e9", date="2025-03-01")
    )
    book = load_book([DealsSource(write(tmp_path / "d.toml", text), "t")])
    deals = analytics.unique_deals(book)
    assert list(deals["id"]) == ["ref"]
    assert list(deals["value_usd"]) == [4e9]
