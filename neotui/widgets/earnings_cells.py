"""Earnings, implied move and short interest as table cells and detail lines.

Kept apart from the quotes table so the table only places them; the detail screen and the
CLI's table say the same things in the same words. A missing figure is blank or says why,
never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text

from neotui import formatting as fmt
from neotui.data.market.earnings import (
    UNKNOWN,
    Earnings,
    ShortInterest,
    next_label,
)
from neotui.data.market.earnings_source import Outlook, implied_before, implied_for
from neotui.data.market.feed import SymbolState
from neotui.data.market.options import ImpliedMove
from neotui.data.market.quote import NEW_YORK, DailyHistory
from neotui.widgets.cells import plain, right

if TYPE_CHECKING:
    # The SEC's earnings days are read by the detail screen only: imported there, when first
    # needed, not with the quotes table at the first frame.
    from neotui.data.sec.earnings_days import EarningsDay
    from neotui.data.sec.last_report import LastReport


def earnings_of(state: SymbolState, now: datetime) -> Earnings:
    """The symbol's next and last earnings from its quote and its calendar."""
    return (state.outlook or Outlook()).earnings(state.symbol, state.quote, now)


def move_label(move: float | None) -> str:
    """``±8.1%`` for an expected move (a fraction)."""
    return "" if move is None else f"±{move * 100:.1f}%"


def earnings_cell(state: SymbolState, now: datetime, stale: bool = False) -> Text:
    """``Nov 12 AMC ±8.1%``, ``~Feb 24``, or blank when no future date is known."""
    earnings = earnings_of(state, now)
    label = next_label(earnings)
    if not label:
        return plain("—", "dim")
    implied = implied_for(earnings, state.outlook.implied if state.outlook else None)
    text = Text(label, style="dim" if stale else "")
    if implied is not None:
        text.append(" " + move_label(implied.move), style="dim" if stale else "cyan")
    return text


class EarningsCells:
    """:func:`earnings_cell` remembered per symbol until what it depends on changes (the quote's
    earnings fields, the calendar and implied move, which answer is newer, the day, the
    staleness): a refresh moves prices, rarely dates, and the table redraws every row."""

    def __init__(self) -> None:
        self._memo: dict[str, tuple[tuple[object, ...], Text]] = {}

    def cell(self, state: SymbolState, now: datetime, stale: bool = False) -> Text:
        """The cell, computed again only when its inputs changed."""
        q, o = state.quote, state.outlook
        summary = o.summary if o else None
        key = (
            (q.earnings_start, q.earnings_end, q.earnings_last, q.earnings_estimate)
            if q else None,
            id(o), o,  # identity first: the equality check runs only on a new outlook
            summary is not None and q is not None and q.fetched_at > summary.fetched_at,
            now.astimezone(NEW_YORK).date(), stale,
        )  # fmt: skip
        memo = self._memo.get(state.symbol)
        if memo is not None and memo[0] == key:
            return memo[1].copy()
        text = earnings_cell(state, now, stale)
        self._memo[state.symbol] = (key, text)
        return text.copy()


def short_cell(state: SymbolState) -> Text:
    """Short % of float (or shares short when the float is not given); blank when unknown."""
    short = state.outlook.short if state.outlook else None
    if short is None or not short.known:
        return right("—", "dim")
    if short.short_pct_float is not None:
        return right(fmt.fraction(short.short_pct_float, signed=False))
    return right(fmt.count(short.shares_short) + " sh")


def _dated(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "date unknown"


def earnings_line(earnings: Earnings, outlook: Outlook | None, now: datetime) -> str:
    """The detail screen's earnings line: next date (confirmed or window), time of day, the
    implied move with its expiry and age, or why each is missing."""
    nxt = earnings.next
    if nxt is None:
        text = f"Next earnings: unknown ({earnings.note or 'no date from Yahoo'})"
    elif nxt.confirmed:
        tod = nxt.time_of_day
        when = {"bmo": "before the open", "amc": "after the close"}.get(tod, "time unknown")
        text = f"Next earnings: {_dated(earnings.next_date)} {when} (confirmed)"
    else:
        end = nxt.end.date()
        text = f"Next earnings: estimated {_dated(earnings.next_date)} to {end:%Y-%m-%d}"
    text += f" · {_source(nxt.source, nxt.fetched_at, now)}" if nxt else ""
    implied = outlook.implied if outlook else None
    usable = implied_for(earnings, implied)
    if usable is not None:
        assert usable.expiry is not None
        age = fmt.age((now - usable.fetched_at).total_seconds())
        text += (f" · implied move {move_label(usable.move)} (straddle, expiry "
                 f"{usable.expiry:%Y-%m-%d}, {age} old)")  # fmt: skip
    elif nxt is not None:
        why = implied.note if implied is not None and implied.note else "not fetched yet"
        text += f" · implied move unknown: {why}"
    return text


def last_line(
    earnings: Earnings,
    move: float | None,
    implied: ImpliedMove | None = None,
    report: LastReport | None = None,
) -> str | None:
    """The last report (``report``: the SEC's or Yahoo's, :func:`last_report`; Yahoo's from
    ``earnings`` when not given), the move implied before it (when it was measured), the
    stock's close-to-close move on its reaction day, and which source dated it."""
    from neotui.data.sec.last_report import last_report

    report = report or last_report(earnings.last, ())
    if report is None:
        return None
    tod = report.time
    text = f"Last earnings: {_dated(report.day)}" + ("" if tod == UNKNOWN else f" {tod}")
    if implied is not None and implied.expiry is not None:
        text += (f" · implied move {move_label(implied.move)} (expiry {implied.expiry:%Y-%m-%d},"
                 f" measured {implied.fetched_at:%Y-%m-%d})")  # fmt: skip
    if move is not None:
        text += f" · actual move {fmt.fraction(move)} (close to close, reaction day)"
    else:
        text += " · actual move unknown (the daily closes loaded do not cover it)"
    return text + _dated_by(report)


def _dated_by(report: LastReport) -> str:
    """Which source dated the last report: the SEC's 8-K to the second, or Yahoo."""
    from neotui.data.sec.last_report import SEC

    if report.source != SEC:  # Yahoo's, as the line always was; said when the SEC's is older
        return f" · dated by Yahoo ({report.note})" if report.note else ""
    at = report.instant.astimezone(NEW_YORK) if report.instant else None
    parts = [f"accepted {at:%H:%M:%S} New York" if at else "time not recorded"]
    if report.reaction is not None:
        parts.append(f"reaction day {report.reaction:%Y-%m-%d}")
    if report.note and at is not None:
        parts.append(report.note)
    return f" · dated by SEC 8-K item 2.02 ({', '.join(parts)})"


def short_line(short: ShortInterest | None, now: datetime) -> str:
    """The detail screen's short interest line, always with its report date."""
    if short is None:
        return "Short interest: not fetched yet"
    if not short.known:
        return f"Short interest: none ({short.note or 'not given'})"
    parts = []
    if short.shares_short is not None:
        parts.append(f"{fmt.count(short.shares_short)} shares short")
    if short.short_pct_float is not None:
        parts.append(f"{fmt.fraction(short.short_pct_float, signed=False)} of float")
    if short.short_ratio is not None:
        parts.append(f"{short.short_ratio:.1f} days to cover")
    age = fmt.age((now - short.fetched_at).total_seconds())
    return (f"Short interest: {', '.join(parts)} · reported {_dated(short.report_date)} "
            f"(fetched {age} ago)")  # fmt: skip


def _source(source: str, fetched_at: datetime, now: datetime) -> str:
    name = "Yahoo calendar" if source == "calendar" else "Yahoo quote"
    return f"{name}, {fmt.age((now - fetched_at).total_seconds())} old"


def outlook_text(
    state: SymbolState | None,
    closes: DailyHistory | None,
    now: datetime,
    sec_days: Sequence[EarningsDay] = (),
) -> Text:
    """The detail screen's earnings and short interest lines for a listed provider (empty
    without a quote state); the last report from the SEC's earnings days (``sec_days``, from the
    filings feed) where they have it, Yahoo's otherwise; the actual move on its reaction day
    once daily closes cover it."""
    from neotui.data.sec.last_report import last_report, report_move

    if state is None:
        return Text()
    earnings = earnings_of(state, now)
    lines = [earnings_line(earnings, state.outlook, now)]
    report = last_report(earnings.last, sec_days)
    if report is not None:
        move = report_move(report, closes.dates, closes.closes) if closes else None
        before = implied_before(report.instant or earnings.last, state.outlook)
        lines.append(last_line(earnings, move, before, report) or "")
    lines.append(short_line(state.outlook.short if state.outlook else None, now))
    return Text("\n".join(lines), style="dim")
