"""The last earnings report of a symbol: the SEC's 8-K item 2.02 first, Yahoo's otherwise.

Two sources date the last report. Yahoo's batch quote has ``earningsTimestamp`` (while it is
in the past), a date with a time that is often a placeholder; the SEC has the acceptance time of
the 8-K that reported the results, to the second, read into before the open, during the session
or after the close, with the first session that could react
(:mod:`neotui.data.sec.earnings_days`). The SEC's is the better answer, so it is the first
choice wherever the filings feed holds one; Yahoo's is used when it has none (filings off, no
contact, a foreign private issuer that reports on a 6-K and files no 8-K item 2.02) and when
Yahoo's report is newer by more than :data:`SEC_BEHIND` (the 8-K is not in the listing kept, or
not read yet): an older SEC report is not "the last" one.

"during" stays "during": a release accepted between 09:30 and 16:00 New York time is neither
before the open nor after the close, and the market reacts the same day. Calling it ``unknown``
would hide a time known to the second, and calling it ``bmo`` or ``amc`` would be false; so the
``last_time`` column reads ``bmo | during | amc | unknown`` (``during`` only ever from the SEC),
while ``next_time`` keeps the issue's ``bmo | amc | unknown`` (Yahoo never says "during").

No network and no Textual here: the callers bring the Yahoo instant and the earnings days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from neotui.data.market.earnings import UNKNOWN, reaction_day, session_of
from neotui.data.market.quote import NEW_YORK
from neotui.data.sec.earnings_days import EarningsDay, last_earnings

#: Yahoo's last report wins over the SEC's newest one only when it is this much newer (a
#: report on the same day, or a day apart across midnight, is the same report).
SEC_BEHIND = timedelta(days=5)
SEC, YAHOO = "sec", "yahoo"


@dataclass(frozen=True, slots=True)
class LastReport:
    """The last report: its New York day, its time of day, and which source said so."""

    day: date
    time: str  # "bmo", "during" (the SEC only), "amc" or "unknown"
    source: str  # "sec" or "yahoo"
    instant: datetime | None  # the SEC's acceptance time or Yahoo's timestamp (aware)
    reaction: date | None = None  # the SEC's first session that could react, when known
    note: str | None = None  # why the time is unknown, or why the SEC's was not used
    url: str | None = None  # the SEC filing

    @property
    def source_label(self) -> str:
        """``SEC 8-K`` or ``Yahoo``, for a table and the detail screen."""
        return "SEC 8-K" if self.source == SEC else "Yahoo"


def last_report(yahoo_last: datetime | None, days: Sequence[EarningsDay]) -> LastReport | None:
    """The last report from Yahoo's ``earningsTimestamp`` (None when unknown or not in the past)
    and the symbol's SEC earnings days (any order): the SEC's newest unless Yahoo's is newer by
    more than :data:`SEC_BEHIND`."""
    sec = last_earnings(days)
    yahoo_day = yahoo_last.astimezone(NEW_YORK).date() if yahoo_last is not None else None
    if sec is not None and (yahoo_day is None or yahoo_day - sec.day <= SEC_BEHIND):
        return LastReport(sec.day, sec.timing or UNKNOWN, SEC, sec.accepted, sec.reaction_day,
                          sec.note, sec.url)  # fmt: skip
    if yahoo_last is None or yahoo_day is None:
        return None
    note = None
    if sec is not None:
        note = f"the SEC's newest results 8-K is of {sec.day}, older than Yahoo's report"
    return LastReport(yahoo_day, session_of(yahoo_last), YAHOO, yahoo_last, note=note)


def report_move(report: LastReport, dates: Sequence[date], closes: Sequence[float]) -> float | None:
    """Close-to-close change (a fraction) on the report's reaction day: the SEC's when known,
    else the first session after Yahoo's instant (:func:`reaction_day`); None when that day or
    the close before it is not in the daily closes."""
    day = report.reaction
    if day is None and report.instant is not None:
        day = reaction_day(report.instant, dates)
    if day is None or day not in dates:
        return None
    i = list(dates).index(day)
    if i == 0 or not closes[i - 1]:
        return None
    return closes[i] / closes[i - 1] - 1.0
