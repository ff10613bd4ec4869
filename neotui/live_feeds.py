"""The app's feeds, started once the whole watch screen is up: what is cached is drawn first (no
request), then every loop starts in its own worker (quotes, stream, event study, filings,
headlines, deals files).

Separate from ``app.py`` (which stays under the size limit) and imported only when the feeds
start, after the first frame: nothing here is on the launch path. The app keeps the workers it
restarts or that are called from elsewhere (``run_feed``, ``run_impact``); the loops nothing
touches again run from here under the names and groups their ``@work`` methods had, so a
failure still reads "run_filings stopped" and ``exclusive`` still cancels the same group.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING

from neotui.messages import DealsUpdated, FactsUpdated, FilingsUpdated, NewsUpdated
from neotui.screens.insider_feed import start_insiders

if TYPE_CHECKING:
    from textual.worker import Worker

    from neotui.app import NeoApp
    from neotui.data.news import NewsFeed
    from neotui.data.sec.feed import FilingsFeed

#: How often the event study checks for a new close (it fetches only after one).
IMPACT_CHECK_SECONDS = 3600.0


def start_feeds(app: NeoApp) -> None:
    """Build the feeds left out of the first frame, draw what they cached, then (in a live
    app) start every loop."""
    # Cached filings and headlines (a hidden pane, mounted after the first frame) are read
    # here, still before any request.
    if app._feeds_later is not None:
        built_filings, built_news, app.facts = app._feeds_later()
        app._feeds_later = None
        app.filings = app.filings or built_filings
        app.news = app.news or built_news
    if app.filings is not None:
        app._show_filings(app.filings.load_cached())
        start_insiders(app, fetch=False)  # the cached Form 4s, no request
    if app.facts is not None:  # the cached facts, each with its age
        app.watch_screen.post_message(FactsUpdated(app.facts.load_cached()))
    if app.news is not None:
        app._show_news(app.news.load_cached())
    if not app.live:
        return
    if app.feed is not None:
        app.run_feed()
        from neotui.stream_feed import start_stream

        app.live_quotes = start_stream(app, app.settings, app.feed, app.clock)
        app.run_impact()
        # Daily bars change once a day; an hourly look costs a cache read unless a close has
        # passed since the last fetch.
        app.set_interval(IMPACT_CHECK_SECONDS, app.run_impact)
    if app.filings is not None:
        _start(app, "run_filings", "filings", partial(_run_filings, app, app.filings))
    if app.news is not None:
        _start(app, "run_news", "news", partial(_run_news, app, app.news))
    _start(app, "watch_deals", "deals", partial(_watch_deals, app))


def _start(
    app: NeoApp, name: str, group: str, loop: Callable[[], Coroutine[None, None, None]]
) -> Worker[None]:
    """One loop in its own worker, as its ``@work(exclusive=True, exit_on_error=False)`` method
    on the app ran it (a callable, as that decorator passes: no coroutine left unawaited when
    a worker is cancelled before it starts)."""
    return app.run_worker(loop, name=name, group=group, exclusive=True, exit_on_error=False)


async def _run_filings(app: NeoApp, filings: FilingsFeed) -> None:
    """The filings feed's loop (one publication and no request when filings are off)."""
    await filings.run(lambda update: app.post_message(FilingsUpdated(update)))


async def _run_news(app: NeoApp, news: NewsFeed) -> None:
    """The headlines feed's loop."""
    await news.run(lambda update: app.post_message(NewsUpdated(update)))


async def _watch_deals(app: NeoApp) -> None:
    """Watch the deals files and post every reload."""
    async for update in app.watcher.updates():
        app.post_message(DealsUpdated(update))
