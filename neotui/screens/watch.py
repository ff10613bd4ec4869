"""The watch screen: providers, quotes, deal timeline and capacity, linked and keyboard-driven."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input

from neotui.data.deals import DealBook
from neotui.data.deals.models import Deal
from neotui.data.deals.watcher import BookUpdate
from neotui.data.market.feed import FeedUpdate
from neotui.screens.host import WatchHost, host_of
from neotui.screens.watch_feeds import FeedsSlot
from neotui.screens.watch_groups import GroupView, action_all_groups, action_next_group
from neotui.screens.watch_keys import NEED_PANES, WATCH_KEYS
from neotui.screens.watch_panes import (
    Panes,
    focused_provider,
    focused_symbol,
    mount_panes,
    positions_pane,
)
from neotui.screens.watch_records import WatchRecords
from neotui.widgets.footer import KeysFooter
from neotui.widgets.providers import ProviderList
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.sector import SectorPane
from neotui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from neotui.data.analytics.events import Impact
    from neotui.data.news import NewsUpdate
    from neotui.data.portfolio import Portfolio
    from neotui.data.sec.facts import CompanyFacts
    from neotui.data.sec.feed import FilingsUpdate
    from neotui.data.timeline import TimelineEvent
    from neotui.messages import FactsUpdated
    from neotui.widgets.feeds import FeedsTable
    from neotui.widgets.timeline import DealTable

#: Below these sizes the layout collapses: the providers pane hides (the quotes pane selects
#: providers instead), and the capacity table swaps with the timeline on `c`.
NARROW_WIDTH = 110
SHORT_HEIGHT = 34
#: Below this width the quotes pane keeps only its essential columns.
COMPACT_WIDTH = 100


class WatchScreen(Screen[None]):
    """The screen users keep open all day."""

    BINDINGS = WATCH_KEYS

    def __init__(self, cached: FeedUpdate | None = None) -> None:
        """``cached``: the cached quotes, drawn into the quotes table as it is built."""
        super().__init__()
        self._cached = cached
        self._panes: Panes | None = None  # the timeline and the rest, after the first frame
        self._detail_deal: Deal | TimelineEvent | None = None
        self._positions_hidden = False  # the user pressed p to hide them
        self._impacts: dict[str, Impact] = {}
        self._feed: FeedUpdate | None = None
        self._market_views_due = False
        self._facts: dict[str, CompanyFacts] = {}  # SEC facts by symbol, as last delivered
        self._book = DealBook()
        self._book_update: BookUpdate | None = None
        self._deferred_scheduled = False
        self._after_deferred: Callable[[], None] | None = None
        self.records = WatchRecords(self)

    @property
    def host(self) -> WatchHost:
        """The app, typed as what this screen uses of it."""
        return host_of(self)

    def compose(self) -> ComposeResult:
        # The first frame holds what a user looks for at launch: providers and quotes (cached
        # prices). The timeline, capacity, the footer and the panes that start hidden (filter
        # box, valuation, positions without lots) are mounted right after it
        # (:meth:`_mount_deferred`): their styling and their rows off the launch path
        # (bench/terminal_paint.py measures launch to the price, and to the whole screen).
        host = self.host
        yield Header(icon="◆")
        yield StatusLine(host.clock, id="status")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                providers = ProviderList(id="providers")
                providers.border_title = "Providers"
                yield providers
                sector = SectorPane(id="sector")
                sector.border_title = "Sector"
                yield sector
            with Vertical(id="main"):
                self.groups = GroupView(self, host.settings.watch_groups, host.settings.group)
                quotes = QuotesTable(self.groups.symbols, host.clock, id="quotes",
                                     short_column=host.settings.earnings.short_column)  # fmt: skip
                quotes.border_title = "Quotes"
                if self._cached is not None:
                    quotes.preload(self._cached)
                yield quotes
                if host.settings.lots:
                    yield positions_pane()  # visible from the first frame

    async def _mount_deferred(self) -> None:
        """After the first frame: the timeline, capacity, footer and the panes that start
        hidden; then the book (and any event study already in) is drawn into them."""
        panes = await mount_panes(self.query_one("#main"))
        if panes is None or self._closing or not self.is_attached:
            return  # the app is quitting (q pressed at launch): nothing left to fill
        # The footer last: its keys are one widget each, styled one by one (~85 ms at launch,
        # measured in the terminal; in the first frame it also held up the price).
        await self.mount(KeysFooter())
        self._panes = panes
        if self._market_views_due:
            # Data that came in before the first frame left the sector line and valuation for
            # now: they follow it, with the panes, never inside Textual's start-up batch.
            self.call_later(self._show_market_views)
        self.refresh_bindings()  # the keys that need the panes are live; the footer hears of it
        if self.has_class("narrow") and isinstance(self.focused, ProviderList):
            self.query_one(QuotesTable).focus()
        if self._book_update is not None:
            self.show_book(self._book_update)
        if self._impacts:
            panes.deals.set_impacts(self._impacts)
            panes.timeline.show_events(self.host.impact, self.book)
            self._show_deal(panes.deals.current)
        if self._after_deferred is not None:
            # After the frame that shows these panes: what follows (feeds built, workers
            # started) would otherwise delay that frame.
            self.call_after_refresh(self._after_deferred)

    def on_mount(self) -> None:
        self._feeds = FeedsSlot(self.host.settings.filings.forms, self)
        self.groups.label_view()
        self.query_one(ProviderList).focus()

    def first_frame_shown(self, then: Callable[[], None] | None = None) -> None:
        """Called by the app at Textual's Ready event: the panes left out of the first frame
        are mounted after the next refresh, which is the first one written to the terminal
        (the refresh before Ready happens inside Textual's start-up batch, which displays
        nothing: mounting them earlier would put them in the first frame after all). ``then``
        runs once they are mounted."""
        if not self._deferred_scheduled:
            self._deferred_scheduled = True
            self._after_deferred = then
            self.call_after_refresh(self._mount_deferred)
            self.refresh()
        elif then is not None:
            then()

    @property
    def panes_ready(self) -> bool:
        """Whether the panes mounted after the first frame are in place."""
        return self._panes is not None

    @property
    def panes(self) -> Panes:
        """The panes mounted after the first frame. Only the actions that need them read this,
        and :meth:`check_action` holds those back until the panes exist."""
        if self._panes is None:
            raise RuntimeError("the watch screen's panes are not mounted yet")
        return self._panes

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that work on the panes mounted after the first frame wait for them: greyed in
        the footer (None) until then, so a key pressed during start-up does nothing."""
        if action in NEED_PANES and self._panes is None:
            return None
        return True

    # --- data in --------------------------------------------------------------------------------

    def show_book(self, update: BookUpdate) -> None:
        """A (re)loaded deals book: refresh every pane that shows it."""
        book = update.book
        self._book = book
        self._book_update = update
        self.query_one(StatusLine).show(deals=update)
        self.query_one(ProviderList).set_book(book)
        if self._panes is not None:
            self._panes.deals.set_book(book)
            self._panes.capacity.set_book(book, self._facts)
        self._feeds.book(book)
        self._link(self._linked_provider())
        self._market_views_soon()

    def show_quotes(self, update: FeedUpdate, changed: frozenset[str]) -> None:
        """A feed update: cells change in place."""
        self._feed = update
        self.query_one(StatusLine).show(feed=update)
        self.query_one(QuotesTable).apply(update, changed)
        self.query_one(ProviderList).apply(dict(update.states))
        self._market_views_soon()

    def show_stopped(self, reason: str | None) -> None:
        """The quote feed's loop stopped (None: running again): the status line says so."""
        self.query_one(StatusLine).show_stopped(reason)

    def _market_views_soon(self) -> None:
        """The sector line and valuation table follow after the frame that shows the quotes (one
        pass for a book and a quote update arriving together; off the first frame's path).

        At launch they wait for :meth:`_mount_deferred`: a ``call_after_refresh`` booked before
        Ready would run inside Textual's start-up batch, before the first frame is written
        (~2.7 ms of it, measured), not after it."""
        if not self._market_views_due:
            self._market_views_due = True
            if self._panes is not None:
                self.call_later(self._show_market_views)

    def _show_market_views(self) -> None:
        """The sector line and the valuation table follow the quotes and the book (plain
        arithmetic on a handful of rows: no worker needed)."""
        from neotui.data.analytics.valuation import market_caps, valuations

        self._market_views_due = False
        states = dict(self._feed.states) if self._feed else {}
        quotes = {s: st.quote for s, st in states.items()}
        impact = self.host.impact
        self.groups.show_sector(self.book, quotes, impact.histories.prices if impact else None)
        table = self._panes.valuation if self._panes is not None else None
        if table is not None and table.display:
            fundamentals = {s: st.fundamentals for s, st in states.items() if st.fundamentals}
            table.set_rows(valuations(self.book, market_caps(quotes, fundamentals), self._facts))

    def on_facts_updated(self, message: FactsUpdated) -> None:
        """SEC facts (the cached ones at start, then as fetched): capacity and valuation."""
        self._facts = {s: st.facts for s, st in message.states.items() if st.facts is not None}
        if self._panes is not None:
            self._panes.capacity.set_book(self.book, self._facts)
        self._market_views_soon()

    def show_impact(self, rows: list[Impact]) -> None:
        """The event study arrived: the Day 0 column and the highlighted deal's detail line."""
        from neotui.data.analytics.events import by_deal

        self._impacts = by_deal(rows)
        self._market_views_soon()  # the sector's one-year index comes from the same histories
        if self._panes is not None:
            self._panes.deals.set_impacts(self._impacts)
            self._panes.timeline.show_events(self.host.impact, self.book)
            self._show_deal(self._panes.deals.current)

    def show_positions(self, portfolio: Portfolio) -> None:
        """New valuations of the user's lots; the pane appears with the first ones."""
        from neotui.widgets.positions import PositionsTable

        table = self.query_one("#positions", PositionsTable)
        table.show(portfolio)
        if portfolio.positions and not self._positions_hidden:
            table.remove_class("hidden")

    def show_filings(self, update: FilingsUpdate) -> None:
        """New filings (or how to turn them on): kept for the pane, drawn if it is there."""
        self._feeds.filings(update, self.host.clock())

    def show_news(self, update: NewsUpdate) -> None:
        """New headlines (the last good ones stay when a fetch fails)."""
        self._feeds.news(update, self.host.clock())

    def tick(self) -> None:
        """Once in a while: ages in the stale rows and the status line move on."""
        self.query_one(QuotesTable).refresh_ages()
        self.query_one(StatusLine).show()
        self._feeds.tick(self.host.clock())

    @property
    def book(self) -> DealBook:
        """The book on screen."""
        return self._book

    # --- linking --------------------------------------------------------------------------------

    @on(ProviderList.Selected)
    def _provider_selected(self, event: ProviderList.Selected) -> None:
        if not self.has_class("narrow"):  # folded away: the quotes pane picks instead
            self._link(event.provider)

    def _linked_provider(self) -> str | None:
        """The provider the panes follow: the providers pane's, or with it folded away (narrow
        terminals) the quotes cursor's."""
        if self.has_class("narrow"):
            quotes = self.query_one(QuotesTable)
            if quotes.row_count:
                key = quotes.coordinate_to_cell_key(quotes.cursor_coordinate).row_key.value
                provider = self.book.provider_for_ticker(str(key)) if key else None
                return provider.id if provider else None
            return None
        return self.query_one(ProviderList).selected

    def _link(self, provider: str | None) -> None:
        p = self.book.providers.get(provider) if provider else None
        self.query_one(QuotesTable).set_highlight(p.ticker if p else None)
        panes = self._panes
        if panes is None:
            return  # the deferred panes pick the provider up when they mount
        panes.deals.show_provider(provider)
        panes.capacity.show_provider(provider)
        name = p.name if p else "all providers"
        # Content, not a str: a str title is parsed as markup, and names come from user files.
        panes.timeline.border_title = Content(f"Deal timeline · {name}")
        watched = self.host.settings.market.symbols
        if p is None:
            self._feeds.select(None, None, name)
        elif p.ticker is None:
            note = f"{p.name} is private: no SEC filings, no ticker headlines."
            self._feeds.select([], note, name)
        elif p.ticker not in watched:
            note = f"{p.ticker} is not watched: add it to market.symbols for its filings and news."
            self._feeds.select([], note, name)
        else:
            self._feeds.select([p.ticker], None, name)
        self._update_filter_title()

    @on(DataTable.RowHighlighted, "#quotes")
    def _quote_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # With the providers pane collapsed, the quotes pane picks the provider.
        if self.has_class("narrow") and event.row_key.value:
            provider = self.book.provider_for_ticker(str(event.row_key.value))
            self._link(provider.id if provider else None)

    def on_deal_table_deal_highlighted(self, event: DealTable.DealHighlighted) -> None:
        deal = event.deal
        if deal is not None and deal is self._detail_deal:
            return  # a rebuild re-announces the same deal: updating again relays out the screen
        self._show_deal(deal)

    def action_timeline_kind(self) -> None:
        """Show one kind of event on the timeline, then the next, then every kind again."""
        self.panes.deals.cycle_kind()
        self._update_filter_title()

    def _show_deal(self, deal: Deal | TimelineEvent | None) -> None:
        self._detail_deal = deal
        name = None
        if deal is not None and deal.provider in self.book.providers:
            name = self.book.providers[deal.provider].name
        impact: Impact | str | None = None
        if deal is not None:
            impact = self._impacts.get(deal.id)
            if impact is None and self._impacts:  # studied, but this deal is not in it
                impact = f"{name or deal.provider} has no listed stock"
        self.panes.detail.show(deal, name, impact)

    # --- keys -----------------------------------------------------------------------------------

    action_next_group = action_next_group
    action_all_groups = action_all_groups

    def action_add_alert(self) -> None:
        """Open the new-alert modal for the symbol under the cursor."""
        symbol = focused_symbol(self, self._panes)
        if symbol is None:
            provider = focused_provider(self, self._panes)
            what = "This provider is private" if provider else "Select a quote or a provider"
            self.notify(f"{what}: price alerts need a listed symbol.", timeout=4)
            return
        self.records.ask_alert(symbol)

    def on_feeds_table_capture(self, event: FeedsTable.Capture) -> None:
        """``x`` in the Filings · News pane: the row becomes a draft deal."""
        event.stop()
        self.records.capture(event.row)

    def action_toggle_positions(self) -> None:
        """Show or hide the positions pane (focused when shown)."""
        from neotui.screens.watch_layout import toggle_positions

        toggle_positions(self)

    def action_open_detail(self) -> None:
        """Open the detail screen of the provider under the cursor."""
        provider = focused_provider(self, self._panes)
        if provider is None:
            self.notify("Select a provider first (the “All” row has no detail).", timeout=3)
            return
        self.host.open_provider(provider)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self._panes is not None:  # enter on a table in the instant before the panes mount
            self.action_open_detail()

    def action_filter(self) -> None:
        """Show the filter box above the timeline and focus it."""
        box = self.panes.filter
        box.remove_class("hidden")
        if self.has_class("short"):
            self.remove_class("show-capacity")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.panes.deals.set_filter(text=event.value)
        self._update_filter_title()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self._close_filter()

    def _close_filter(self) -> None:
        panes = self.panes
        if not panes.filter.value:
            panes.filter.add_class("hidden")
        panes.deals.focus()

    def _update_filter_title(self) -> None:
        self.panes.timeline.update_subtitle()

    def action_clear(self) -> None:
        """Escape: close the filter box, or clear an active filter."""
        panes = self.panes
        box = panes.filter
        if box.has_focus:
            self._close_filter()
            return
        if box.value:
            box.value = ""
            box.add_class("hidden")
            panes.deals.set_filter(text="")
            self._update_filter_title()
        elif self.has_class("narrow"):
            self._link(None)  # no providers pane to pick "All" from: escape shows everything

    def action_sort(self) -> None:
        """Cycle the quotes pane's sort order."""
        quotes = self.query_one(QuotesTable)
        label = quotes.cycle_sort()
        quotes.border_subtitle = f"sorted by {label}"

    def action_toggle_capacity(self) -> None:
        """On short terminals, swap the timeline and the capacity table; else focus capacity."""
        from neotui.screens.watch_layout import toggle_capacity

        toggle_capacity(self)

    def action_toggle_valuation(self) -> None:
        """Swap the capacity pane for the valuation table (and back)."""
        from neotui.screens.watch_layout import toggle_valuation

        toggle_valuation(self)

    async def action_toggle_feeds(self) -> None:
        """Show the Filings · News pane (in place of the capacity table) and focus it, or hide
        it again. The first time, the pane is built and given what arrived so far."""
        from neotui.screens.watch_layout import toggle_feeds

        await toggle_feeds(self)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "narrow")
        self.query_one(QuotesTable).set_compact(event.size.width < COMPACT_WIDTH)
        self.set_class(event.size.height < SHORT_HEIGHT, "short")
        if self.has_class("narrow") and isinstance(self.focused, ProviderList):
            self.query_one(QuotesTable).focus()
