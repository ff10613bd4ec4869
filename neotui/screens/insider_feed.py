"""Insider trades in the running app: the feed's rounds on the filings' schedule and where each
round goes (the quotes table's optional column, the timeline's insider rows, the open detail
screen, the alert engine).

Kept out of ``app.py`` (at its size limit): the app calls :func:`start_insiders` when filings
arrive and :func:`deliver_insiders` when a round is done, and owns nothing else of it.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from neotui.screens.host import host_of

if TYPE_CHECKING:
    from textual.app import App

    from neotui.messages import InsidersUpdated


def start_insiders(app: App[None], *, fetch: bool) -> None:
    """Run one insider round over the app's last filings (building the feed on first use, on
    the filings feed's client and store): ``fetch=False`` shows what is cached, sending
    nothing (at start); otherwise the cached trades, then the new documents read."""
    host = host_of(app)
    if not host.settings.insiders.enabled:
        return  # nothing imported, nothing run
    from neotui.sources import build_insiders, refresh_insiders

    if host.insiders is None and host.filings is not None:
        host.insiders = build_insiders(host.settings, host.filings, clock=host.clock)
    if host.insiders is None or host.last_filings is None:
        return
    work = refresh_insiders(host.insiders, host.last_filings, app.post_message, fetch=fetch)
    app.run_worker(work, group="insiders", exclusive=True, exit_on_error=False)


def deliver_insiders(app: App[None], message: InsidersUpdated) -> None:
    """A round's trades to the quotes table's column, the open detail screen and the alert
    engine (insider rules; the first round only primes the engine's memory)."""
    from neotui.screens.watch import WatchScreen
    from neotui.widgets.quotes import QuotesTable
    from neotui.widgets.timeline import Timeline

    host = host_of(app)
    today = host.clock().date()
    for screen in app.screen_stack:
        show = getattr(screen, "show_insiders", None)
        if show is not None and getattr(screen, "provider", None) is not None:
            ticker = (screen.provider.ticker or "").upper()  # type: ignore[attr-defined]
            show(message.companies.get(ticker))
        if isinstance(screen, WatchScreen) and host.settings.insiders.column:
            with suppress(NoMatches):  # shutting down
                screen.query_one(QuotesTable).show_insiders(message.companies, today)
        if isinstance(screen, WatchScreen):  # one timeline row per filing of each provider
            with suppress(NoMatches):  # the timeline is mounted after the first frame
                screen.query_one(Timeline).show_insiders(message.companies, screen.book)
    from neotui.data.sec.insider_trades import insider_events

    # Only rounds with filings reach the engine: the first of them primes it, so an empty
    # cache at start does not make every recent filing of the first live round "new".
    events = insider_events(message.companies, today)
    if events:
        host.deliver(host.alert_engine.on_insiders(events))
