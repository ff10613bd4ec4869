"""Building the app from settings: the market feed, the deals watcher, the alert engine, and
the filings and headlines feeds, which are built once the whole screen is up. The CLI, the
tests and the benchmarks all come through :func:`make_app`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from neotui.app import NeoApp, now_utc
from neotui.data.alerts.engine import AlertEngine
from neotui.data.deals.watcher import EAGER_BOOK_BYTES, DealsWatcher
from neotui.data.market.feed import MarketFeed
from neotui.screens.host import WatchHost
from neotui.settings import Settings

if TYPE_CHECKING:
    from neotui.data.news import NewsFeed
    from neotui.data.sec.facts_feed import FactsFeed
    from neotui.data.sec.feed import FilingsFeed


def make_app(
    settings: Settings,
    *,
    feed: MarketFeed | bool | None = True,
    watcher: DealsWatcher | None = None,
    clock: Callable[[], datetime] = now_utc,
    live: bool = True,
    app_class: type[NeoApp] = NeoApp,
    alerts: AlertEngine | bool = True,
    filings: FilingsFeed | bool | None = True,
    news: NewsFeed | bool | None = True,
) -> NeoApp:
    """Build the app. The CLI, the tests and the benchmarks all come through here.

    Args:
        settings: the settings in force.
        feed: a MarketFeed to use, True to build one from the settings, None/False for none.
        watcher: a DealsWatcher to use; by default one over the settings' deals files.
        clock: time source (tests freeze it).
        live: start the feed loop and deals watching.
        app_class: a NeoApp subclass to build (the benchmarks' probes hook its events).
        alerts: an AlertEngine to use; True builds one whose state is stored in the user data
            directory; False one that stores nothing.
        filings: a FilingsFeed, True to build one from the settings (off without a contact),
            None/False for none.
        news: a NewsFeed, True to build one on the market feed's Yahoo client, None/False for
            none.
    """
    from neotui.sources import book_sources, build_feed, open_alerts, open_cache

    if watcher is None:
        watcher = DealsWatcher(book_sources(settings))
    if watcher.current is None and watcher.size() <= EAGER_BOOK_BYTES:
        watcher.load()  # a large book loads after the first frame (NeoApp.on_ready)
    if feed is True:
        feed = build_feed(settings, open_cache())
    if alerts is True:
        alerts = open_alerts(settings, clock)
    feeds_later = None
    if filings is True or news is True:
        feeds_later = partial(_build_feeds, settings, watcher, feed or None,
                              filings=filings is True, news=news is True)  # fmt: skip
    return app_class(
        settings, watcher=watcher, feed=feed or None, clock=clock, live=live,
        alerts=alerts or None, filings=None if isinstance(filings, bool) else filings,
        news=None if isinstance(news, bool) else news, feeds_later=feeds_later,
    )  # fmt: skip


def _build_feeds(
    settings: Settings, watcher: DealsWatcher, feed: MarketFeed | None, *, filings: bool,
    news: bool,
) -> tuple[FilingsFeed | None, NewsFeed | None, FactsFeed | None]:  # fmt: skip
    """The filings feed (off without a contact) and the headlines feed (on the market feed's
    Yahoo client), over one store, as asked; the company facts feed with the filings feed
    (on its client: it fetches only when the filings check sees a new periodic report)."""
    from neotui.sources import (
        build_facts,
        build_filings,
        build_news,
        open_feed_store,
        watched_listed,
    )

    built_filings = built_news = built_facts = None
    store = open_feed_store() if filings or (news and feed) else None
    if filings:
        book = watcher.current.book if watcher.current is not None else watcher.load().book
        symbols = watched_listed(settings, book)
        built_filings = build_filings(settings, symbols, store)
        built_facts = build_facts(symbols, built_filings)
    if news and feed is not None and settings.news.enabled:
        built_news = build_news(settings, feed.client, settings.market.symbols, store)
    return built_filings, built_news, built_facts


def run_app(settings: Settings) -> None:
    """Run the watch screen until the user quits, then exit with the app's status: an error
    that stopped the app (shown with its traceback once the terminal is restored) exits 1,
    never 0 as if all went well."""
    app = make_app(settings)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


def _is_a_host(app: NeoApp) -> WatchHost:
    """Never called: mypy checks here that the app is what the screens take it for."""
    return app
