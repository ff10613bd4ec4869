"""The Yahoo bodies the fake Yahoo serves (tests/fake_yahoo.py): recorded files read in either
wrapper format (yfinance's cassettes, node-yahoo-finance2's), recorded bodies rescaled for symbols
Yahoo has no public recording of, and synthetic two-year daily series for the event study.

Recorded files live in ``tests/fixtures/yahoo`` and ``tests/fixtures/news`` (verbatim copies; where
each comes from is in their SOURCES.md).
"""

from __future__ import annotations

import copy
import functools
import json
import random
import zlib
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from neotui.data.market.quote import NEW_YORK

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "yahoo"
QUOTED = FIXTURES / "quoted_in_issues"
NEWS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "news"
CRUMB_FILE = "y2_getcrumb_ok_text_body.json"

Reply = tuple[int, str, bytes]

_PRICE_KEYS = (
    "regularMarketPrice", "previousClose", "chartPreviousClose", "regularMarketDayHigh",
    "regularMarketDayLow", "fiftyTwoWeekHigh", "fiftyTwoWeekLow", "fulldayPrice",
)  # fmt: skip


@functools.lru_cache(maxsize=64)
def recorded(name: str) -> Reply:
    """Status, content type and body of a recorded file, in either wrapper format."""
    folder = NEWS_FIXTURES if name.startswith("y2_search_") else FIXTURES
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    if isinstance(data, list):  # yfinance's format
        response = data[0]["response"]
        return (
            response["status_code"],
            response["content_type"],
            json.dumps(response["json"]).encode(),
        )
    if "response" not in data:  # a bare body (the spark file)
        return 200, "application/json", json.dumps(data).encode()
    response = data["response"]  # node-yahoo-finance2's format
    if "bodyJson" in response:
        body = json.dumps(response["bodyJson"]).encode()
        return response["status"], "application/json;charset=utf-8", body
    return response["status"], "text/plain", (response.get("bodyText") or "").encode()


def recorded_json(name: str) -> Any:
    """The decoded JSON body of a recorded file."""
    return json.loads(recorded(name)[2])


def recorded_crumb() -> str:
    """The crumb Yahoo gave in the recorded getcrumb exchange (``haT3oykhHqZ``)."""
    return recorded(CRUMB_FILE)[2].decode()


@functools.lru_cache(maxsize=4096)
def _scaled_cached(name: str, symbol: str, scale: float) -> bytes:
    return _scaled(json.loads(recorded(name)[2]), symbol, scale)


def _scaled(body: Any, symbol: str, scale: float) -> bytes:
    body = copy.deepcopy(body)
    result = body["chart"]["result"][0]
    meta = result["meta"]
    meta["symbol"] = symbol
    meta.pop("longName", None)
    meta["shortName"] = f"{symbol} (fake)"
    for key in _PRICE_KEYS:
        if isinstance(meta.get(key), (int, float)):
            meta[key] = round(meta[key] * scale, 4)
    for quote in result.get("indicators", {}).get("quote", []):
        for key in ("open", "high", "low", "close"):
            if isinstance(quote.get(key), list):
                quote[key] = [None if v is None else round(v * scale, 4) for v in quote[key]]
    return json.dumps(body).encode()


def _us_state(now: datetime) -> str:
    """Yahoo's marketState for a US stock at ``now`` (by the clock; no holidays)."""
    from neotui.data.market.quote import Session, us_session

    session, _ = us_session(now)
    return {Session.PRE: "PRE", Session.REGULAR: "REGULAR", Session.POST: "POST"}.get(
        session, "CLOSED"
    )


#: The last day of the synthetic two-year daily series (the tests' frozen clock is the 20th).
SYNTHETIC_END = date(2026, 11, 20)
#: Symbols listed inside the two years: their synthetic series starts on the first trading day.
FIRST_TRADE = {"CRWV": date(2025, 3, 28)}


@functools.lru_cache(maxsize=64)
def synthetic_daily(
    symbol: str, end: date = SYNTHETIC_END, jumps: tuple[tuple[date, float], ...] = ()
) -> bytes:
    """A made-up ``range=2y&interval=1d`` chart body for ``symbol``: two years of US sessions to
    ``end`` (or from its listing, ``FIRST_TRADE``). Every symbol shares one market factor (SPY is
    that factor); others add a beta of their own and noise, seeded by the symbol, so the event
    study has something to measure and the same request always gets the same prices. No deal
    effect is planted unless ``jumps`` adds a return on given days (``Route.jumps``)."""
    from neotui.data.market.calendar import sessions

    days = sessions(max(end - timedelta(days=730), FIRST_TRADE.get(symbol, date.min)), end)
    market = random.Random(0)
    own = random.Random(zlib.crc32(symbol.encode()))
    beta, price = own.uniform(0.8, 2.5), own.uniform(10.0, 150.0)
    closes, extra = [], dict(jumps)
    for day in days:
        m = market.gauss(0.0004, 0.01)
        r = m if symbol == "SPY" else beta * m + own.gauss(0.0, 0.03)
        price *= 1.0 + r + extra.get(day, 0.0)
        closes.append(round(price, 4))
    opens = [int(datetime.combine(d, dtime(9, 30), NEW_YORK).timestamp()) for d in days]
    meta = {"currency": "USD", "symbol": symbol, "exchangeTimezoneName": "America/New_York",
            "regularMarketPrice": closes[-1], "shortName": f"{symbol} (synthetic)",
            "dataGranularity": "1d", "range": "2y"}  # fmt: skip
    result = {"meta": meta, "timestamp": opens, "indicators": {"quote": [{"close": closes}]}}
    return json.dumps({"chart": {"result": [result], "error": None}}).encode()


def recorded_json_headers(name: str) -> dict[str, str]:
    """The response headers of a recorded node-yahoo-finance2 exchange (list values joined)."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    headers = data["response"]["headers"]
    return {k: v[0] if isinstance(v, list) else v for k, v in headers.items()}


def _v7_from_meta(meta: dict[str, Any], template: dict[str, Any], state: str) -> dict[str, Any]:
    """A v7 quote item for a chart's symbol: the recorded AAPL item, rescaled to the chart's
    price so the two endpoints agree."""
    item = copy.deepcopy(template)
    price = meta.get("regularMarketPrice")
    prev = meta.get("previousClose") or meta.get("chartPreviousClose")
    factor = price / template["regularMarketPrice"]
    for key in ("regularMarketDayHigh", "regularMarketDayLow", "regularMarketOpen",
                "fiftyTwoWeekHigh", "fiftyTwoWeekLow", "bid", "ask"):  # fmt: skip
        item[key] = round(template[key] * factor, 4)
    for key in [k for k in item if k.startswith(("postMarket", "preMarket"))]:
        del item[key]
    symbol = meta["symbol"]
    item.update(
        symbol=symbol, shortName=meta.get("shortName") or symbol,
        longName=meta.get("longName") or meta.get("shortName") or symbol,
        displayName=symbol, regularMarketPrice=price, regularMarketPreviousClose=prev,
        regularMarketChange=round(price - prev, 4),
        regularMarketChangePercent=round((price - prev) / prev * 100, 6),
        regularMarketTime=meta.get("regularMarketTime"), marketState=state,
        currency=meta.get("currency"),
        exchangeTimezoneName=meta.get("exchangeTimezoneName"),
        marketCap=round(template["marketCap"] * factor),
    )  # fmt: skip
    return item
