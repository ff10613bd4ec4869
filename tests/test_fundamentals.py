"""The yfinance adapter: mapping and every failure kind, without yfinance touching the network."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from neotui.data.market.fundamentals import (
    Fundamentals,
    FundamentalsError,
    fetch_fundamentals,
    map_fundamentals,
)

NOW = datetime(2026, 11, 22, tzinfo=UTC)

# The keys yfinance's Ticker.info returns for a US stock (values shaped like CoreWeave's).
INFO = {
    "symbol": "CRWV",
    "marketCap": 48_500_000_000,
    "sharesOutstanding": 489_000_000,
    "totalDebt": 18_810_000_000,
    "totalRevenue": 4_310_000_000,
    "financialCurrency": "USD",
    "currency": "USD",
}


class FastInfo:
    """Behaves like yfinance's FastInfo: a mapping whose missing keys raise KeyError."""

    def __init__(self, **values: object) -> None:
        self._values = values

    def __getitem__(self, key: str) -> object:
        return self._values[key]


def test_mapping_prefers_fast_info_for_cap_and_shares() -> None:
    f = map_fundamentals(
        "CRWV", INFO, FastInfo(marketCap=5.0e10, shares=4.9e8, currency="USD"), NOW
    )
    assert f == Fundamentals("CRWV", NOW, market_cap=5.0e10, shares=4.9e8,
                             total_debt=1.881e10, revenue=4.31e9, currency="USD")  # fmt: skip


def test_mapping_falls_back_to_info_and_drops_junk() -> None:
    info = {**INFO, "totalRevenue": "n/a", "totalDebt": float("nan")}
    f = map_fundamentals("CRWV", info, FastInfo(), NOW)
    assert f.market_cap == 48_500_000_000 and f.shares == 489_000_000
    assert f.total_debt is None and f.revenue is None
    assert f.currency == "USD"


def test_mapping_with_nothing() -> None:
    f = map_fundamentals("X", None, None, NOW)
    assert (f.market_cap, f.shares, f.total_debt, f.revenue) == (None, None, None, None)


async def test_fetch_success() -> None:
    f = await fetch_fundamentals("CRWV", fetcher=lambda s: (INFO, FastInfo()), clock=lambda: NOW)
    assert f.market_cap == 48_500_000_000 and f.fetched_at == NOW


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            RuntimeError("Too Many Requests. Rate limited. Try after a while."),
            "yfinance rate limited",
        ),
        (type("YFRateLimitError", (Exception,), {})("x"), "yfinance rate limited"),
        (ConnectionError("Failed to resolve 'query2.finance.yahoo.com'"), "yfinance failed: Conn"),
        (KeyError("marketCap"), "yfinance failed: KeyError"),
        (ValueError(), "yfinance failed: ValueError"),
    ],
)
async def test_fetch_failures(exc: Exception, reason: str) -> None:
    def fetcher(symbol: str):
        raise exc

    with pytest.raises(FundamentalsError) as info:
        await fetch_fundamentals("CRWV", fetcher=fetcher)
    assert info.value.reason.startswith(reason)


async def test_fetch_hang_is_bounded() -> None:
    answered = threading.Event()  # never set while the fetch waits: yfinance hangs
    try:
        with pytest.raises(FundamentalsError, match=r"did not answer within 0\.1s"):
            await fetch_fundamentals("CRWV", fetcher=lambda s: answered.wait(30), timeout=0.1)
    finally:
        answered.set()  # lets the abandoned thread end


async def test_fetch_empty_answer() -> None:
    with pytest.raises(FundamentalsError, match="no figures"):
        await fetch_fundamentals("CRWV", fetcher=lambda s: ({}, FastInfo()))
