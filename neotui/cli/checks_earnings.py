"""The doctor's checks of the endpoints behind earnings, short interest and the implied move:
one ``quoteSummary`` request (calendarEvents and defaultKeyStatistics) and one options request
for the first watched symbol, with the crumb the batch check obtained. A failure here is a
warning: quotes do not depend on either. Each check returns its line as ``(status, detail,
hint)``; the doctor names it (this module does not import the doctor's, so no cycle)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from neotui.data.market.http import FailureKind, FetchError

if TYPE_CHECKING:
    from neotui.data.market.yahoo import YahooClient
    from neotui.settings import Settings

Line = tuple[str, str, str]
_HINT = "next earnings come from the batch quote alone; prices are not affected"


def _skip(settings: Settings, client: YahooClient, name: str) -> str | None:
    """Why the check is skipped, if it is."""
    if not settings.earnings.enabled:
        return "earnings.enabled is off"
    if name == "options" and not settings.earnings.options:
        return "earnings.options is off"
    if not settings.market.batch or client.crumbs.current is None:
        return "no crumb (see the crumb check): these endpoints need one"
    return None


async def quote_summary_check(settings: Settings, client: YahooClient) -> Line:
    """Calendar and short interest of the first watched symbol, in one request."""
    from neotui.data.market.earnings import combine, next_label
    from neotui.data.market.earnings_source import fetch_summary

    if why := _skip(settings, client, "quoteSummary"):
        return ("skipped", why, "")
    symbol = settings.market.symbols[0]
    started = time.perf_counter()
    try:
        summary = await fetch_summary(client, symbol, datetime.now(UTC))
    except FetchError as exc:
        status = "fail" if exc.kind is FailureKind.UNREACHABLE else "warn"
        return (status, f"{symbol}: {exc.reason}", _HINT)
    ms = (time.perf_counter() - started) * 1000
    label = next_label(combine(symbol, None, summary, datetime.now(UTC))) or "no next date"
    short = summary.short
    shorted = (
        f"short interest of {short.report_date or 'unknown date'}"
        if short is not None and short.known
        else (short.note if short and short.note else "no short interest")
    )
    return ("ok", f"{symbol}: next earnings {label}; {shorted} in {ms:.0f} ms", "")


async def options_check(settings: Settings, client: YahooClient) -> Line:
    """The first watched symbol's option chain (its first expiry)."""
    from neotui.data.market.earnings_source import _get
    from neotui.data.market.options import OptionsError, parse_chain
    from neotui.data.symbols import url_symbol

    if why := _skip(settings, client, "options"):
        return ("skipped", why, "")
    symbol = settings.market.symbols[0]
    started = time.perf_counter()
    try:
        body = await _get(client, f"/v7/finance/options/{url_symbol(symbol)}",
                          {"formatted": "false"})  # fmt: skip
        chain = parse_chain(body, symbol)
    except FetchError as exc:
        status = "fail" if exc.kind is FailureKind.UNREACHABLE else "warn"
        return (status, f"{symbol}: {exc.reason}",
                     "the implied move is not shown; prices are not affected")  # fmt: skip
    except OptionsError as exc:
        return ("warn", f"{symbol}: {exc}", "no implied move for this symbol")
    ms = (time.perf_counter() - started) * 1000
    first = f"{chain.expiry:%Y-%m-%d}" if chain.expiry else "none"
    priced = f"{len(chain.calls)} calls and {len(chain.puts)} puts priced"
    detail = f"{symbol}: {len(chain.expirations)} expiries, first {first}, {priced} in {ms:.0f} ms"
    return ("ok", detail, "")
