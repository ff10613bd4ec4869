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
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Input

from neotui.data.deals import DealBook
from neotui.data.deals.models import Deal
from neotui.data.deals.watcher import BookUpdate
from neotui.data.market.feed import FeedUpdate
from neotui.data.portfolio import Portfolio
from neotui.screens.watch_feeds import FeedsSlot
from neotui.screens.watch_keys import WATCH_KEYS
from neotui.widgets.providers import ProviderList
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.sector import SectorPane
from neotui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from neotui.data.analytics.events import Impact
    from neotui.data.analytics.valuation import YearIndex
    from neotui.widgets.timeline import DealTable

if TYPE_CHECKING:
    from neotui.data.news import NewsUpdate
    from neotui.data.sec.feed import FilingsUpdate

#: Below these sizes the layout collapses: the providers pane hides (the quotes pane selects
#: providers instead), and the capacity table swaps with the timeline on `c`.
NARROW_WIDTH = 110
SHORT_HEIGHT = 34
#: Below this width the quotes pane keeps only its essential columns.
COMPACT_WIDTH = 100


def _is(widget: object, *ids: str) -> bool:
    """A pane with one of these ids (the modules of the panes mounted after the first frame load
    then, so their classes are not imported here)."""
    return getattr(widget, "id", None) in ids


class WatchScreen(Screen[None]):
    """The screen users keep open all day."""

    BINDINGS = WATCH_KEYS

    def __init__(self, cached: FeedUpdate | None = None) -> None:
        """``cached``: the cached quotes, drawn into the quotes table as it is built."""
        super().__init__()
        self._cached = cached

    def compose(self) -> ComposeResult:
        # The first frame holds what a user looks for at launch: providers and quotes (cached
        # prices). The timeline, capacity, the footer and the panes that start hidden (filter
        # box, valuation, positions without lots) are mounted right after it
        # (:meth:`_mount_deferred`): their styling and their rows off the launch path
        # (bench/terminal_paint.py measures launch to the price, and to the whole screen).
        app = self.app
        yield Header(icon="◆")
        yield StatusLine(app.clock, id="status")  # type: ignore[attr-defined]
        with Horizontal(id="body"):
            with Vertical(id="left"):
                providers = ProviderList(id="providers")
                providers.border_title = "Providers"
                yield providers
                sector = SectorPane(id="sector")
                sector.border_title = "Sector"
                yield sector
            with Vertical(id="main"):
                symbols = app.settings.market.symbols  # type: ignore[attr-defined]
                quotes = QuotesTable(symbols, app.clock, id="quotes")  # type: ignore[attr-defined]
                quotes.border_title = "Quotes"
                if self._cached is not None:
                    quotes.preload(self._cached)
                yield quotes
                if app.settings.lots:  # type: ignore[attr-defined]
                    yield self._positions_pane()  # visible from the first frame

    @staticmethod
    def _positions_pane() -> Widget:
        from neotui.widgets.positions import PositionsTable

        positions = PositionsTable(id="positions", classes="hidden")
        positions.border_title = "Positions"
        return positions

    async def _mount_deferred(self) -> None:
        """After the first frame: the timeline, capacity, footer and the panes that start
        hidden; then the book (and any event study already in) is drawn into them."""
        from neotui.widgets.capacity import CapacityTable
        from neotui.widgets.timeline import Timeline
        from neotui.widgets.valuation import ValuationTable

        main = self.query_one("#main")
        later: list[Widget] = []
        if not self.query("#positions"):
            later.append(self._positions_pane())
        later.append(
            Input(
                placeholder="filter deals: words to match, escape to close",
                id="filter",
                classes="hidden",
            )
        )
        timeline = Timeline(id="timeline")
        timeline.border_title = "Deal timeline"
        capacity = CapacityTable(id="capacity")
        capacity.border_title = "Capacity · debt · backlog"
        valuation = ValuationTable(id="valuation", classes="hidden")
        valuation.border_title = "Valuation · what the market pays per MW and backlog"
        later += [timeline, capacity, valuation]
        await main.mount_all(later)
        if self._closing or not self.is_attached or not timeline.query("#deals"):
            return  # the app is quitting (q pressed at launch): nothing left to fill
        # The footer last: its keys are one widget each, styled one by one (~85 ms at launch,
        # measured in the terminal; in the first frame it also held up the price).
        await self.mount(Footer())
        self.refresh_bindings()  # a footer mounted late hears of the keys at the next change
        self._panes_ready = True
        if self.has_class("narrow") and isinstance(self.focused, ProviderList):
            self.query_one(QuotesTable).focus()
        if self._book_update is not None:
            self.show_book(self._book_update)
        if self._impacts:
            self.query_one("#deals").set_impacts(self._impacts)
            self._show_deal(self.query_one("#deals").current)
        if self._after_deferred is not None:
            # After the frame that shows these panes: what follows (feeds built, workers
            # started) would otherwise delay that frame.
            self.call_after_refresh(self._after_deferred)

    def on_mount(self) -> None:
        self._detail_deal: Deal | None = None
        self._positions_hidden = False  # the user pressed p to hide them
        self._impacts: dict[str, Impact] = {}
        self._feed: FeedUpdate | None = None
        self._market_views_due = False
        self._year: YearIndex | None = None  # the sector's one-year index, once per study
        self._valuation_table: DataTable | None = None
        self._book = DealBook()
        self._book_update: BookUpdate | None = None
        self._panes_ready = False  # the timeline and the rest, mounted after the first frame
        self._deferred_scheduled = False
        self._feeds = FeedsSlot(self.app.settings.filings.forms)  # type: ignore[attr-defined]
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
        return self._panes_ready

    def _valuation(self) -> DataTable | None:
        """The valuation table, once mounted (after the first frame)."""
        if self._valuation_table is None and self._panes_ready:
            self._valuation_table = self.query_one("#valuation", DataTable)
        return self._valuation_table

    # --- data in --------------------------------------------------------------------------------

    def show_book(self, update: BookUpdate) -> None:
        """A (re)loaded deals book: refresh every pane that shows it."""
        book = update.book
        self._book = book
        self._book_update = update
        self.query_one(StatusLine).show(deals=update)
        self.query_one(ProviderList).set_book(book)
        if self._panes_ready:
            self.query_one("#deals").set_book(book)
            self.query_one("#capacity").set_book(book)
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

    def _market_views_soon(self) -> None:
        """The sector line and valuation table follow after the frame that shows the quotes (one
        pass for a book and a quote update arriving together; off the first frame's path)."""
        if not self._market_views_due:
            self._market_views_due = True
            if self._panes_ready:
                self.call_later(self._show_market_views)
            else:  # at launch: after the first frame
                self.call_after_refresh(self._show_market_views)

    def _show_market_views(self) -> None:
        """The sector line and the valuation table follow the quotes and the book (plain
        arithmetic on a handful of rows: no worker needed)."""
        from neotui.data.analytics.valuation import YearIndex, market_caps, sector_line, valuations

        self._market_views_due = False
        states = dict(self._feed.states) if self._feed else {}
        quotes = {s: st.quote for s, st in states.items()}
        symbols = self.app.settings.market.symbols  # type: ignore[attr-defined]
        histories = self.app.impact.histories.prices if self.app.impact else None  # type: ignore[attr-defined]
        if self._year is None:
            self._year = YearIndex()
        line = self._year.apply(sector_line(self.book, symbols, quotes), histories)
        self.query_one(SectorPane).show(line)
        table = self._valuation()
        if table is not None and table.display:
            fundamentals = {s: st.fundamentals for s, st in states.items() if st.fundamentals}
            table.set_rows(valuations(self.book, market_caps(quotes, fundamentals)))

    def show_impact(self, rows: list[Impact]) -> None:
        """The event study arrived: the Day 0 column and the highlighted deal's detail line."""
        from neotui.data.analytics.events import by_deal

        self._impacts = by_deal(rows)
        self._market_views_soon()  # the sector's one-year index comes from the same histories
        if self._panes_ready:
            self.query_one("#deals").set_impacts(self._impacts)
            self._show_deal(self.query_one("#deals").current)

    def show_positions(self, portfolio: Portfolio) -> None:
        """New valuations of the user's lots; the pane appears with the first ones."""
        table = self.query_one("#positions", DataTable)
        table.show(portfolio)  # type: ignore[attr-defined]
        if portfolio.positions and not self._positions_hidden:
            table.remove_class("hidden")

    def show_filings(self, update: FilingsUpdate) -> None:
        """New filings (or how to turn them on): kept for the pane, drawn if it is there."""
        self._feeds.filings(update, self.app.clock())  # type: ignore[attr-defined]

    def show_news(self, update: NewsUpdate) -> None:
        """New headlines (the last good ones stay when a fetch fails)."""
        self._feeds.news(update, self.app.clock())  # type: ignore[attr-defined]

    def tick(self) -> None:
        """Once in a while: ages in the stale rows and the status line move on."""
        self.query_one(QuotesTable).refresh_ages()
        self.query_one(StatusLine).show()
        self._feeds.tick(self.app.clock())  # type: ignore[attr-defined]

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
        if not self._panes_ready:
            return  # the deferred panes pick the provider up when they mount
        self.query_one("#deals").show_provider(provider)
        self.query_one("#capacity").show_provider(provider)
        name = p.name if p else "all providers"
        # Content, not a str: a str title is parsed as markup, and names come from user files.
        self.query_one("#timeline").border_title = Content(f"Deal timeline · {name}")
        watched = self.app.settings.market.symbols  # type: ignore[attr-defined]
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

    def _show_deal(self, deal: Deal | None) -> None:
        self._detail_deal = deal
        name = None
        if deal is not None and deal.provider in self.book.providers:
            name = self.book.providers[deal.provider].name
        impact: Impact | str | None = None
        if deal is not None:
            impact = self._impacts.get(deal.id)
            if impact is None and self._impacts:  # studied, but this deal is not in it
                impact = f"{name or deal.provider} has no listed stock"
        self.query_one("#deal-detail").show(deal, name, impact)

    # --- keys -----------------------------------------------------------------------------------

    def _focused_provider(self) -> str | None:
        focused = self.focused
        if _is(focused, "deals") and focused.current is not None:
            return focused.current.provider
        if isinstance(focused, DataTable) and focused.id == "valuation" and focused.row_count:
            return str(focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value)
        if _is(focused, "quotes", "positions") and focused.row_count:
            row_key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key
            provider = self.book.provider_for_ticker(str(row_key.value))
            return provider.id if provider else None
        return self.query_one(ProviderList).selected

    def _focused_symbol(self) -> str | None:
        """The ticker under the cursor: a quote or position row, else the provider's ticker."""
        focused = self.focused
        if _is(focused, "quotes", "positions") and focused.row_count:
            from neotui.widgets.positions import TOTAL

            key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value
            if key and key != TOTAL:
                return str(key)
        provider = self._focused_provider()
        p = self.book.providers.get(provider) if provider else None
        return p.ticker if p else None

    def action_add_alert(self) -> None:
        """Open the new-alert modal for the symbol under the cursor."""
        symbol = self._focused_symbol()
        if symbol is None:
            provider = self._focused_provider()
            what = "This provider is private" if provider else "Select a quote or a provider"
            self.notify(f"{what}: price alerts need a listed symbol.", timeout=4)
            return
        self.app.ask_alert(symbol)  # type: ignore[attr-defined]

    def action_toggle_positions(self) -> None:
        """Show or hide the positions pane (focused when shown)."""
        table = self.query_one("#positions", DataTable)
        if not self.app.settings.lots:  # type: ignore[attr-defined]
            self.notify(
                "No positions: add [[lot]] tables (symbol, quantity, cost) to neotui.toml.",
                timeout=6,
            )
            return
        self._positions_hidden = not table.has_class("hidden")
        table.set_class(self._positions_hidden, "hidden")
        if not self._positions_hidden:
            table.focus()
        elif table.has_focus:
            self.query_one(QuotesTable).focus()

    def action_open_detail(self) -> None:
        """Open the detail screen of the provider under the cursor."""
        if not self._panes_ready:
            return  # a key in the instant before the panes mount
        provider = self._focused_provider()
        if provider is None:
            self.notify("Select a provider first (the “All” row has no detail).", timeout=3)
            return
        self.app.open_provider(provider)  # type: ignore[attr-defined]

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_detail()

    def action_filter(self) -> None:
        """Show the filter box above the timeline and focus it."""
        box = self.query_one("#filter", Input)
        box.remove_class("hidden")
        if self.has_class("short"):
            self.remove_class("show-capacity")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one("#deals").set_filter(text=event.value)
        self._update_filter_title()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self._close_filter()

    def _close_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if not box.value:
            box.add_class("hidden")
        self.query_one("#deals").focus()

    def _update_filter_title(self) -> None:
        table = self.query_one("#deals")
        timeline = self.query_one("#timeline")
        count = table.total
        suffix = f" · “{table.text}”" if table.text else ""
        if len(table.shown) < count:
            suffix += f" · newest {len(table.shown)} shown, / to narrow"
        timeline.border_subtitle = Content(f"{count:,} deal{'s' if count != 1 else ''}{suffix}")

    def action_clear(self) -> None:
        """Escape: close the filter box, or clear an active filter."""
        if not self._panes_ready:
            return  # a key in the instant before the panes mount
        box = self.query_one("#filter", Input)
        if box.has_focus:
            self._close_filter()
            return
        if box.value:
            box.value = ""
            box.add_class("hidden")
            self.query_one("#deals").set_filter(text="")
            self._update_filter_title()
        elif self.has_class("narrow"):
            self._link(None)  # no providers pane to pick "All" from: escape shows everything

    def action_sort(self) -> None:
        """Cycle the quotes pane's sort order."""
        if not self._panes_ready:
            return  # a key in the instant before the panes mount
        quotes = self.query_one(QuotesTable)
        label = quotes.cycle_sort()
        quotes.border_subtitle = f"sorted by {label}"

    def action_toggle_capacity(self) -> None:
        """On short terminals, swap the timeline and the capacity table; else focus capacity."""
        if self.has_class("short"):
            self.toggle_class("show-capacity")
            target = "#capacity" if self.has_class("show-capacity") else "#deals"
            self.query_one(target).focus()
        else:
            self.query_one("#capacity").focus()

    def action_toggle_valuation(self) -> None:
        """Swap the capacity pane for the valuation table (and back)."""
        if not self._panes_ready:
            return  # a key in the instant before the panes mount
        if not self._panes_ready:
            return  # a key in the instant before the panes mount
        table = self.query_one("#valuation", DataTable)
        showing = table.has_class("hidden")
        table.set_class(not showing, "hidden")
        self.query_one("#capacity").set_class(showing, "hidden")
        self.set_class(showing, "show-valuation")
        if showing:
            if self._feeds.shown:  # one pane in the capacity's place at a time
                self._feeds.pane.add_class("hidden")  # type: ignore[union-attr]
                self.remove_class("show-feeds")
            if self.has_class("short"):
                self.add_class("show-capacity")  # on short terminals it takes the timeline's place
            self._show_market_views()  # after the classes that decide whether it is displayed
            table.focus()
        else:
            self.query_one("#capacity").focus()

    async def action_toggle_feeds(self) -> None:
        """Show the Filings · News pane (in place of the capacity table) and focus it, or hide
        it again. The first time, the pane is built and given what arrived so far."""
        if not self._panes_ready:
            return  # a key in the instant before the panes mount
        feeds = await self._feeds.ensure(self, self.book, self.app.clock())  # type: ignore[attr-defined]
        showing = feeds.has_class("hidden")
        feeds.set_class(not showing, "hidden")
        self.set_class(showing, "show-feeds")
        if showing:
            if not self.query_one("#valuation").has_class("hidden"):
                # one pane in the capacity's place at a time: valuation goes back behind it
                self.query_one("#valuation").add_class("hidden")
                self.query_one("#capacity").remove_class("hidden")
                self.remove_class("show-valuation")
            self.remove_class("show-capacity")
            feeds.update_data(now=self.app.clock())  # type: ignore[attr-defined]
            feeds.query_one("#feeds-table").focus()
        elif self.focused is None or self.focused.id == "feeds-table":
            self.query_one("#deals").focus()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "narrow")
        self.query_one(QuotesTable).set_compact(event.size.width < COMPACT_WIDTH)
        self.set_class(event.size.height < SHORT_HEIGHT, "short")
        if self.has_class("narrow") and isinstance(self.focused, ProviderList):
            self.query_one(QuotesTable).focus()
