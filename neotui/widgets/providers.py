"""The providers pane: "All" and every provider of the deals book, with live price and change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from neotui import formatting as fmt
from neotui.data.deals import DealBook
from neotui.data.market.feed import SymbolState
from neotui.widgets.cells import clip, direction_style, plain, right, same
from neotui.widgets.tables import NeoTable

ALL = "__all__"


@dataclass(frozen=True)
class _Row:
    key: str
    name: str
    ticker: str | None


class ProviderList(NeoTable, keys="providers"):
    """Providers, public ones with their ticker, last price and change; private ones marked.
    Its four columns always fit the pane (no fitting rules: rows and cells set directly): a name
    too long for the pane is shortened with an ellipsis, a number never is."""

    class Selected(Message):
        """The highlighted provider changed (``provider`` is None for "All")."""

        def __init__(self, provider_list: ProviderList, provider: str | None) -> None:
            super().__init__()
            self.provider_list = provider_list
            self.provider = provider

        @property
        def control(self) -> ProviderList:
            return self.provider_list

    def __init__(self, **kw: Any) -> None:
        super().__init__(cursor_type="row", show_header=True, zebra_stripes=False, **kw)
        self._providers: list[_Row] = []
        self._states: dict[str, SymbolState] = {}
        self._name_width: int | None = None  # the names' budget in cells (None: not laid out)

    def on_mount(self) -> None:
        self.add_column("Provider", key="name")
        self.add_column("Tick", key="ticker")
        self.add_column("Last", key="last")
        self.add_column("Chg%", key="pct")

    @property
    def selected(self) -> str | None:
        """The highlighted provider id, None for "All"."""
        if not self._providers or self.cursor_row >= len(self._providers):
            return None
        key = self._providers[self.cursor_row].key
        return None if key == ALL else key

    def set_book(self, book: DealBook) -> None:
        """Show the book's providers: neoclouds first, by name; the selection is kept."""
        keep = self.selected
        providers = sorted(book.providers.values(), key=lambda p: (p.role != "neocloud", p.name))
        rows = [_Row(ALL, "All providers", None)]
        rows += [_Row(p.id, p.name, p.ticker) for p in providers]
        if rows == self._providers:
            return
        self._providers = rows
        self.clear()
        for row in rows:
            self.add_row(*self._cells(row), key=row.key)
        index = next((i for i, r in enumerate(rows) if r.key == keep), 0)
        self.move_cursor(row=index)
        self._fit_names()

    def apply(self, states: dict[str, SymbolState]) -> None:
        """Update the price cells of public providers in place."""
        self._states = states
        for row in self._providers:
            if row.ticker and row.ticker in states:
                cells = self._cells(row)
                shown = self.get_row(row.key)
                for index, key in ((2, "last"), (3, "pct")):
                    if not same(shown[index], cells[index]):  # repaint only what changed
                        self.update_cell(row.key, key, cells[index], update_width=True)
        self._fit_names()

    def on_resize(self) -> None:
        self._fit_names()

    def _fit_names(self) -> None:
        """Give the names what the ticker and the figures leave of the pane's width (a
        28-character name pushed "28.92" out to "28")."""
        width = self.scrollable_content_region.width
        if not width or "name" not in self.columns:
            return
        others = sum(c.get_render_width(self) for k, c in self.columns.items() if k != "name")
        budget = max(4, width - others - 2 * self.cell_padding)
        if budget == self._name_width:
            return
        self._name_width = budget
        widest = len("Provider")
        for row in self._providers:
            name = self._cells(row)[0]
            widest = max(widest, name.cell_len)
            if not same(self.get_row(row.key)[0], name):
                self.update_cell(row.key, "name", name)
        # As the table base does for a narrowed column: the width is known, set it once.
        self.columns[ColumnKey("name")].content_width = widest
        self._require_update_dimensions = True
        self.refresh()

    def _cells(self, row: _Row) -> list[Text]:
        budget = self._name_width or len(row.name)
        if row.key == ALL:
            return [clip(plain(row.name, "bold"), budget), plain(""), plain(""), plain("")]
        name = clip(plain(row.name), budget)
        if row.ticker is None:
            return [name, plain("private", "dim italic"), plain(""), plain("")]
        state = self._states.get(row.ticker)
        quote = state.quote if state else None
        if quote is None:
            return [name, plain(row.ticker, "bold"), right("—", "dim"), right("")]
        colour = direction_style(quote.change)
        return [
            name,
            plain(row.ticker, "bold"),
            right(fmt.price(quote.price), "italic" if quote.delayed else ""),  # as in quotes
            right(fmt.percent(quote.change_pct), colour),
        ]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Selected(self, self.selected))
