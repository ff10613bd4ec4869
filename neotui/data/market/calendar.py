"""The US equity exchange calendar: which days are sessions, by rule (no network, no pandas).

The event study needs "the first session at or after the announcement". Weekends are easy; the
NYSE holidays are computed by their published rules, so the calendar needs no data file and no
yearly update. Special one-off closures (a national day of mourning, a hurricane) are not known
here: the event study takes the first day with a price on or after the session this calendar
gives, so such a day is skipped anyway when prices exist.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta

from neotui.data.market.quote import NEW_YORK

#: The regular session closes at 16:00 New York time; news after that moves the next session.
CLOSE = time(16, 0)


def easter(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of a month; ``n = -1`` for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    """A fixed-date holiday on a Saturday is observed on Friday, on a Sunday on Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


@functools.lru_cache(maxsize=64)
def nyse_holidays(year: int) -> frozenset[date]:
    """The NYSE full-day holidays of ``year``, by rule.

    New Year's Day (observed; NYSE does not close on Friday Dec 31 when Jan 1 is a Saturday),
    Martin Luther King Jr. Day, Washington's Birthday, Good Friday, Memorial Day, Juneteenth
    (observed, from 2022), Independence Day (observed), Labor Day, Thanksgiving, Christmas
    (observed).
    """
    days = {
        _nth_weekday(year, 1, 0, 3),  # MLK: third Monday of January
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday: third Monday of February
        easter(year) - timedelta(days=2),  # Good Friday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day: last Monday of May
        _observed(date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day: first Monday of September
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving: fourth Thursday of November
        _observed(date(year, 12, 25)),
    }
    new_year = date(year, 1, 1)
    if new_year.weekday() != 5:  # Saturday: no make-up holiday (the rule of NYSE Rule 7.2)
        days.add(_observed(new_year))
    if year >= 2022:
        days.add(_observed(date(year, 6, 19)))
    return frozenset(days)


def is_session(day: date) -> bool:
    """True when the US exchanges trade on ``day`` (a weekday that is not a holiday)."""
    return day.weekday() < 5 and day not in nyse_holidays(day.year)


def session_on_or_after(day: date) -> date:
    """The first session on ``day`` or later."""
    while not is_session(day):
        day += timedelta(days=1)
    return day


def next_session(day: date) -> date:
    """The first session strictly after ``day``."""
    return session_on_or_after(day + timedelta(days=1))


def event_day0(day: date, at: time | datetime | None = None) -> date:
    """Day 0 of an event announced on ``day``: the first session at or after it.

    When the announcement records a time (New York time, or an aware datetime) at or after the
    16:00 close, the market could only react on the next session.
    """
    if isinstance(at, datetime):
        local = at.astimezone(NEW_YORK) if at.tzinfo else at
        day, at = local.date(), local.time()
    if at is not None and is_session(day) and at >= CLOSE:
        return next_session(day)
    return session_on_or_after(day)


def sessions(start: date, end: date) -> list[date]:
    """Every session from ``start`` to ``end``, both included."""
    out = []
    day = start
    while day <= end:
        if is_session(day):
            out.append(day)
        day += timedelta(days=1)
    return out
