"""Next and last earnings, and short interest, from Yahoo's batch quote and ``quoteSummary``.

Two Yahoo answers say when a company reports, and they disagree over time (see
``tests/fixtures/yahoo/SOURCES.md``):

- the v7 batch quote, every refresh: ``earningsTimestampStart``/``End`` are the *next* event
  (a window while ``isEarningsDateEstimate`` is true, one instant when confirmed), while
  ``earningsTimestamp`` is the *last* one — until the next is confirmed, when it becomes that
  date (BFLY on 2025-02-24: all three equal 02-28 13:30Z). So ``earningsTimestamp`` counts as
  the last event only while it lies in the past;
- ``quoteSummary`` ``calendarEvents`` (at most every 12 hours): ``earningsDate`` holds one date
  (confirmed) or two (a window), ``earningsCallDate`` can be stale or empty.

:func:`choose_next` takes the best of both: a date in the past is never "next"; a confirmed
date beats a window; between equals the newer answer wins. Whether the report comes before the
open (bmo) or after the close (amc) is read from the New York time of a confirmed date; a
window's times are placeholders (AAPL's 10:59Z), so a window's time is ``unknown``.

Short interest comes from ``defaultKeyStatistics`` (exchanges publish twice a month): shares
short, short % of float (a *fraction* there), days to cover and the report date. A fund has no
such fields at all (QQQ): that is said, never shown as 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from neotui.data.market.quote import MAX_EPOCH, NEW_YORK, Quote, _str

BMO, AMC, UNKNOWN = "bmo", "amc", "unknown"
#: Reports at these New York times or earlier are before the open; at or after the close, after.
_OPEN, _CLOSE = time(9, 30), time(16, 0)
#: Short interest above this share of the float, or days to cover above this, is not believable.
_MAX_SHORT_FRACTION, _MAX_DAYS_TO_COVER = 5.0, 1000.0


@dataclass(frozen=True, slots=True)
class EarningsDate:
    """One answer about the next report: a confirmed instant, or an estimated window."""

    start: datetime
    end: datetime
    confirmed: bool
    source: str  # "quote" (v7) or "calendar" (quoteSummary calendarEvents)
    fetched_at: datetime

    @property
    def time_of_day(self) -> str:
        """``bmo``, ``amc`` or ``unknown`` (a window's times are placeholders)."""
        return session_of(self.start) if self.confirmed else UNKNOWN


@dataclass(frozen=True, slots=True)
class Earnings:
    """What is known about a symbol's next and last report, and why the rest is missing."""

    symbol: str
    next: EarningsDate | None = None
    last: datetime | None = None
    note: str | None = None

    @property
    def next_date(self) -> date | None:
        """The confirmed day, or the window's first day, in New York."""
        return self.next.start.astimezone(NEW_YORK).date() if self.next else None

    @property
    def last_date(self) -> date | None:
        """The last report's day in New York."""
        return self.last.astimezone(NEW_YORK).date() if self.last else None

    @property
    def last_time(self) -> str:
        """``bmo``, ``amc`` or ``unknown`` for the last report."""
        return session_of(self.last) if self.last else UNKNOWN


@dataclass(frozen=True, slots=True)
class ShortInterest:
    """Short interest as the exchanges last published it (twice a month), with its date."""

    symbol: str
    fetched_at: datetime
    shares_short: float | None = None
    short_pct_float: float | None = None  # a fraction: 0.081 is 8.1 %
    short_ratio: float | None = None  # days to cover
    report_date: date | None = None
    prior_month: float | None = None
    note: str | None = None  # why there is none (a fund, a module Yahoo did not send)

    @property
    def known(self) -> bool:
        """Whether any figure is known."""
        return self.shares_short is not None or self.short_pct_float is not None


@dataclass(frozen=True, slots=True)
class Summary:
    """One ``quoteSummary`` answer for a symbol: the calendar's next date and short interest."""

    symbol: str
    fetched_at: datetime
    calendar: EarningsDate | None = None
    calendar_note: str | None = None
    short: ShortInterest | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for the cache)."""
        cal = self.calendar
        s = self.short
        return {
            "symbol": self.symbol,
            "fetched_at": self.fetched_at.isoformat(),
            "calendar": None
            if cal is None
            else {
                "start": cal.start.isoformat(),
                "end": cal.end.isoformat(),
                "confirmed": cal.confirmed,
            },
            "calendar_note": self.calendar_note,
            "short": None
            if s is None
            else {
                "shares_short": s.shares_short,
                "short_pct_float": s.short_pct_float,
                "short_ratio": s.short_ratio,
                "prior_month": s.prior_month,
                "note": s.note,
                "report_date": s.report_date.isoformat() if s.report_date else None,
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        """Rebuild from :meth:`to_json` (raises KeyError/TypeError/ValueError if damaged)."""
        fetched = datetime.fromisoformat(data["fetched_at"])
        cal = data.get("calendar")
        calendar = (
            EarningsDate(
                datetime.fromisoformat(cal["start"]),
                datetime.fromisoformat(cal["end"]),
                bool(cal["confirmed"]),
                "calendar",
                fetched,
            )
            if cal
            else None
        )
        s = data.get("short")
        short = None
        if s is not None:
            day = s.get("report_date")
            short = ShortInterest(
                data["symbol"],
                fetched,
                _finite(s.get("shares_short")),
                _finite(s.get("short_pct_float")),
                _finite(s.get("short_ratio")),
                date.fromisoformat(day) if day else None,
                _finite(s.get("prior_month")),
                s.get("note"),
            )
        return cls(data["symbol"], fetched, calendar, data.get("calendar_note"), short)


# --- reading the answers ------------------------------------------------------------------------


def _finite(value: Any) -> float | None:
    """A finite number, or None for null, text, booleans, NaN and infinities."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _instant(value: Any) -> datetime | None:
    """An epoch in seconds as an aware datetime (None for junk, 0, negatives, year 10000+)."""
    number = _finite(value)
    if number is None or not 0 < number < MAX_EPOCH:
        return None
    return datetime.fromtimestamp(int(number), UTC)


def session_of(when: datetime) -> str:
    """``bmo`` for a report before 09:30 New York time, ``amc`` at or after 16:00, ``unknown``
    in between and at midnight (a date with no time: Yahoo's ``00:00`` placeholders)."""
    local = when.astimezone(NEW_YORK).time()
    if local == time(0, 0) or when.astimezone(UTC).time() == time(0, 0):
        return UNKNOWN
    if local < _OPEN:
        return BMO
    if local >= _CLOSE:
        return AMC
    return UNKNOWN


def _dated(
    start: datetime | None, end: datetime | None, estimate: Any, source: str, fetched_at: datetime
) -> EarningsDate | None:
    if start is None:
        return None
    end = end if end is not None and end >= start else start
    # Yahoo marks confirmed dates with isEarningsDateEstimate false; a window is never one.
    confirmed = estimate is False and end == start
    return EarningsDate(start, end, confirmed, source, fetched_at)


def from_quote(quote: Quote) -> tuple[EarningsDate | None, datetime | None]:
    """The next event and the last one from a v7 quote's fields (either may be None).

    ``earningsTimestamp`` is the last event only while it is in the past: once the next date is
    confirmed Yahoo moves it there (then it is the same instant as the window).
    """
    fetched_at = quote.fetched_at
    start, end = _instant(quote.earnings_start), _instant(quote.earnings_end)
    upcoming = _dated(start, end, quote.earnings_estimate, "quote", fetched_at)
    stamp = _instant(quote.earnings_last)
    last = stamp if stamp is not None and stamp < fetched_at else None
    if upcoming is None and stamp is not None and stamp >= fetched_at:
        upcoming = EarningsDate(stamp, stamp, False, "quote", fetched_at)
    return upcoming, last


class SummaryError(ValueError):
    """The body is not a quoteSummary answer; ``reason`` is short and human."""


def parse_summary(body: Any, symbol: str, fetched_at: datetime) -> Summary:
    """The calendar and short interest of a ``quoteSummary`` body (modules may be missing).

    Raises:
        SummaryError: when the body is not a quoteSummary answer at all, or Yahoo's error.
    """
    block = body.get("quoteSummary") if isinstance(body, dict) else None
    if not isinstance(block, dict):
        raise SummaryError("the response is not a quoteSummary answer")
    error = block.get("error")
    if isinstance(error, dict):
        raise SummaryError(_str(error.get("description")) or _str(error.get("code")) or "error")
    results = block.get("result")
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise SummaryError("quoteSummary sent no result")
    result = results[0]
    calendar, note = _calendar(result.get("calendarEvents"), fetched_at)
    short = _short(result.get("defaultKeyStatistics"), symbol, fetched_at)
    return Summary(symbol, fetched_at, calendar, note, short)


def _calendar(module: Any, fetched_at: datetime) -> tuple[EarningsDate | None, str | None]:
    if not isinstance(module, dict):
        return None, "Yahoo sent no earnings calendar"
    earnings = module.get("earnings")
    dates = earnings.get("earningsDate") if isinstance(earnings, dict) else None
    instants = [d for d in (_instant(v) for v in dates or ()) if d is not None]
    if not isinstance(dates, list) or not instants:
        return None, "Yahoo's calendar has no earnings date"
    assert isinstance(earnings, dict)
    start, end = min(instants), max(instants)
    return _dated(start, end, earnings.get("isEarningsDateEstimate"), "calendar", fetched_at), None


def _short(module: Any, symbol: str, fetched_at: datetime) -> ShortInterest:
    if not isinstance(module, dict):
        return ShortInterest(symbol, fetched_at, note="Yahoo sent no key statistics")
    shares = _finite(module.get("sharesShort"))
    fraction = _finite(module.get("shortPercentOfFloat"))
    ratio = _finite(module.get("shortRatio"))
    prior = _finite(module.get("sharesShortPriorMonth"))
    # Plausible or nothing: negative counts, over 500 % of the float, 1000+ days to cover.
    shares = shares if shares is not None and shares >= 0 else None
    prior = prior if prior is not None and prior >= 0 else None
    fraction = fraction if fraction is not None and 0 <= fraction <= _MAX_SHORT_FRACTION else None
    ratio = ratio if ratio is not None and 0 <= ratio <= _MAX_DAYS_TO_COVER else None
    reported = _instant(module.get("dateShortInterest"))
    note = None
    if shares is None and fraction is None:
        fund = _str(module.get("legalType")) or _str(module.get("fundFamily"))
        note = "no short interest for a fund" if fund else "Yahoo sent no short interest"
    return ShortInterest(
        symbol,
        fetched_at,
        shares,
        fraction,
        ratio,
        reported.date() if reported else None,
        prior,
        note,
    )


# --- choosing -----------------------------------------------------------------------------------


def choose_next(candidates: Sequence[EarningsDate | None], now: datetime) -> EarningsDate | None:
    """The best answer about the next report: none whose end is before today (New York), a
    confirmed date over a window, the newer answer between equals, and the calendar (the
    dedicated module) when they are as new."""
    today = now.astimezone(NEW_YORK).date()
    live = [c for c in candidates if c is not None and c.end.astimezone(NEW_YORK).date() >= today]
    if not live:
        return None
    return max(live, key=lambda c: (c.confirmed, c.fetched_at, c.source == "calendar"))


def choose_last(
    quote_last: datetime | None, past: Sequence[EarningsDate | None], now: datetime
) -> datetime | None:
    """The last report: from the batch quote's ``earningsTimestamp`` for now, or a confirmed
    date that has passed since. The one place that picks it (SEC 8-K item 2.02 acceptance
    times, to the second, are to replace it)."""
    seen = [quote_last] + [c.start for c in past if c is not None and c.confirmed and c.start < now]
    known = [s for s in seen if s is not None]
    return max(known) if known else None


def combine(
    symbol: str,
    quote: tuple[EarningsDate | None, datetime | None] | None,
    summary: Summary | None,
    now: datetime,
) -> Earnings:
    """One symbol's :class:`Earnings` from the batch quote's fields and the calendar."""
    upcoming, last = quote if quote is not None else (None, None)
    calendar = summary.calendar if summary is not None else None
    chosen = choose_next([upcoming, calendar], now)
    note = None
    if chosen is None:
        past = [c for c in (upcoming, calendar) if c is not None]
        if past:
            note = "the only earnings date Yahoo gave is in the past"
        elif summary is not None and summary.calendar_note:
            note = summary.calendar_note
        else:
            note = "Yahoo gave no earnings date"
    return Earnings(symbol, chosen, choose_last(last, [upcoming, calendar], now), note)


# --- what the table shows -------------------------------------------------------------------


def next_label(earnings: Earnings | None) -> str:
    """``Nov 12 AMC`` for a confirmed date, ``~Feb 24`` for a window, empty when unknown."""
    if earnings is None or earnings.next is None or earnings.next_date is None:
        return ""
    day = earnings.next_date
    text = f"{day:%b} {day.day}"
    if not earnings.next.confirmed:
        return "~" + text
    tod = earnings.next.time_of_day
    return f"{text} {tod.upper()}" if tod != UNKNOWN else text


def reaction_day(report: datetime, sessions: Sequence[date]) -> date | None:
    """The first session whose close reflects the report: the report's day before the open,
    the next session after the close (or when the time is unknown and it came after 09:30)."""
    local = report.astimezone(NEW_YORK)
    day = local.date()
    same_day = session_of(report) == BMO or (session_of(report) == UNKNOWN and local.time() < _OPEN)
    for session in sessions:
        if session > day or (same_day and session == day):
            return session
    return None


def actual_move(report: datetime, dates: Sequence[date], closes: Sequence[float]) -> float | None:
    """Close-to-close change on the reaction day (a fraction), from daily closes; None when
    the reaction day or the close before it is not in the history."""
    day = reaction_day(report, dates)
    if day is None:
        return None
    i = list(dates).index(day)
    if i == 0 or not closes[i - 1]:
        return None
    return closes[i] / closes[i - 1] - 1.0


def due(summary: Summary | None, now: datetime, interval: float) -> bool:
    """Whether a symbol's quoteSummary is due again (none yet, or older than ``interval``)."""
    return summary is None or now - summary.fetched_at >= timedelta(seconds=interval)
