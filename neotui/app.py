"""The Textual application: sources in, workers for all I/O, messages from data to the screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from neotui import startup_gc
from neotui.data.alerts.engine import AlertEngine
from neotui.data.alerts.rules import Alert, FilingEvent, HeadlineEvent
from neotui.data.deals.watcher import BookUpdate, DealsWatcher
from neotui.data.market.feed import FeedUpdate, MarketFeed
from neotui.messages import (
    DealsUpdated,
    FilingsUpdated,
    ImpactUpdated,
    NewsUpdated,
    QuotesUpdated,
)
from neotui.notify import Notifier
from neotui.screens.insider_feed import deliver_insiders, start_insiders
from neotui.screens.palette import watch_commands
from neotui.screens.watch import WatchScreen
from neotui.settings import Settings

if TYPE_CHECKING:  # built after the first frame; their modules are not needed for it
    from neotui.data.market.stream_live import LiveQuotes
    from neotui.data.news import NewsFeed, NewsUpdate
    from neotui.data.sec.facts_feed import FactsFeed
    from neotui.data.sec.feed import FilingsFeed, FilingsUpdate
    from neotui.data.sec.insiders import InsiderFeed
    from neotui.messages import InsidersUpdated

    #: Builds the filings, headlines and company facts feeds (any may be None).
    FeedsBuilder = Callable[[], tuple[FilingsFeed | None, NewsFeed | None, FactsFeed | None]]

#: How often ages ("3m old") and the status line move on between data updates.
TICK_SECONDS = 30.0


def now_utc() -> datetime:
    """The real clock (tests freeze theirs)."""
    return datetime.now(UTC)


class NeoApp(App[None]):
    """neotui's app. It receives its settings and data sources from :func:`make_app`."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "neotui"
    SUB_TITLE = "AI neocloud monitor"

    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Leave neotui", id="neotui.quit"),
        Binding("question_mark", "help", "Help", tooltip="Show every key", id="neotui.help"),
        Binding("r", "refresh", "Refresh", tooltip="Fetch quotes now", id="neotui.refresh"),
        Binding("A", "alerts", "Alerts", tooltip="List the recent alerts", show=False,
                id="neotui.alerts"),
        Binding("S", "picture", "Picture", tooltip="Save the screen as SVG in neotui's data "
                "directory", show=False, id="neotui.screenshot"),
    ]  # fmt: skip

    def __init__(
        self,
        settings: Settings,
        *,
        watcher: DealsWatcher,
        feed: MarketFeed | None = None,
        clock: Callable[[], datetime] = now_utc,
        live: bool = True,
        alerts: AlertEngine | None = None,
        filings: FilingsFeed | None = None,
        news: NewsFeed | None = None,
        feeds_later: FeedsBuilder | None = None,
    ) -> None:
        """
        Args:
            settings: the settings in force.
            watcher: the deals files (already loaded: its first book is drawn at once).
            feed: the market feed; None runs without quotes.
            clock: the time source for ages and the status line (frozen in snapshot tests).
            live: start the feed loop and the deals watcher (tests of pure layout turn it off).
            alerts: the alert engine; by default one over the settings' rules that stores
                nothing (make_app passes one with the stored state).
            filings: the SEC filings feed (None: no filings pane data).
            news: the headlines feed (None: no headlines).
            feeds_later: builds the filings and headlines feeds once the whole screen is up
                (make_app's way: their modules and store are not needed for the first frame).
        """
        super().__init__()
        self.settings = settings
        self.watcher = watcher
        self.feed = feed
        self.clock = clock
        self.live = live
        self.last_feed: FeedUpdate | None = None
        self._warned: str | None = None
        self._noted: str | None = None  # the last chart-fallback reason shown as a toast
        self.alert_engine = alerts or AlertEngine(
            settings.alert_rules, margin_pct=settings.alerts.rearm_pct, clock=clock
        )
        self.notifier = Notifier(settings.alerts, write=self._write_terminal, bell=self.bell)
        self.impact: ImpactUpdated | None = None  # the latest event study, once computed
        self.filings = filings
        self.news = news
        self.facts: FactsFeed | None = None  # company facts: built, and run, with the filings
        self.insiders: InsiderFeed | None = None  # insider trades: built on the filings feed
        self._feeds_later = feeds_later
        #: The whole screen is up and the cached feeds read (then the workers start).
        self.started = False
        self.last_filings: FilingsUpdate | None = None
        #: The quote feed's loop stopped on an error (the status line says so; r restarts it).
        self.quotes_stopped = False
        self.live_quotes: LiveQuotes | None = None  # the quote stream, in market hours

    # --- start-up -------------------------------------------------------------------------------

    async def on_mount(self) -> None:
        if self.settings.ui.theme in self.available_themes:
            self.theme = self.settings.ui.theme
        else:
            self.notify(f"Unknown theme {self.settings.ui.theme!r}; using {self.theme}.",
                        severity="warning", markup=False)  # fmt: skip
        if self.settings.keys:
            self.set_keymap(dict(self.settings.keys))
        for notice in self.settings.notices:
            self.notify(notice, title="Set aside", severity="warning", timeout=20, markup=False)
        # The cached quotes are read first so that the quotes table is built with them.
        cached = self.feed.load_cached() if self.feed is not None else None
        await self.push_screen(WatchScreen(cached))
        # Drawn before any network: the deals book (unless it is large: then it loads in a
        # thread after the first frame) and the cached quotes.
        if self.watcher.current is not None:
            self._first_book(self.watcher.current)
        store = self.alert_engine.store
        if store is not None and store.warning:
            self.notify(store.warning, title="Alerts", severity="warning", markup=False)
        if self.feed is not None:
            # Cached quotes are drawn here, directly; subscribing afterwards keeps load_cached's
            # own publication from drawing every row a second time.
            self.feed.subscribe(self._feed_listener)
            assert cached is not None
            self._show_quotes(cached, None)
        self.set_interval(TICK_SECONDS, self._tick)

    def on_ready(self) -> None:
        # The first frame (cached quotes) is on screen: the rest of the watch screen mounts,
        # then network and file watching start, so the first refresh delays neither. A large
        # deals book is loaded first, in a thread.
        if self.watcher.current is None:
            self._load_large_book()
        else:
            self._after_first_frame()

    def _after_first_frame(self) -> None:
        try:
            self.watch_screen.first_frame_shown(then=self._start_live)
        except NoMatches:
            self._start_live()  # a test app started on another screen, or shutting down

    def _first_book(self, update: BookUpdate) -> None:
        self._show_book(update)
        self.alert_engine.on_book(update.book)  # the first book primes new_deal, never fires

    @work(thread=True, group="deals-first", exit_on_error=False)
    def _load_large_book(self) -> None:
        """A large deals book, loaded off the event loop; then the rest of the screen."""
        update = self.watcher.load()
        self.call_from_thread(self._large_book_loaded, update)

    def _large_book_loaded(self, update: BookUpdate) -> None:
        self._first_book(update)
        self._after_first_frame()

    def _start_live(self) -> None:
        # The whole screen is up: the start-up pause of the garbage collector ends after the
        # frame that shows it (a launch's collection, ~50 ms; nothing in tests).
        self.call_after_refresh(startup_gc.resume)
        from neotui.live_feeds import start_feeds

        start_feeds(self)  # cached filings, headlines and facts drawn; then the workers
        self.started = True

    def _feed_listener(self, update: FeedUpdate) -> None:
        self.post_message(QuotesUpdated(update, update.changed))

    @work(exclusive=True, group="quotes", exit_on_error=False)
    async def run_feed(self) -> None:
        """The market feed's loop: refreshes on its own schedule until the app exits."""
        assert self.feed is not None
        await self.feed.run()

    @work(exclusive=True, group="impact", exit_on_error=False)
    async def run_impact(self) -> None:
        """The deal-day event study of the book on screen: two-year histories from the cache
        (fetched when a day old), then numpy in a thread; posts :class:`ImpactUpdated`."""
        if self.feed is None:
            return
        from neotui.sources import after_first_refresh, study_watched

        await after_first_refresh(self.feed)

        try:
            book = self.watch_screen.book
        except NoMatches:
            return  # shutting down
        study = await study_watched(book, self.feed, self.settings.analytics.benchmark, self.clock,
                                    self.last_filings)  # fmt: skip
        if study.listed_error:
            message = f"{study.listed_error}\nCounterparties are not studied."
            self.notify(message, title="Listed companies file", severity="warning", markup=False)
        self.post_message(ImpactUpdated(study.rows, study.histories, study.benchmark,
                                        study.earnings, study.baselines))  # fmt: skip

    def on_impact_updated(self, message: ImpactUpdated) -> None:
        self.impact = message
        with self._panes_may_be_gone():
            self.watch_screen.show_impact(message.rows)
            show = getattr(self.screen, "show_impact", None)
            if show is not None and self.screen is not self.watch_screen:
                show(message)

    async def on_unmount(self) -> None:
        from neotui.sources import close_sources

        await close_sources(self.feed, self.filings, self.news, self.facts)

    # --- data messages --------------------------------------------------------------------------

    @property
    def watch_screen(self) -> WatchScreen:
        """The main screen (at the bottom of the stack while the app runs).

        Raises:
            NoMatches: while the app shuts down and the screen is already gone (a bare
                ``next()`` would raise StopIteration, which a message handler turns into a
                RuntimeError).
        """
        for screen in self.screen_stack:
            if isinstance(screen, WatchScreen):
                return screen
        raise NoMatches("the watch screen is gone")

    def on_quotes_updated(self, message: QuotesUpdated) -> None:
        with self._panes_may_be_gone():
            self._show_quotes(message.update, message.changed)

    @contextmanager
    def _panes_may_be_gone(self) -> Iterator[None]:
        """While the app shuts down, data still in flight finds its panes already removed:
        that update has nowhere to go and is dropped."""
        try:
            yield
        except NoMatches:
            if self.is_running:  # not shutting down: a real bug, let it show
                raise

    def _show_quotes(self, update: FeedUpdate, changed: frozenset[str] | None) -> None:
        if update.warning and update.warning != self._warned:
            self._warned = update.warning  # once per distinct problem, not on every refresh
            self.notify(update.warning, title="Quote cache", severity="warning", markup=False)
        if update.source_note and update.source_note != self._noted:
            self.notify(update.source_note, title="Yahoo", severity="warning", markup=False)
        self._noted = update.source_note
        self.last_feed = update
        self.watch_screen.show_quotes(update, update.changed if changed is None else changed)
        if self.settings.lots:
            from neotui.data.portfolio import build_portfolio

            self.watch_screen.show_positions(build_portfolio(self.settings.lots, update.states))
        self.deliver(self.alert_engine.on_quotes(update.states))

    def on_filings_updated(self, message: FilingsUpdated) -> None:
        with self._panes_may_be_gone():
            self._show_filings(message.update)
        start_insiders(self, fetch=True)  # Form 4s on the filings' schedule, within their budget
        if self.facts is not None:  # facts on the filings' schedule: fetched only when due
            from neotui.sources import refresh_facts

            post = self.watch_screen.post_message
            self.run_worker(refresh_facts(self.facts, message.update, post), group="facts",
                            exclusive=True, exit_on_error=False)  # fmt: skip

    def _show_filings(self, update: FilingsUpdate) -> None:
        from neotui.alert_delivery import filing_events
        from neotui.sources import new_results

        studied = self.impact is not None or any(w.group == "impact" for w in self.workers)
        if studied and new_results(self.last_filings, update):
            self.run_impact()  # new earnings days (restarts one under way, which missed them)
        self.last_filings = update
        self.watch_screen.show_filings(update)
        self.deliver_filings(filing_events(update, self.clock().date()))

    def on_insiders_updated(self, message: InsidersUpdated) -> None:
        deliver_insiders(self, message)

    def on_news_updated(self, message: NewsUpdated) -> None:
        with self._panes_may_be_gone():
            self._show_news(message.update)

    def _show_news(self, update: NewsUpdate) -> None:
        self.watch_screen.show_news(update)
        from neotui.alert_delivery import headline_events

        self.deliver_headlines(headline_events(update))

    def on_deals_updated(self, message: DealsUpdated) -> None:
        update = message.update
        with self._panes_may_be_gone():
            self._show_book(update)
        self.deliver(self.alert_engine.on_book(update.book))
        if update.ok:
            self.notify(f"Deals reloaded: {update.book.counts['deal']} deals.", timeout=3)
            if self.live and self.feed is not None:
                self.run_impact()  # new deals, new events: histories come from the cache
        else:
            first = update.problems[0]
            more = (
                f"\n(+{len(update.problems) - 1} more problems)" if len(update.problems) > 1 else ""
            )
            self.notify(
                f"{first.where}\n{first.message}{more}\nThe last good data stays on screen.",
                title="Deals file has errors",
                severity="error",
                timeout=10,
                markup=False,
            )

    def _show_book(self, update: BookUpdate) -> None:
        self.watch_screen.show_book(update)

    def _tick(self) -> None:
        with self._panes_may_be_gone():
            self.watch_screen.tick()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        # The workers handle expected failures themselves; this catches the unexpected, so a
        # bug in a worker shows as a notification while the last good data stays on screen.
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            reason = f"{type(error).__name__}: {error}"
            message = f"{event.worker.name} stopped: {reason}"
            self.notify(message, title="Internal error", severity="error", timeout=15,
                        markup=False)  # fmt: skip
        elif event.state is WorkerState.SUCCESS and event.worker.group == "quotes":
            reason = "the quote loop ended"  # it runs until the app exits: never a success
        else:
            return
        if event.worker.group == "quotes" and self.is_running:
            # Not a ✓ on a feed that no longer runs: the status line says so until r restarts it.
            self.quotes_stopped = True
            with self._panes_may_be_gone():
                self.watch_screen.show_stopped(f"{reason}; r restarts")

    # --- alert delivery -------------------------------------------------------------------------

    def deliver(self, alerts: list[Alert]) -> None:
        """Show fired alerts (toast always; bell, desktop, command as set) and store the state."""
        if alerts or self.alert_engine.dirty:  # else nothing to show or save: nothing imported
            from neotui.alert_delivery import deliver_alerts

            deliver_alerts(self, alerts)

    def _write_terminal(self, text: str) -> None:
        # Through the driver, like App.bell: in order with the frames, never mid-frame.
        if not self.is_headless and self._driver is not None:
            self._driver.write(text)

    def deliver_filings(self, events: list[FilingEvent]) -> None:
        """New filings from the filings feed: ``filing_items`` rules."""
        self.deliver(self.alert_engine.on_filings(events))

    def deliver_headlines(self, events: list[HeadlineEvent]) -> None:
        """New headlines from the news feed: ``headline`` rules."""
        self.deliver(self.alert_engine.on_headlines(events))

    # --- actions --------------------------------------------------------------------------------

    def action_alerts(self) -> None:
        """Open the alerts list, unless it is already open."""
        from neotui.screens.alerts import AlertsScreen

        if not isinstance(self.screen, AlertsScreen):
            self.push_screen(AlertsScreen(self.alert_engine, self.clock))

    def action_refresh(self) -> None:
        """Fetch quotes now instead of waiting for the next scheduled refresh."""
        if self.feed is None:
            self.notify("No market feed in this session.", severity="warning")
            return
        if self.quotes_stopped and self.live:
            self.quotes_stopped = False  # stopped by an error: start it again
            self.watch_screen.show_stopped(None)
            self.run_feed()
            self.notify("Restarting quotes…", timeout=2)
            return
        self.feed.request_refresh()
        self.notify("Refreshing quotes…", timeout=2)

    async def action_picture(self) -> None:
        """Save the screen as SVG in neotui's data directory and say where (neotui.screenshot)."""
        from neotui.screenshot import save_picture

        await save_picture(self, self.clock())

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open a web page in the browser: http(s) only, whatever a file or a server put there
        (a ``file:`` or ``javascript:`` link is refused, and said)."""
        from neotui.data.clean import web_url

        if web_url(url) is None:
            self.notify(f"Not opened: {url!r} is not a web address.", severity="warning",
                        markup=False)  # fmt: skip
            return
        super().open_url(url, new_tab=new_tab)

    def action_help(self) -> None:
        """Open the help screen, unless it is already open."""
        from neotui.screens.help import HelpScreen, help_for

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(help_for(self.screen, self.get_key_display))

    def open_provider(self, provider_id: str) -> None:
        """Push the detail screen of one provider."""
        # Imported here: the chart library is not needed for the first frame.
        from neotui.screens.detail import detail_for

        screen = detail_for(self, self.watch_screen.book, provider_id)
        if screen is not None:
            self.push_screen(screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own "Screenshot" saves into the user's Downloads folder: ours, in its place,
        # saves in neotui's data directory (neotui never writes among the user's own files).
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command
        yield SystemCommand("Screenshot", "Save the screen as SVG in neotui's data directory",
                            self.action_picture)  # fmt: skip
        yield SystemCommand("Refresh quotes", "Fetch quotes now", self.action_refresh)
        yield SystemCommand("Help: keys", "List every key and its id", self.action_help)
        yield SystemCommand("Alerts", "The last 100 alerts and every rule", self.action_alerts)
        if isinstance(screen, WatchScreen) and screen.panes_ready:
            yield from watch_commands(screen, self.settings.market.symbols, self.open_provider)
