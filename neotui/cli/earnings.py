"""``neotui earnings``: next and last earnings, implied and actual moves, one row per symbol.

One quote refresh, then the earnings calendars and option chains that are due (the cached ones
are used while younger than ``earnings.interval``, 12 hours by default), then the SEC filings
(the cached ones, refreshed once as ``neotui filings`` does when ``filings.contact`` is set) for
the last report's 8-K item 2.02 (:mod:`neotui.data.sec.last_report`: the SEC's first, Yahoo's
otherwise, ``last_source`` says which), then the daily closes around each last report (cached
for 6 hours) for the actual move on its reaction day.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from neotui.cli.context import CommandContext, format_option, pass_context

if TYPE_CHECKING:
    from neotui.data.market.feed import SymbolState
    from neotui.data.sec.earnings_days import EarningsDay
    from neotui.data.sec.last_report import LastReport

EARNINGS_FIELDS: tuple[str, ...] = (
    "symbol", "next_date", "next_time", "confirmed", "window_start", "window_end", "last_date",
    "last_time", "implied_move_pct", "implied_move_expiry", "last_move_pct", "last_source",
)  # fmt: skip


def last_of(
    state: SymbolState, now: datetime, days: Sequence[EarningsDay] = ()
) -> LastReport | None:
    """The symbol's last report: the SEC's earnings ``days`` first, Yahoo's otherwise."""
    from neotui.data.market.earnings_source import Outlook
    from neotui.data.sec.last_report import last_report

    earnings = (state.outlook or Outlook()).earnings(state.symbol, state.quote, now)
    return last_report(earnings.last, days)


def earnings_record(
    state: SymbolState, now: datetime, move: float | None, days: Sequence[EarningsDay] = ()
) -> dict[str, Any]:
    """One symbol's row (``EARNINGS_FIELDS``, plus ``note`` for the table): percentages in
    percent (8.1 is 8.1 %), dates ISO, null when unknown. ``days`` are the symbol's SEC
    earnings days (the last report is theirs when they have it)."""
    from neotui.data.market.earnings_source import Outlook, implied_for

    earnings = (state.outlook or Outlook()).earnings(state.symbol, state.quote, now)
    last = last_of(state, now, days)
    nxt = earnings.next
    implied = implied_for(earnings, state.outlook.implied if state.outlook else None)
    window = nxt is not None and not nxt.confirmed
    why = [earnings.note] if earnings.note else []
    if state.outlook and state.outlook.error:
        why.append(f"calendar: {state.outlook.error}")
    if nxt is not None and implied is None:
        note = state.outlook.implied.note if state.outlook and state.outlook.implied else None
        why.append(f"implied move: {note or 'not fetched'}")
    return {
        "symbol": state.symbol,
        "next_date": earnings.next_date,
        "next_time": nxt.time_of_day if nxt else None,
        "confirmed": nxt.confirmed if nxt else None,
        "window_start": nxt.start.date() if window and nxt else None,
        "window_end": nxt.end.date() if window and nxt else None,
        "last_date": last.day if last else None,
        "last_time": last.time if last else None,
        "implied_move_pct": implied.move * 100 if implied and implied.move is not None else None,
        "implied_move_expiry": implied.expiry if implied else None,
        "last_move_pct": move * 100 if move is not None else None,
        "last_source": last.source if last else None,
        "note": "; ".join(why + ([f"last: {last.note}"] if last and last.note else [])),
    }


def _columns() -> tuple[Any, ...]:
    from neotui import formatting as fmt
    from neotui.cli.report import Column

    def text(key: str) -> Any:
        return lambda r: "" if r[key] is None else str(r[key])

    def pct(key: str, signed: bool) -> Any:
        return lambda r: "" if r[key] is None else fmt.percent(r[key], signed)

    return (
        Column("Symbol", text("symbol")),
        Column("Next", text("next_date")),
        Column("When", lambda r: "" if r["next_time"] in (None, "unknown") else r["next_time"]),
        Column("Confirmed", lambda r: {True: "yes", False: "window"}.get(r["confirmed"], "")),
        Column("Until", text("window_end")),
        Column(
            "Implied",
            lambda r: "" if r["implied_move_pct"] is None else f"±{r['implied_move_pct']:.1f}%",
            "right",
        ),
        Column("Expiry", text("implied_move_expiry")),
        Column("Last", text("last_date")),
        Column("At", lambda r: "" if r["last_time"] in (None, "unknown") else r["last_time"]),
        Column("From", lambda r: {"sec": "SEC 8-K", "yahoo": "Yahoo"}.get(r["last_source"], "")),
        Column("Moved", pct("last_move_pct", True), "right"),
        Column("Note", text("note")),
    )


@click.command()
@format_option
@pass_context
def earnings(obj: CommandContext, output: str) -> None:
    """Print each watched symbol's next earnings (a confirmed date, before the open or after
    the close, or an estimated window), the implied move of the first option expiry after it,
    and the last report with the stock's close-to-close move on its reaction day. The last
    report comes from the SEC (8-K item 2.02 acceptance time: bmo, during or amc) where the
    filings have it, from Yahoo otherwise; the last_source column says which.

    Exit status 0, or 3 when a quote or a calendar could not be fetched (what is cached is
    printed; the reason goes to stderr).
    """
    import asyncio

    from neotui.cli import report
    from neotui.cli.quotes import _fetch_quotes_once

    settings = obj.settings
    if not settings.earnings.enabled:
        click.echo("neotui: earnings.enabled is off: dates come from the batch quote only",
                   err=True)  # fmt: skip
    update = asyncio.run(_fetch_quotes_once(settings, outlook=True))
    now = datetime.now(UTC)
    states = [update.states[s] for s in settings.market.symbols]
    days = asyncio.run(_sec_days(settings, settings.market.symbols))
    lasts = {st.symbol: last_of(st, now, days.get(st.symbol, ())) for st in states}
    moves = asyncio.run(_moves(settings, lasts))
    records = [earnings_record(st, now, moves.get(st.symbol), days.get(st.symbol, ()))
               for st in states]  # fmt: skip
    report.write(records, EARNINGS_FIELDS, output, _columns(), "Earnings")
    failed = [st for st in states if st.quote is None or (st.outlook and st.outlook.error)]
    for st in failed:
        reason = st.outlook.error if st.outlook and st.outlook.error else st.reason
        click.echo(f"neotui: {st.symbol}: {reason or 'no data'}", err=True)
    sys.exit(3 if failed else 0)


async def _sec_days(settings: Any, symbols: Sequence[str]) -> dict[str, list[EarningsDay]]:
    """Each symbol's earnings days from its SEC filings: the feeds cache the filings feed
    keeps, refreshed once when ``filings.contact`` is set; none when filings are off."""
    from neotui.cli.market_report import gather_earnings

    found, _ = await gather_earnings(settings, symbols)
    out: dict[str, list[EarningsDay]] = {}
    for day in found:
        out.setdefault(day.symbol, []).append(day)
    return out


async def _moves(settings: Any, lasts: dict[str, LastReport | None]) -> dict[str, float]:
    """The actual move of each last report on its reaction day (the SEC's when known), from a
    year of daily closes (cached 6 hours)."""
    from neotui.data.sec.last_report import report_move
    from neotui.sources import build_feed, open_cache

    wanted = {symbol: last for symbol, last in lasts.items() if last is not None}
    if not wanted:
        return {}
    cache = open_cache()
    feed = build_feed(settings, cache)
    out: dict[str, float] = {}
    try:
        for symbol, last in wanted.items():
            history, _ = await feed.history(symbol)
            if history is not None:
                move = report_move(last, history.dates, history.closes)
                if move is not None:
                    out[symbol] = move
    finally:
        await feed.client.aclose()
        cache.close()
    return out


COMMANDS: tuple[click.Command, ...] = (earnings,)
