"""Quotes and daily history parsed from Yahoo's v8 chart response, and market sessions.

Yahoo's chart JSON is full of traps (see ``tests/fixtures/yahoo/SOURCES.md``): ``quote: [{}]``
with no timestamps at the weekend, ``null`` bars, ``chartPreviousClose`` that is the previous close
only for ``range=1d``, prices in pence (GBp). The parser never raises for a missing or odd field:
it returns a partial :class:`Quote` and leaves unknown values as ``None``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from neotui.data.clean import clean_text

NEW_YORK = ZoneInfo("America/New_York")
#: The first second of the year 10000: later epochs cannot be a datetime.
MAX_EPOCH = 253_402_300_800

#: Currencies quoted in minor units: Yahoo's code -> (major currency, divisor).
MINOR_UNITS: dict[str, tuple[str, float]] = {
    "GBp": ("GBP", 100.0),
    "GBX": ("GBP", 100.0),
    "ZAc": ("ZAR", 100.0),
    "ILA": ("ILS", 100.0),
}


class Session(StrEnum):
    """A market session, as shown in the status line and used to pace refreshes."""

    PRE = "pre"
    REGULAR = "regular"
    POST = "post"
    CLOSED = "closed"


MARKET_STATES: dict[str, Session] = {
    "PRE": Session.PRE,
    "REGULAR": Session.REGULAR,
    "POST": Session.POST,
    "POSTPOST": Session.CLOSED,
    "PREPRE": Session.CLOSED,
    "CLOSED": Session.CLOSED,
}
"""Yahoo's ``marketState`` (batch quote) as a session; the overnight states count as closed."""


class ChartFormatError(ValueError):
    """The body is JSON but not a chart result (no ``chart.result[0].meta``)."""


@dataclass(frozen=True, slots=True)
class TradingPeriods:
    """Epoch seconds of the current (or last, or next) trading day's sessions."""

    pre_start: int | None = None
    pre_end: int | None = None
    regular_start: int | None = None
    regular_end: int | None = None
    post_start: int | None = None
    post_end: int | None = None

    def session_at(self, when: datetime) -> Session:
        """Which session ``when`` falls in; CLOSED outside them (nights, weekends, holidays)."""
        t = when.timestamp()
        for session, start, end in (
            (Session.PRE, self.pre_start, self.pre_end),
            (Session.REGULAR, self.regular_start, self.regular_end),
            (Session.POST, self.post_start, self.post_end),
        ):
            if start is not None and end is not None and start <= t < end:
                return session
        return Session.CLOSED


@dataclass(frozen=True, slots=True)
class Quote:
    """The latest market data for one symbol. Prices are in ``currency`` (major units)."""

    symbol: str
    price: float | None
    fetched_at: datetime
    name: str | None = None
    currency: str | None = None
    quoted_currency: str | None = None
    prev_close: float | None = None
    day_high: float | None = None
    day_low: float | None = None
    volume: float | None = None
    year_high: float | None = None
    year_low: float | None = None
    exchange: str | None = None
    exchange_tz: str | None = None
    market_cap: float | None = None
    market_state: str | None = None
    market_time: datetime | None = None
    periods: TradingPeriods = field(default_factory=TradingPeriods)
    extended_price: float | None = None
    extended_session: Session | None = None
    series: tuple[float, ...] = ()
    series_times: tuple[int, ...] = ()
    source: str = "yahoo"
    """Where the price came from: ``yahoo``, or a fallback source (``cboe``)."""
    delayed_minutes: int | None = None
    """How far behind the market the price is, as its source says (None: not said)."""

    @property
    def delayed(self) -> bool:
        """Whether the price is known to lag the market: never shown as live."""
        return bool(self.delayed_minutes)

    #: The v7 quote's earnings fields, as epochs (see ``earnings.py`` for what each means).
    earnings_start: int | None = None
    earnings_end: int | None = None
    earnings_last: int | None = None
    earnings_estimate: bool | None = None

    @property
    def change(self) -> float | None:
        """Price minus previous close, when both are known."""
        if self.price is None or self.prev_close is None:
            return None
        return self.price - self.prev_close

    @property
    def change_pct(self) -> float | None:
        """Change as a percentage of the previous close."""
        change = self.change
        if change is None or not self.prev_close:
            return None
        return change / self.prev_close * 100.0

    @property
    def extended_change_pct(self) -> float | None:
        """Pre/post-market price against the regular price, in percent."""
        if self.extended_price is None or not self.price:
            return None
        return (self.extended_price - self.price) / self.price * 100.0

    def session_at(self, when: datetime) -> Session:
        """The symbol's market session at ``when``: from Yahoo's trading periods (chart), else
        from the market state the batch quote gave when it was fetched (v7 has no periods)."""
        if (
            self.periods.regular_start is None
            and self.market_state is not None
            and abs((when - self.fetched_at).total_seconds()) < 600
        ):
            return MARKET_STATES.get(self.market_state, Session.CLOSED)
        return self.periods.session_at(when)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for the cache)."""
        data = asdict(self)
        data["fetched_at"] = self.fetched_at.isoformat()
        data["market_time"] = self.market_time.isoformat() if self.market_time else None
        data["extended_session"] = str(self.extended_session) if self.extended_session else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Quote:
        """Rebuild a quote written by :meth:`to_json`; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["fetched_at"] = datetime.fromisoformat(values["fetched_at"])
        if values.get("market_time"):
            values["market_time"] = datetime.fromisoformat(values["market_time"])
        values["periods"] = TradingPeriods(**(values.get("periods") or {}))
        if values.get("extended_session"):
            values["extended_session"] = Session(values["extended_session"])
        values["series"] = tuple(values.get("series") or ())
        values["series_times"] = tuple(values.get("series_times") or ())
        return cls(**values)


@dataclass(frozen=True, slots=True)
class DailyHistory:
    """Daily closes, oldest first (1 year by default), for charts and analytics."""

    symbol: str
    dates: tuple[date, ...]
    closes: tuple[float, ...]
    fetched_at: datetime
    currency: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for the cache)."""
        return {
            "symbol": self.symbol,
            "dates": [d.isoformat() for d in self.dates],
            "closes": list(self.closes),
            "fetched_at": self.fetched_at.isoformat(),
            "currency": self.currency,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DailyHistory:
        """Rebuild a history written by :meth:`to_json`."""
        return cls(
            symbol=data["symbol"],
            dates=tuple(date.fromisoformat(d) for d in data["dates"]),
            closes=tuple(float(c) for c in data["closes"]),
            fetched_at=datetime.fromisoformat(data["fetched_at"]),
            currency=data.get("currency"),
        )


# --- parsing ------------------------------------------------------------------------------------


def _num(value: Any) -> float | None:
    """A finite float, or None for null, strings, NaN, booleans."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int of hundreds of digits
        return None
    return number if math.isfinite(number) else None


def _price(value: Any) -> float | None:
    """A usable price: finite and above zero (a price of 0 or -5 is a broken answer, and taken
    as one would fire a ``below`` alert and show a position at -100 %)."""
    number = _num(value)
    return number if number is not None and number > 0.0 else None


def _volume(value: Any) -> float | None:
    """A usable volume or market cap: finite and not negative."""
    number = _num(value)
    return number if number is not None and number >= 0.0 else None


def _int(value: Any) -> int | None:
    number = _num(value)
    return int(number) if number is not None else None


def _epoch(value: Any) -> int | None:
    """Epoch seconds that make a datetime (years 1971 to 9999); None for 1e20, -1, strings."""
    number = _int(value)
    return number if number is not None and 0 < number < MAX_EPOCH else None


def _str(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = clean_text(value).strip()
    return text or None


def chart_result(body: Any) -> dict[str, Any]:
    """The ``chart.result[0]`` object of a chart response.

    Raises:
        ChartFormatError: when the body is not a chart result.
    """
    try:
        result: dict[str, Any] = body["chart"]["result"][0]
        if not isinstance(result.get("meta"), dict):
            raise TypeError
    except (KeyError, IndexError, TypeError, AttributeError):
        raise ChartFormatError("the response is not a chart result") from None
    return result


def chart_error(body: Any) -> str | None:
    """Yahoo's ``chart.error.description`` (e.g. "No data found, symbol may be delisted")."""
    try:
        error = body["chart"]["error"]
    except (KeyError, TypeError):
        return None
    if not isinstance(error, dict):
        return None
    return _str(error.get("description")) or _str(error.get("code")) or "unknown error"


def _periods(meta: dict[str, Any]) -> TradingPeriods:
    current = meta.get("currentTradingPeriod")
    if not isinstance(current, dict):
        return TradingPeriods()

    def part(name: str) -> tuple[int | None, int | None]:
        block = current.get(name)
        if not isinstance(block, dict):
            return None, None
        return _epoch(block.get("start")), _epoch(block.get("end"))

    (ps, pe), (rs, re_), (qs, qe) = part("pre"), part("regular"), part("post")
    return TradingPeriods(ps, pe, rs, re_, qs, qe)


def _bars(result: dict[str, Any]) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Timestamps and closes with null bars dropped (Yahoo pads gaps with null)."""
    timestamps = result.get("timestamp")
    try:
        closes = result["indicators"]["quote"][0].get("close")
    except (KeyError, IndexError, TypeError, AttributeError):
        closes = None
    if not isinstance(timestamps, list) or not isinstance(closes, list):
        return (), ()
    pairs = [
        (t, c)
        for t, c in zip(timestamps, closes, strict=False)
        if _epoch(t) is not None and _price(c) is not None
    ]
    return tuple(int(t) for t, _ in pairs), tuple(float(c) for _, c in pairs)


def parse_quote(body: Any, symbol: str, fetched_at: datetime, *, range_: str = "1d") -> Quote:
    """Build a :class:`Quote` from a chart response body.

    Args:
        body: the decoded JSON.
        symbol: the symbol asked for (used when ``meta.symbol`` is missing).
        fetched_at: when the response arrived (aware datetime).
        range_: the ``range`` the request asked for. ``chartPreviousClose`` is the close before
            the first bar of the range, so it is the previous close only for ``1d``.

    Raises:
        ChartFormatError: when the body is not a chart result at all.
    """
    result = chart_result(body)
    meta: dict[str, Any] = result["meta"]
    quoted = _str(meta.get("currency"))
    currency, divisor = MINOR_UNITS.get(quoted or "", (quoted, 1.0))

    def money(key: str) -> float | None:
        value = _price(meta.get(key))
        return value / divisor if value is not None else None

    prev_close = money("previousClose")
    meta_range = meta.get("range")
    one_day = meta_range == "1d" if meta_range is not None else range_ == "1d"
    if prev_close is None and one_day:
        prev_close = money("chartPreviousClose")

    times, closes = _bars(result)
    periods = _periods(meta)
    price = money("regularMarketPrice")
    market_epoch = _epoch(meta.get("regularMarketTime"))
    market_time = datetime.fromtimestamp(market_epoch, UTC) if market_epoch else None

    extended_price, extended_session = _extended(meta, periods, times, closes, divisor, price)
    return Quote(
        symbol=_str(meta.get("symbol")) or symbol,
        price=price,
        fetched_at=fetched_at,
        name=_str(meta.get("longName")) or _str(meta.get("shortName")),
        currency=currency,
        quoted_currency=quoted,
        prev_close=prev_close,
        day_high=money("regularMarketDayHigh"),
        day_low=money("regularMarketDayLow"),
        volume=_volume(meta.get("regularMarketVolume")),
        year_high=money("fiftyTwoWeekHigh"),
        year_low=money("fiftyTwoWeekLow"),
        exchange=_str(meta.get("fullExchangeName")) or _str(meta.get("exchangeName")),
        exchange_tz=_str(meta.get("exchangeTimezoneName")),
        market_time=market_time,
        periods=periods,
        extended_price=extended_price,
        extended_session=extended_session,
        series=tuple(c / divisor for c in closes),
        series_times=times,
    )


def _extended(
    meta: dict[str, Any],
    periods: TradingPeriods,
    times: tuple[int, ...],
    closes: tuple[float, ...],
    divisor: float,
    price: float | None,
) -> tuple[float | None, Session | None]:
    """The latest pre- or post-market price, if there is one newer than the regular price.

    The last bar inside the pre or post period wins; otherwise ``fulldayPrice`` (2026 responses),
    when it differs from the regular price and the regular session is over.
    """
    if times:
        last = times[-1]
        for session, start, end in (
            (Session.POST, periods.post_start, periods.post_end),
            (Session.PRE, periods.pre_start, periods.pre_end),
        ):
            if start is not None and end is not None and start <= last < end:
                return closes[-1] / divisor, session
    fullday = _price(meta.get("fulldayPrice"))
    if fullday is not None and price is not None and abs(fullday / divisor - price) > 1e-9:
        return fullday / divisor, Session.POST
    return None, None


def parse_history(body: Any, symbol: str, fetched_at: datetime) -> DailyHistory:
    """Daily closes from a ``range=1y&interval=1d`` chart response (null bars dropped).

    Dates are the exchange's local trading days (Yahoo stamps daily bars at the session open).
    """
    result = chart_result(body)
    meta = result["meta"]
    quoted = _str(meta.get("currency"))
    currency, divisor = MINOR_UNITS.get(quoted or "", (quoted, 1.0))
    tz_name = _str(meta.get("exchangeTimezoneName")) or "UTC"
    try:
        tz = ZoneInfo(tz_name)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    times, closes = _bars(result)
    dates = tuple(datetime.fromtimestamp(t, tz).date() for t in times)
    return DailyHistory(symbol, dates, tuple(c / divisor for c in closes), fetched_at, currency)


# --- the US market clock ------------------------------------------------------------------------

_US_SESSIONS = (
    (time(4, 0), time(9, 30), Session.PRE),
    (time(9, 30), time(16, 0), Session.REGULAR),
    (time(16, 0), time(20, 0), Session.POST),
)


def us_session(now: datetime) -> tuple[Session, datetime]:
    """The US equity session at ``now`` by the clock, and when it next changes.

    Holidays are not known here; the feed corrects the session from Yahoo's trading periods
    once quotes arrive.
    """
    local = now.astimezone(NEW_YORK)
    day = local.date()
    if local.weekday() < 5:
        for start, end, session in _US_SESSIONS:
            if start <= local.time() < end:
                return session, datetime.combine(day, end, NEW_YORK)
        if local.time() < _US_SESSIONS[0][0]:
            return Session.CLOSED, datetime.combine(day, _US_SESSIONS[0][0], NEW_YORK)
    # Closed: the next change is 04:00 on the next weekday.
    nxt = day + timedelta(days=1)
    while nxt.weekday() >= 5:
        nxt += timedelta(days=1)
    return Session.CLOSED, datetime.combine(nxt, _US_SESSIONS[0][0], NEW_YORK)
