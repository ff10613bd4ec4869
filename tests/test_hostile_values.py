"""Issue 22 cases 8, 9, 10, 17 (headline searches) and 19: values a server sends that must not
replace good data, stop a feed or become a path."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest

from neotui.data.market.feed import MarketFeed, SymbolStatus
from neotui.data.market.http import FailureKind, FetchError
from neotui.data.market.quote import parse_quote
from neotui.data.market.quote_batch import parse_spark, parse_v7_quotes
from neotui.data.market.yahoo import YahooClient
from neotui.data.news import NewsFeed, parse_search
from tests.fake_yahoo import FakeYahoo, recorded, recorded_json

NOW = datetime(2025, 2, 17, 11, 0, tzinfo=UTC)
V7 = "y2_quote_AAPL_CLOSED_postmarket_2025.json"
CHART = "y2_chart_TSLA_30m_intraday_prepost_tradingPeriods.json"
SEARCH = "y2_search_AAPL_news_2025-02-25.json"


def _quotes_csv(url: str) -> dict[str, dict[str, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "neotui", "quotes", "--format", "csv"],
        env={**os.environ, "NEOTUI_YAHOO_URL": url}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode in (0, 3), result.stderr
    return {r["symbol"]: r for r in csv.DictReader(io.StringIO(result.stdout))}


# --- case 8: a batch row without a usable price ---------------------------------------------


@pytest.mark.parametrize("bad", [None, "12.5", "n/a"])
def test_case_8_null_or_string_price_keeps_the_last_good_price_marked_stale(
    fake_yahoo: FakeYahoo, bad: Any
) -> None:
    good = _quotes_csv(fake_yahoo.url)
    assert good["NVDA"]["stale"] == "False" and good["NVDA"]["price"]
    fake_yahoo.v7_patch["NVDA"] = {"regularMarketPrice": bad}
    rows = _quotes_csv(fake_yahoo.url)
    nvda = rows["NVDA"]
    assert nvda["price"] == good["NVDA"]["price"]  # the last good price stays
    assert nvda["stale"] == "True" and "no usable price" in nvda["error"]
    assert rows["CRWV"]["stale"] == "False"  # the other symbols are fresh


# --- case 9: zero, negative and non-finite prices -------------------------------------------


@pytest.mark.parametrize("bad", [0, -5.0, -0.0, float("nan"), float("inf"), True, "3"])
def test_case_9_non_positive_prices_are_refused_by_every_parser(bad: Any) -> None:
    body = copy.deepcopy(recorded_json(V7))
    item = body["quoteResponse"]["result"][0]
    item.update(regularMarketPrice=bad, regularMarketPreviousClose=bad, regularMarketVolume=-1)
    q = parse_v7_quotes(body, NOW)["AAPL"]
    assert q.price is None and q.prev_close is None and q.volume is None

    chart = copy.deepcopy(recorded_json(CHART))
    meta = chart["chart"]["result"][0]["meta"]
    meta.update(regularMarketPrice=bad, previousClose=bad, regularMarketVolume=-3)
    closes = chart["chart"]["result"][0]["indicators"]["quote"][0]["close"]
    closes[0], closes[1] = bad, -1.0
    c = parse_quote(chart, "TSLA", NOW)
    assert c.price is None and c.prev_close is None and c.volume is None
    assert all(x > 0 for x in c.series)

    spark = {"AAPL": {"timestamp": [1739800000, 1739800300, 1739800600],
                      "close": [bad, -2.0, 241.5]}}  # fmt: skip
    assert parse_spark(spark)["AAPL"] == ((1739800600,), (241.5,))


class _OneAnswer:
    """A stand-in client answering every symbol with one quote."""

    def __init__(self, price: float) -> None:
        self.price = price
        self.requests = 0
        self.batch_note = None

    async def quotes(self, symbols: list[str]) -> dict[str, Any]:
        body = copy.deepcopy(recorded_json(V7))
        body["quoteResponse"]["result"][0]["regularMarketPrice"] = self.price
        quote = parse_v7_quotes(body, NOW)["AAPL"]
        return dict.fromkeys(symbols, quote)


async def test_case_9_a_zero_price_is_never_fresh_in_the_feed() -> None:
    client = _OneAnswer(244.6)
    feed = MarketFeed(["AAPL"], client)  # type: ignore[arg-type]
    await feed.refresh_once()
    client.price = 0.0
    update = await feed.refresh_once()
    state = update.states["AAPL"]
    assert state.status is SymbolStatus.STALE and state.quote is not None
    assert state.quote.price == 244.6 and "no usable price" in (state.reason or "")


# --- case 10: headlines with impossible publication times -----------------------------------


def _search_with_stamps(*stamps: Any) -> dict[str, Any]:
    body = json.loads(recorded(SEARCH)[2])
    for item, stamp in zip(body["news"], stamps, strict=False):
        item["providerPublishTime"] = stamp
    return body


@pytest.mark.parametrize("stamp", [1e20, float("inf"), float("nan"), -1, "1740000000", 10**400])
def test_case_10_a_bad_publication_time_skips_that_item_only(stamp: Any) -> None:
    body = _search_with_stamps(stamp)
    headlines = parse_search(body, "AAPL")
    assert len(headlines) == len(body["news"]) - 1


def test_case_10_news_command_survives_an_out_of_range_time(fake_yahoo: FakeYahoo) -> None:
    body = _search_with_stamps(1e20)
    raw = json.dumps(body).replace("1e+20", "1e20")
    fake_yahoo.news_bodies["NVDA"] = raw.encode()
    result = subprocess.run(
        [sys.executable, "-m", "neotui", "news", "--format", "json"],
        env={**os.environ, "NEOTUI_YAHOO_URL": fake_yahoo.url},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(body["news"]) - 1


# --- case 17 (second half): headline searches per cycle -------------------------------------


class _Searches:
    """A stand-in client that counts searches and finds nothing."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def get_json(self, path: str, params: dict[str, str]) -> Any:
        self.asked.append(params["q"])
        return {"news": []}


async def test_case_17_headline_searches_are_capped_per_cycle_and_rotate() -> None:
    from neotui.data.news import MAX_SEARCHES

    symbols = [f"S{i}" for i in range(MAX_SEARCHES * 2 + 5)]
    client = _Searches()
    feed = NewsFeed(symbols, client)  # type: ignore[arg-type]
    await feed.refresh_once()
    assert len(client.asked) == MAX_SEARCHES
    for _ in range(2):
        await feed.refresh_once()
    assert len(client.asked) == 3 * MAX_SEARCHES
    assert set(client.asked) == set(symbols)  # every symbol had its turn


# --- case 19: path-like symbols never reach a URL -------------------------------------------


@pytest.mark.parametrize("symbol", ["..", "../v7", "A/B", "%2e%2e", "NVDA?x=1"])
async def test_case_19_path_like_symbols_are_never_sent(fake_yahoo: FakeYahoo, symbol: str) -> None:
    async with YahooClient(fake_yahoo.url, batch=False) as client:
        with pytest.raises(FetchError) as caught:
            await client.quote(symbol)
        assert caught.value.kind is FailureKind.NOT_FOUND
        news = NewsFeed([symbol], client)
        update = await news.refresh_once()
    assert symbol in update.errors
    assert not fake_yahoo.requests  # nothing sent at all


async def test_case_19_index_symbols_are_quoted_in_the_path(fake_yahoo: FakeYahoo) -> None:
    async with YahooClient(fake_yahoo.url, batch=False) as client:
        await client.quote("^GSPC")
    assert fake_yahoo.requests[0][1] == "^GSPC"  # arrived as one path segment, unquoted there
