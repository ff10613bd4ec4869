"""Cboe's delayed quotes: the second source when Yahoo refuses every symbol.

``GET {base}/api/global/delayed_quotes/quotes/{SYM}.json`` needs no key and no cookie and answers
one symbol a request, 15 minutes behind the market (Cboe says so on its pages; the body does
not). Every quote made here carries ``source="cboe"`` and ``delayed_minutes=15``, so the table
never shows it as live and the alerts never judge it (see ``alerts/rules.py``).

Traps of the recorded body (``tests/fixtures/cboe/SOURCES.md``):

- no time carries an offset: ``timestamp`` ("2024-06-27 03:43:59", the snapshot's time) is UTC,
  while ``last_trade_time`` ("2024-06-26T15:59:59") is New York time;
- after the bell ``prev_day_close`` holds *today's* official close (it equals ``close``), not the
  previous day's: the previous close is then ``close - price_change``. During the session it is
  the real previous close and ``current_price - price_change`` agrees with it. When neither
  reading is consistent the previous close is left unknown rather than guessed;
- after the bell ``current_price`` is the last trade before the closing auction, not the close.

Cboe lists US securities only: symbols with an exchange suffix (``0700.HK``), indices (``^GSPC``)
and currencies (``EURUSD=X``) are not asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from neotui.data.clean import parse_json
from neotui.data.market.http import (
    FailureKind,
    FetchError,
    HttpResponse,
    HttpSession,
    SessionOptions,
    each_symbol,
    make_session,
)
from neotui.data.market.quote import NEW_YORK, Quote, _price, _str, _volume

CBOE_URL = "https://cdn.cboe.com"
"""Cboe's CDN (``market.cboe_url``, env ``NEOTUI_CBOE_URL``)."""
CBOE_DELAY = 15
"""Minutes Cboe's delayed quotes lag the market."""
#: The largest Cboe body read: the recorded one is 518 bytes.
CBOE_MAX_BODY = 256 * 1024
#: How close ``current_price - price_change`` must come to ``prev_day_close`` (as a fraction of
#: the price) for the two to be read as the same previous close.
_AGREE = 0.005


class CboeFormatError(ValueError):
    """The body is JSON but not a Cboe delayed quote."""


def cboe_symbol(symbol: str) -> str | None:
    """The symbol as Cboe's path writes it, or None when Cboe cannot have it (not US-listed)."""
    if not symbol or any(c in symbol for c in ".^=") or not symbol.replace("-", "").isalnum():
        return None
    return symbol.upper()


def _naive(text: Any, zone: Any) -> datetime | None:
    """A time written without an offset, read in ``zone``; None if it is not one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _change(value: Any) -> float | None:
    """A price change: finite, either sign."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if abs(number) < 1e12 else None


def _close_to(a: float, b: float) -> bool:
    return abs(a - b) <= _AGREE * max(abs(a), abs(b))


def parse_cboe(body: Any, symbol: str, fetched_at: datetime) -> Quote:
    """A :class:`Quote` from one delayed-quote body (see the module's traps).

    Raises:
        CboeFormatError: the body is not a quote, or is one for another symbol.
    """
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise CboeFormatError("the response is not a Cboe quote")
    said = _str(data.get("symbol")) or _str(body.get("symbol"))
    if said is not None and said.upper() != symbol.upper():
        raise CboeFormatError(f"Cboe answered for {said[:12]}, not {symbol}")
    current, close = _price(data.get("current_price")), _price(data.get("close"))
    prev_day, change = _price(data.get("prev_day_close")), _change(data.get("price_change"))
    price, prev_close = current, None
    if (
        current is not None
        and prev_day is not None
        and change is not None
        and _close_to(current - change, prev_day)
    ):
        prev_close = prev_day  # in session: prev_day_close is the previous day's
    elif close is not None and prev_day is not None and _close_to(close, prev_day):
        # After the bell: prev_day_close is today's close; the change says where it started.
        price = close
        if change is not None and close - change > 0:
            prev_close = close - change
    elif current is None:
        price = close
    return Quote(
        symbol=symbol,
        price=price,
        fetched_at=fetched_at,
        currency="USD",
        quoted_currency="USD",
        prev_close=prev_close,
        day_high=_price(data.get("high")),
        day_low=_price(data.get("low")),
        volume=_volume(data.get("volume")),
        exchange_tz="America/New_York",
        market_time=_naive(data.get("last_trade_time"), NEW_YORK),
        source="cboe",
        delayed_minutes=CBOE_DELAY,
    )


def _decode(response: HttpResponse, symbol: str) -> Any:
    """The JSON of a Cboe answer, or a classified :class:`FetchError`."""
    status = response.status
    if status in (403, 404):
        # The CDN's answer for a symbol it has no file for (its bucket says AccessDenied).
        raise FetchError(
            FailureKind.NOT_FOUND, f"Cboe has no quote for {symbol} ({status})", status
        )
    if status == 429:
        raise FetchError(FailureKind.RATE_LIMITED, "rate limited by Cboe (429)", status)
    if status != 200:
        raise FetchError(FailureKind.SERVER, f"Cboe answered HTTP {status}", status)
    if "html" in response.content_type or response.content.lstrip()[:1] == b"<":
        raise FetchError(FailureKind.BAD_RESPONSE, "Cboe sent a web page instead of data", status)
    try:
        return parse_json(response.content)
    except ValueError:
        raise FetchError(FailureKind.BAD_RESPONSE, "Cboe sent invalid JSON", status) from None


def _now() -> datetime:
    return datetime.now(UTC)


class CboeClient:
    """Delayed quotes from Cboe, one request per symbol, a few in flight.

    Args:
        base_url: Cboe's CDN, or the tests' fake server.
        options: the session's timeouts, proxy and total deadline (the body limit is Cboe's).
        transport: ``browser`` or ``plain``, as ``market.transport`` says.
        session: a ready session (tests).
    """

    name = "cboe"
    label = "Cboe"
    delayed_minutes = CBOE_DELAY

    def __init__(
        self,
        base_url: str = CBOE_URL,
        *,
        options: SessionOptions | None = None,
        transport: str = "browser",
        session: HttpSession | None = None,
        concurrency: int = 4,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        base = options or SessionOptions()
        limited = SessionOptions(
            connect_timeout=base.connect_timeout,
            read_timeout=base.read_timeout,
            max_connections=concurrency,
            proxy=base.proxy,
            max_bytes=CBOE_MAX_BODY,
            deadline=base.deadline,
        )
        self.session = session or make_session(transport, limited)
        self._limit = asyncio.Semaphore(concurrency)
        self._clock = clock
        self.requests = 0
        """HTTP requests made so far (figures, tests)."""

    def url(self, symbol: str) -> str:
        """Where one symbol's delayed quote is."""
        return f"{self.base_url}/api/global/delayed_quotes/quotes/{symbol}.json"

    async def quote(self, symbol: str) -> Quote:
        """One symbol's delayed quote.

        Raises:
            FetchError: every failure, classified (NOT_FOUND for what Cboe cannot have).
        """
        path = cboe_symbol(symbol)
        if path is None:
            raise FetchError(FailureKind.NOT_FOUND, f"{symbol} is not a US listing Cboe quotes")
        async with self._limit:
            self.requests += 1
            response = await self.session.get(self.url(path))
        body = _decode(response, symbol)
        try:
            quote = parse_cboe(body, symbol, self._clock())
        except CboeFormatError as exc:
            raise FetchError(FailureKind.BAD_RESPONSE, str(exc)) from None
        if quote.price is None:
            raise FetchError(FailureKind.BAD_RESPONSE, "Cboe sent no usable price")
        return quote

    async def quotes(self, symbols: Sequence[str]) -> dict[str, Quote | FetchError]:
        """Every symbol's delayed quote or error."""

        return await each_symbol(self.quote, symbols)

    async def aclose(self) -> None:
        """Close the session."""
        await self.session.aclose()
