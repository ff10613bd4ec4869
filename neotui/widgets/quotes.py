"""The quotes pane: one row per watched symbol, updated cell by cell as prices arrive."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets.data_table import ColumnKey

from neotui import formatting as fmt
from neotui.data.market.feed import FeedUpdate, SymbolState, SymbolStatus
from neotui.data.market.quote import Session
from neotui.widgets.cells import direction_style, plain, right, sparkline
from neotui.widgets.earnings_cells import EarningsCells, short_cell
from neotui.widgets.tables import NeoTable

if TYPE_CHECKING:
    from neotui.data.sec.insider_trades import CompanyInsiders

#: Columns: key, label, minimum width. Columns grow with their content.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("symbol", "Sym", 4),
    ("last", "Last", 6),
    ("chg", "Chg", 5),
    ("pct", "Chg%", 6),
    ("range", "Day range", 9),
    ("volume", "Volume", 6),
    ("cap", "Mkt cap", 7),
    ("ext", "Pre/Post", 8),
    ("earn", "Next earnings", 8),
    ("short", "Short %", 7),
    ("spark", "1d", 12),
    ("status", "Status", 6),
)

#: The sort orders `s` cycles through: (label, key function over a state, reverse).
SORTS: tuple[tuple[str, Callable[[SymbolState], float | str], bool], ...] = (
    ("watchlist", lambda s: 0, False),
    (
        "change %",
        lambda s: (
            s.quote.change_pct if s.quote and s.quote.change_pct is not None else float("-inf")
        ),
        True,
    ),
    ("volume", lambda s: s.quote.volume if s.quote and s.quote.volume else -1.0, True),
    (
        "market cap",
        lambda s: s.market_cap or -1.0,
        True,
    ),
    ("symbol", lambda s: s.symbol, False),
)

ALL_KEYS: tuple[str, ...] = tuple(key for key, _, _ in COLUMNS)
FLASH_SECONDS = 1.0
COMPACT_KEYS: tuple[str, ...] = ("symbol", "last", "pct", "earn", "spark", "status")
#: When the columns do not fit: short interest (when added), extended-hours prices, volume and
#: next earnings go first (a stale row's reason is worth more than the date), then the status
#: message is clipped (down to this width; the detail screen and `neotui quotes` give it whole),
#: then these columns go, in this order.
STATUS_FLOOR = 14
DROP_FIRST: tuple[str, ...] = ("short", "ext", "volume", "earn")
DROP: tuple[str, ...] = ("range", "cap", "chg", "spark", "insiders")
#: Row keys of group headings start with this (never a symbol's first character).
HEADING = "#"
#: The longest group name a heading row shows (it sets the symbol column's width).
HEADING_WIDTH = 16


def _short(text: str, width: int = 40) -> str:
    """Keep the status column narrow: the full reason is in the detail screen and the CLI."""
    return text if len(text) <= width else text[: width - 1] + "…"


class QuotesTable(NeoTable, keys="quotes"):
    """Watched symbols with last, change, range, volume, market cap, extended hours, sparkline:
    rows redrawn as prices arrive (:meth:`apply`), in place and only in view."""

    def __init__(
        self,
        symbols: tuple[str, ...],
        clock: Callable[[], datetime],
        *,
        short_column: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(drop=DROP, narrow={"status": STATUS_FLOOR}, drop_first=DROP_FIRST, **kw)
        self.symbols = symbols
        self._clock = clock
        self._states: dict[str, SymbolState] = {}
        self._session = Session.CLOSED
        self._offline = False
        self._sort = 0
        self._flash_until: dict[str, float] = {}
        self.highlighted_symbol: str | None = None
        self._preloaded: FeedUpdate | None = None
        self.compact = False
        #: The optional insider column (``insiders.column``): the last round and its day.
        self._insiders: tuple[Mapping[str, CompanyInsiders], date] | None = None
        #: Group headings (all groups shown): the rows in order, heading keys among them, and
        #: each heading's name and note. Empty: one group, the rows are the symbols.
        self._rows_order: tuple[str, ...] = ()
        self._headings: dict[str, tuple[str, str]] = {}
        #: The full set of columns: every one but short interest unless the settings add it.
        self.full_keys = ALL_KEYS if short_column else tuple(k for k in ALL_KEYS if k != "short")
        self._earnings = EarningsCells()

    def preload(self, update: FeedUpdate) -> None:
        """The cached quotes, known before the table mounts: its rows are built with them at
        mount, once, and the app's :meth:`apply` of the same update has nothing left to do
        (500 symbols: no placeholder rows built and then rebuilt before the first frame)."""
        self._session = update.session
        self._offline = update.offline
        self._states.update(
            (s, state) for s in self.symbols if (state := update.states.get(s)) is not None
        )
        self._preloaded = update

    def on_mount(self) -> None:
        self._build()

    def _build(self) -> None:
        """Every row again (in place when the columns still fit)."""
        keys = COMPACT_KEYS if self.compact else self.full_keys
        columns = [(key, label.ljust(width)) for key, label, width in COLUMNS if key in keys]
        if self._insiders is not None and not self.compact:
            columns.append(("insiders", "Insiders 30d/90d"))
        rows = self._rows_order or self.symbols
        self.set_data(columns, [self.row_cells(s) for s in rows], rows)
        if self._sort:
            self._apply_sort()

    def row_cells(self, key: str) -> list[Text]:
        if key in self._headings:
            cells = self._heading_cells(key)
        else:
            cells = self._cells(self._states.get(key, SymbolState(key)))
        keys = COMPACT_KEYS if self.compact else self.full_keys
        cells = [cell for k, cell in zip(ALL_KEYS, cells, strict=True) if k in keys]
        if not self.compact and self._insiders is not None:
            from neotui.widgets.insiders import flow_cell

            companies, today = self._insiders
            heading = key in self._headings
            cells.append(right("") if heading else flow_cell(companies.get(key), today))
        return cells

    def show_insiders(self, companies: Mapping[str, CompanyInsiders], today: date) -> None:
        """Net open-market insider buying/selling over 30 and 90 days, as the last column
        (added at the first round; ``insiders.column`` turns it on)."""
        first = self._insiders is None
        self._insiders = (dict(companies), today)
        if not self.is_mounted:
            return
        if first:
            self._build()
            return
        with self._one_refresh():
            for symbol in self.symbols:
                self.redraw_soon(symbol)

    def set_compact(self, compact: bool) -> None:
        """On narrow terminals show only symbol, last, change %, next earnings, sparkline and
        status."""
        if compact != self.compact:
            self.compact = compact
            if self.is_mounted:
                self._build()

    @property
    def sort_label(self) -> str:
        """How the rows are ordered now."""
        return SORTS[self._sort][0]

    def apply(self, update: FeedUpdate, changed: frozenset[str]) -> None:
        """Take a feed snapshot; only the rows that changed (or age) are redrawn, in place."""
        if update is self._preloaded:
            self._preloaded = None
            return  # drawn at mount
        now = self._clock()
        self._session = update.session
        self._offline = update.offline
        if not self._states:
            # The first snapshot (the cached quotes at launch): every row is a placeholder, so
            # the rows are built again with their cells rather than updated cell by cell
            # (500 symbols: ~4,500 update_cell calls, each with its own refresh, before the
            # first frame).
            self._states.update(
                (s, state) for s in self.symbols if (state := update.states.get(s)) is not None
            )
            if self._states:
                self._build()
                return
        flashed = False
        with self._one_refresh():
            for symbol in self.symbols:
                state = update.states.get(symbol)
                if state is None:
                    continue
                old = self._states.get(symbol)
                self._states[symbol] = state
                price_moved = (
                    old is not None
                    and old.quote is not None
                    and state.quote is not None
                    and old.quote.price != state.quote.price
                )
                if price_moved:
                    self._flash_until[symbol] = now.timestamp() + FLASH_SECONDS
                    flashed = True
                if symbol in changed or state.status is not SymbolStatus.FRESH or price_moved:
                    self.redraw_soon(symbol)
        if flashed:
            # One timer ends every flash of this update (a timer per row was 500 timers).
            self.set_timer(FLASH_SECONDS + 0.05, self._end_flashes)
        if changed and self._sort:
            self._apply_sort()

    def _end_flashes(self) -> None:
        """Redraw the rows whose flash is over."""
        now = self._clock().timestamp()
        over = [s for s, until in self._flash_until.items() if until <= now]
        with self._one_refresh():
            for symbol in over:
                del self._flash_until[symbol]
                self.redraw_soon(symbol)

    def refresh_ages(self) -> None:
        """Redraw the rows whose status shows an age (stale rows), e.g. once a minute."""
        with self._one_refresh():
            for symbol, state in self._states.items():
                if state.status is not SymbolStatus.FRESH:
                    self.redraw_soon(symbol)

    def _cells(self, state: SymbolState) -> list[Text]:
        q = state.quote
        stale = state.status in (SymbolStatus.STALE, SymbolStatus.NOT_FOUND)
        dim = " dim" if stale else ""
        highlight = " reverse" if state.symbol == self.highlighted_symbol else ""
        symbol_cell = plain(state.symbol, "bold" + highlight)
        if q is None:
            blank = [right("—", "dim") for _ in COLUMNS[1:-1]]
            return [symbol_cell, *blank, self._status_cell(state)]
        colour = direction_style(q.change)
        flashing = self._flash_until.get(state.symbol, 0) > self._clock().timestamp()
        last_style = ("bold reverse " + colour if flashing else "bold " + colour) + dim
        last_style += " italic" if q.delayed else ""  # a delayed price never looks live
        day_range = (
            f"{fmt.price(q.day_low)}–{fmt.price(q.day_high)}"
            if q.day_low is not None and q.day_high is not None
            else "—"
        )
        cap = state.market_cap
        currency = "" if q.currency in (None, "USD") else f" {q.currency}"
        return [
            symbol_cell,
            right(fmt.price(q.price) + currency, last_style),
            right(fmt.change(q.change), colour + dim),
            right(fmt.percent(q.change_pct), colour + dim),
            right(day_range, "dim" if stale else ""),
            right(fmt.count(q.volume), "dim" if stale else ""),
            right(fmt.money(cap), "dim" if stale else ""),
            self._extended_cell(state),
            self._earnings.cell(state, self._clock(), stale),
            short_cell(state),
            Text(sparkline(q.series), style=(colour or "") + dim),
            self._status_cell(state),
        ]

    def _extended_cell(self, state: SymbolState) -> Text:
        q = state.quote
        if q is None or q.extended_price is None or self._session is Session.REGULAR:
            return right("")
        pct = q.extended_change_pct
        tag = "pre" if q.extended_session is Session.PRE else "post"
        return right(
            f"{tag} {fmt.price(q.extended_price)} {fmt.percent(pct)}", direction_style(pct)
        )

    def _status_cell(self, state: SymbolState) -> Text:
        now = self._clock()
        if state.status is SymbolStatus.FRESH and state.quote and state.quote.delayed:
            q = state.quote
            return plain(_short(f"delayed {q.delayed_minutes}m · {q.source}"), "magenta")
        if state.status is SymbolStatus.FRESH:
            return plain("live" if self._session is not Session.CLOSED else "closed", "dim")
        if state.status is SymbolStatus.NOT_FOUND:
            return plain(_short(f"not found: {state.reason}"), "bold red")
        if state.status is SymbolStatus.PENDING:
            return plain("offline" if self._offline else (state.reason or "loading…"), "dim")
        age = state.age(now)
        when = f"{fmt.age(age)} old" if age is not None else "no data"
        reason = state.reason or "stale"
        return plain(_short(f"{when} · {reason}"), "yellow")

    def cycle_sort(self) -> str:
        """Move to the next sort order; returns its label."""
        self._sort = (self._sort + 1) % len(SORTS)
        self._apply_sort()
        return self.sort_label

    def _apply_sort(self) -> None:
        label, key, reverse = SORTS[self._sort]
        order = {s: i for i, s in enumerate(self.symbols)}

        def row_key(symbol: object) -> tuple[float | str, int]:
            state = self._states.get(str(symbol), SymbolState(str(symbol)))
            return (key(state), order.get(str(symbol), 0))

        rows: list[str] = []
        for heading, members in self._sections():  # rows sort within their group
            rows += [self._heading_text(heading).plain] if heading else []
            rows += (
                sorted(members, key=row_key, reverse=reverse) if label != "watchlist" else members
            )
        rank = {s: i for i, s in enumerate(rows)}
        self.sort("symbol", key=lambda cell: rank.get(cell.plain, 0))

    def set_highlight(self, symbol: str | None) -> None:
        """Mark the row of the selected provider's ticker (None clears it)."""
        previous, self.highlighted_symbol = self.highlighted_symbol, symbol
        for s in {previous, symbol} - {None}:
            if s is not None and (s in self._states or s in self.symbols):
                self.draw_row(s)

    # --- group headings (all groups at once) -----------------------------------------------------

    def set_groups(
        self,
        sections: list[tuple[tuple[str, str] | None, tuple[str, ...]]],
        states: Mapping[str, SymbolState] | None = None,
    ) -> None:
        """Show these rows: each section's heading (name, note; None for no heading row) and
        its symbols. A symbol is shown once, in the first section that has it. ``states``:
        the feed's latest (every group's symbols are fetched), so a switch draws prices at
        once, with no network."""
        order: list[str] = []
        symbols: dict[str, None] = {}
        headings: dict[str, tuple[str, str]] = {}
        for index, (heading, members) in enumerate(sections):
            if heading is not None:
                headings[f"{HEADING}{index}"] = heading
                order.append(f"{HEADING}{index}")
            fresh = [s for s in members if s not in symbols]
            symbols.update(dict.fromkeys(fresh))
            order += fresh
        self.symbols = tuple(symbols)
        self._states.update((s, st) for s in symbols if (st := (states or {}).get(s)) is not None)
        self._headings = headings
        self._rows_order = tuple(order) if headings else ()
        if self.is_mounted:
            self._build()
            self._settle_widths()

    def _settle_widths(self) -> None:
        """Give DataTable the rebuilt columns' widths now, from what the table measured while
        building the rows, instead of at its next idle: a frame drawn in between (the
        screen's refresh can come first) caches the rows at the old widths, and DataTable
        keeps those lines (a heading clipped to "GPU", rows out of line). DataTable's own
        pass would measure every cell again (200 symbols: 2,000 cells, most of a switch)."""
        for key, width in self._widths.items():
            self.columns[ColumnKey(key)].content_width = width
        self._new_rows.clear()
        self._require_update_dimensions = False
        self._update_dimensions(())  # the virtual size only: no row measured again
        self._update_count += 1  # the line caches are keyed by it
        self.refresh()

    def draw_row(self, key: str) -> None:
        """Only rows of the group shown: the others' states are kept (a switch back draws them
        at once), but they have no row to draw into (a flash ending, an age, a highlight)."""
        if key in self._rows:
            super().draw_row(key)

    def _sections(self) -> list[tuple[str | None, list[str]]]:
        """The rows as (heading key or None, its symbols), in order."""
        if not self._rows_order:
            return [(None, list(self.symbols))]
        sections: list[tuple[str | None, list[str]]] = []
        for key in self._rows_order:
            if key in self._headings:
                sections.append((key, []))
            elif sections:
                sections[-1][1].append(key)
            else:
                sections.append((None, [key]))
        return sections

    def _heading_text(self, key: str) -> Text:
        name = self._headings[key][0]
        if len(name) > HEADING_WIDTH:
            name = name[: HEADING_WIDTH - 1] + "…"
        return Text(name, style="bold underline", no_wrap=True)

    def _heading_cells(self, key: str) -> list[Text]:
        """A heading row: the group's name in the symbol column, its note in the status one."""
        blank = [right("") for _ in COLUMNS[1:-1]]
        return [self._heading_text(key), *blank, plain(self._headings[key][1], "dim")]
