"""Quotes from Yahoo's batch endpoints: ``/v7/finance/quote`` and ``/v8/finance/spark``.

One v7 request carries every watched symbol's price, previous close, day and 52-week ranges,
volume, market cap, exchange and market state; one spark request carries their intraday series.
Together they replace a chart request per symbol, so a refresh costs one round trip and two
requests whatever the watchlist's length (up to the batch sizes below).

Traps (see ``tests/fixtures/yahoo/SOURCES.md``): an unknown symbol is silently left out of a v7
batch (HTTP 200, no error); ``regularMarketChangePercent`` is a percent here but a fraction in
quoteSummary (so it is never read: change is computed from price and previous close); GBp prices
are in pence while ``marketCap`` is in pounds; the last spark close can be ``null``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from neotui.data.market.quote import (
    MINOR_UNITS,
    Quote,
    Session,
    _epoch,
    _price,
    _str,
    _volume,
)

#: Symbols per v7 request: Yahoo serves long lists, but a short URL stays under every proxy's
#: limit and one bad symbol cannot cost more than a slice.
QUOTE_BATCH = 50
#: Symbols per spark request (Yahoo's spark endpoint answers at most 20).
SPARK_BATCH = 20


#: v7 ``marketState`` values and the session each means. PREPRE (before 04:00 ET) and POSTPOST
#: (after 20:00 ET) are closed for trading.
class BatchFormatError(ValueError):
    """The body is JSON but not the expected batch shape."""


def batch_error(body: Any) -> str | None:
    """The error description of a v7/v10 ``finance.error`` body (e.g. "Invalid Crumb")."""
    if not isinstance(body, dict):
        return None
    for key in ("finance", "quoteResponse", "quoteSummary", "spark"):
        block = body.get(key)
        if isinstance(block, dict) and isinstance(block.get("error"), dict):
            error = block["error"]
            return _str(error.get("description")) or _str(error.get("code")) or "unknown error"
    return None


def parse_v7_quotes(body: Any, fetched_at: datetime) -> dict[str, Quote]:
    """Every quote of a ``quoteResponse`` body, by symbol (symbols Yahoo left out are absent).

    Raises:
        BatchFormatError: when the body is not a quote response.
    """
    try:
        results = body["quoteResponse"]["result"]
    except (KeyError, TypeError):
        raise BatchFormatError("the response is not a quote list") from None
    if not isinstance(results, list):
        raise BatchFormatError("the response is not a quote list")
    quotes: dict[str, Quote] = {}
    for item in results:
        if isinstance(item, dict) and (symbol := _str(item.get("symbol"))):
            quotes[symbol] = _v7_quote(item, symbol, fetched_at)
    return quotes


def _v7_quote(item: dict[str, Any], symbol: str, fetched_at: datetime) -> Quote:
    quoted = _str(item.get("currency"))
    currency, divisor = MINOR_UNITS.get(quoted or "", (quoted, 1.0))

    def money(key: str) -> float | None:
        value = _price(item.get(key))
        return value / divisor if value is not None else None

    def when(key: str) -> datetime | None:
        epoch = _epoch(item.get(key))
        return datetime.fromtimestamp(epoch, UTC) if epoch else None

    price = money("regularMarketPrice")
    market_time = when("regularMarketTime")
    state = _str(item.get("marketState"))
    extended_price: float | None = None
    extended_session: Session | None = None
    pre, post = money("preMarketPrice"), money("postMarketPrice")
    pre_time, post_time = when("preMarketTime"), when("postMarketTime")
    newer = market_time or datetime.min.replace(tzinfo=UTC)
    if state in ("PRE", "PREPRE") and pre is not None and (pre_time is None or pre_time > newer):
        extended_price, extended_session = pre, Session.PRE
    elif post is not None and post_time is not None and post_time > newer:
        extended_price, extended_session = post, Session.POST
    return Quote(
        symbol=symbol,
        price=price,
        fetched_at=fetched_at,
        name=_str(item.get("longName")) or _str(item.get("shortName")),
        currency=currency,
        quoted_currency=quoted,
        prev_close=money("regularMarketPreviousClose"),
        day_high=money("regularMarketDayHigh"),
        day_low=money("regularMarketDayLow"),
        volume=_volume(item.get("regularMarketVolume")),
        year_high=money("fiftyTwoWeekHigh"),
        year_low=money("fiftyTwoWeekLow"),
        exchange=_str(item.get("fullExchangeName")) or _str(item.get("exchange")),
        exchange_tz=_str(item.get("exchangeTimezoneName")),
        # Market cap is in the major unit already (pounds for a GBp-quoted stock).
        market_cap=_volume(item.get("marketCap")),
        market_state=state,
        market_time=market_time,
        extended_price=extended_price,
        extended_session=extended_session,
        delayed_minutes=_delay(item.get("exchangeDataDelayedBy")),
        earnings_start=_epoch(item.get("earningsTimestampStart")),
        earnings_end=_epoch(item.get("earningsTimestampEnd")),
        earnings_last=_epoch(item.get("earningsTimestamp")),
        earnings_estimate=e if isinstance(e := item.get("isEarningsDateEstimate"), bool) else None,
    )


def _delay(value: Any) -> int | None:
    """``exchangeDataDelayedBy`` in minutes (0 for US listings, 15 for London): a day at most."""
    number = _volume(value)
    return int(number) if number is not None and number <= 1440 else None


def parse_spark(body: Any) -> dict[str, tuple[tuple[int, ...], tuple[float, ...]]]:
    """Each symbol's intraday series (timestamps, closes; null points dropped).

    Accepts the flat v8 shape ``{"SYM": {timestamp, close, …}}`` and the older
    ``{"spark": {"result": [{"symbol", "response": [chart result]}]}}``.

    Raises:
        BatchFormatError: when the body is neither.
    """
    if not isinstance(body, dict):
        raise BatchFormatError("the response is not a spark result")
    entries: dict[str, Any] = {}
    spark = body.get("spark")
    if isinstance(spark, dict):
        results = spark.get("result")
        for item in results if isinstance(results, list) else []:
            try:
                chart = item["response"][0]
                entries[item["symbol"]] = {
                    "timestamp": chart.get("timestamp"),
                    "close": chart["indicators"]["quote"][0].get("close"),
                }
            except (KeyError, IndexError, TypeError, AttributeError):
                continue
    else:
        entries = {k: v for k, v in body.items() if isinstance(v, dict)}
        if body and not entries:
            raise BatchFormatError("the response is not a spark result")
    series: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {}
    for key, entry in entries.items():
        symbol = _str(key)  # keys are symbols from outside too
        if symbol is None or not isinstance(entry, dict):
            continue
        times, closes = entry.get("timestamp"), entry.get("close")
        if not isinstance(times, list) or not isinstance(closes, list):
            series[symbol] = ((), ())
            continue
        pairs = [
            (int(t), float(c))
            for t, c in zip(times, closes, strict=False)
            if _epoch(t) is not None and _price(c) is not None
        ]
        series[symbol] = (tuple(t for t, _ in pairs), tuple(c for _, c in pairs))
    return series


def with_series(quote: Quote, series: tuple[tuple[int, ...], tuple[float, ...]] | None) -> Quote:
    """``quote`` with the intraday series from spark (converted to major units)."""
    if not series or not series[0]:
        return quote
    divisor = MINOR_UNITS.get(quote.quoted_currency or "", ("", 1.0))[1]
    times, closes = series
    return replace(quote, series=tuple(c / divisor for c in closes), series_times=times)
