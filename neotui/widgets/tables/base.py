"""neotui's one DataTable: every table pane subclasses :class:`NeoTable`.

It gives each table, so that no table does them its own way:

- **columns that fit** the pane (the rules are in :mod:`.fit`): clippable text narrows first,
  dated figures fall back to their short forms, then the least important columns go; a resize
  fits them again;
- **in-place updates**: while the row keys and the fit stay the same, only the cells that changed
  are updated (``update_cell``), the cursor and the scroll stay put; anything else rebuilds the
  rows, keeping the cursor's row;
- **deferred drawing**: a row out of view (further than a page) is drawn when it scrolls into
  view or is read, not at every update, and many cell changes cost one repaint. With 500
  watched symbols a refresh changes ~4,500 cells; ``update_cell`` repaints at each call, and
  rebuilding rows no one could see was most of a refresh's cost;
- **j/k** (:mod:`.keys`), with the table's own binding ids: ``class T(NeoTable, keys="quotes")``.

A table gives all its rows at once (:meth:`NeoTable.set_data`, small tables), or its rows one at
a time as they change (:meth:`NeoTable.redraw_soon`, with :meth:`NeoTable.row_cells` saying
how a row is drawn: the quotes). Between two :meth:`~NeoTable.set_data` the columns only grow:
measuring every row at every update would cost more than the fit saves.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Self

from rich.text import Text
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowDoesNotExist, RowKey

from neotui.widgets.cells import same
from neotui.widgets.tables.fit import Cell, available_width, fit_widths, shown_form, widen
from neotui.widgets.tables.keys import move_keys

#: The columns shown and the narrowed widths of clipped ones.
Fit = tuple[tuple[str, ...], dict[str, int]]


class NeoTable(DataTable[Text]):
    """A DataTable whose columns fit its width, updated in place, drawn as rows come into view.

    Args:
        drop: columns that may go, least important first.
        narrow: columns that may narrow (text clipped, figures to their short form), first
            narrowed first, and their narrowest width (None: their short forms' width).
        drop_first: columns that go even before the narrowable ones narrow.
    """

    BINDINGS: ClassVar[list[BindingType]] = list(move_keys())

    _folding = False  # inside _one_refresh: repaints are folded into one
    _folded = False
    _window: tuple[int, int] | None = None  # rows near the view, measured once per batch

    def __init_subclass__(cls, keys: str | None = None, **kw: Any) -> None:
        """``keys``: the scope of the table's binding ids (``neotui.<keys>.down``)."""
        if keys is not None:
            cls.BINDINGS = [*move_keys(keys), *cls.__dict__.get("BINDINGS", [])]
        super().__init_subclass__(**kw)

    def __init__(
        self,
        *,
        drop: Sequence[str] = (),
        narrow: Mapping[str, int | None] | None = None,
        drop_first: Sequence[str] = (),
        **kw: Any,
    ) -> None:
        kw.setdefault("cursor_type", "row")
        kw.setdefault("zebra_stripes", True)
        super().__init__(**kw)
        self.fit_drop = tuple(drop)
        self.fit_narrow: dict[str, int | None] = dict(narrow or {})
        self.fit_drop_first = tuple(drop_first)
        #: Every column (key, header) and every row's cells in them, by row key: the model
        #: the drawn cells are fitted from.
        self._columns: list[tuple[str, str]] = []
        self._keys: list[str] = []
        self._rows: dict[str, list[Cell]] = {}
        self._order: tuple[str, ...] = ()
        #: What each column's whole cells and short forms need (grown by each row drawn).
        self._full: dict[str, int] = {}
        self._short: dict[str, int] = {}
        #: The fit drawn: columns shown (with their index in ``_keys``), clipped widths, the
        #: width of each shown column, its header, and the row keys as built.
        self._shown: tuple[str, ...] = ()
        self._shown_at: list[tuple[int, str]] = []
        self._limits: dict[str, int] = {}
        self._widths: dict[str, int] = {}
        self._built: tuple[str, ...] | None = None
        self._refit_due = False
        #: The cells on screen per row and column key: what a redraw compares with
        #: (``DataTable.get_row`` builds that list anew at every call).
        self._drawn: dict[str, dict[str, Text]] = {}
        #: Rows whose cells changed while they were out of view.
        self._pending: set[str] = set()

    @property
    def shown_columns(self) -> tuple[str, ...]:
        """The keys of the columns drawn, in order."""
        return tuple(str(k.value) for k in self.columns)

    # --- the model -------------------------------------------------------------------------------

    def set_data(
        self,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Cell]],
        keys: Sequence[str] | None = None,
    ) -> None:
        """Every column (key, header), every row's cells and, optionally, the rows' keys (else
        their positions); drawn as far as they fit, in place when the rows and the fit are the
        same as drawn."""
        self._columns = list(columns)
        self._keys = [k for k, _ in columns]
        order = tuple(keys) if keys is not None else tuple(str(i) for i in range(len(rows)))
        self._order = order
        self._rows = {key: list(cells) for key, cells in zip(order, rows, strict=True)}
        self._full = {k: len(label) for k, label in self._columns}
        self._short = dict(self._full)
        for cells in self._rows.values():
            widen(self._keys, cells, self._full, self._short)
        shown, limits = self._fit()
        self._set_fit(shown, limits)
        lines = {key: self._line(key) for key in order}
        labels = dict(self._columns)
        widths = self._measure_lines(lines)
        drawn = [(str(c.key.value), c.label.plain) for c in self.ordered_columns]
        if (order, widths, drawn) == (self._built, self._widths, [(k, labels[k]) for k in shown]):
            with self._one_refresh():
                for key in order:
                    self.redraw_soon(key)
            return
        self._widths = widths
        self._rebuild(lines)

    def row_cells(self, key: str) -> Sequence[Cell]:
        """Row ``key``'s cells, one per column (a live table computes them here, when the row
        is drawn)."""
        return self._rows[key]

    def _fit(self) -> Fit:
        width = available_width(self, len(self._order))
        shown, limits = fit_widths(self._keys, self._full, self._short, width, self.fit_drop,
                                   self.fit_narrow, self.fit_drop_first)  # fmt: skip
        return tuple(shown), limits

    def _set_fit(self, shown: tuple[str, ...], limits: dict[str, int]) -> None:
        self._shown, self._limits = shown, limits
        index = {k: i for i, k in enumerate(self._keys)}
        self._shown_at = [(index[k], k) for k in shown]

    def _line(self, key: str) -> list[Text]:
        cells = self._rows[key]
        return [shown_form(cells[i], self._limits.get(k)) for i, k in self._shown_at]

    def _measure_lines(self, lines: dict[str, list[Text]]) -> dict[str, int]:
        """Each shown column's width: its header's and its widest cell's."""
        labels = dict(self._columns)
        return {k: max([len(labels[k]), *(line[i].cell_len for line in lines.values())])
                for i, k in enumerate(self._shown)}  # fmt: skip

    def _rebuild(self, lines: dict[str, list[Text]]) -> None:
        """Columns and rows again (the cursor stays on its row), each column as wide as its
        widest cell at once: DataTable adds a column at its header's width and measures new
        rows only when it is next idle, so a frame drawn before that (a busy app, a screenshot)
        showed every column cut to its header (``CoreWeav``, ``800 M``)."""
        row = self.cursor_row
        labels = dict(self._columns)
        self.clear(columns=True)
        for k in self._shown:
            self.add_column(labels[k], key=k)
            self.columns[ColumnKey(k)].content_width = self._widths[k]
        for key in self._order:
            self.add_row(*lines[key], key=key)
        self._built = self._order
        if self._order:
            self.move_cursor(row=min(row, len(self._order) - 1))

    def _refit(self) -> None:
        """Fit the columns again (a resize, a wider cell): columns that only go are removed,
        narrowed ones redrawn in place; any other change rebuilds."""
        self._refit_due = False
        if not self._columns:
            return
        shown, limits = self._fit()
        if (shown, limits) == (self._shown, self._limits):
            return
        if not set(shown) <= set(self._shown) or self._built != self._order:
            self._set_fit(shown, limits)
            lines = {key: self._line(key) for key in self._order}
            self._widths = self._measure_lines(lines)
            self._rebuild(lines)
            return
        # Only columns to drop (the usual case at the first layout): removing them costs far
        # less than rebuilding 500 rows before the first frame.
        for key in set(self._shown) - set(shown):
            self.remove_column(ColumnKey(key))
            self._widths.pop(key, None)
        changed = [k for k in shown if limits.get(k) != self._limits.get(k)]
        self._set_fit(shown, limits)
        with self._one_refresh():
            for key in changed:
                self._redraw_column(key)

    def _redraw_column(self, column: str) -> None:
        """Every cell of a column whose limit changed, and the column's width to match."""
        index = self._keys.index(column)
        limit = self._limits.get(column)
        width = len(dict(self._columns)[column])
        for key in self._order:
            cell = shown_form(self._rows[key][index], limit)
            width = max(width, cell.cell_len)
            if not same(self._drawn.get(key, {}).get(column), cell):
                self.update_cell(key, column, cell)
        self._widths[column] = width
        # A narrower column: DataTable would measure the whole column again for each of its
        # cells; the width is known, so it is set once.
        self.columns[ColumnKey(column)].content_width = width
        self._require_update_dimensions = True
        self._update_count += 1

    def on_resize(self) -> None:
        self._refit()
        self.call_after_refresh(self._draw_pending)  # a taller pane shows more rows

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        """Textual decides a ScrollView's scrollbars again only when its own size changes; when
        a fit narrows the columns at the same size, the horizontal scrollbar shown for the wider
        columns (and the line it takes in an auto-height table) would stay: decide again."""
        if new.width < old.width and self.show_horizontal_scrollbar:
            self._refresh_scrollbars()
            if not self.show_horizontal_scrollbar:
                self.refresh(layout=True)

    # --- when rows are drawn ---------------------------------------------------------------------

    def redraw_soon(self, key: str) -> None:
        """Redraw row ``key`` now if it is in view (or near it), else when it comes into view."""
        if self._in_view(key):
            self.draw_row(key)
        else:
            self._pending.add(key)

    def draw_row(self, key: str) -> None:
        """Bring row ``key``'s cells up to date, in place: only the cells that changed."""
        self._pending.discard(key)
        cells = list(self.row_cells(key))
        self._rows[key] = cells
        if (
            widen(self._keys, cells, self._full, self._short)
            and not self._refit_due
            and self._fit() != (self._shown, self._limits)
        ):
            self._refit_due = True  # a longer cell no longer fits: columns again, once
            self.call_later(self._refit)
        drawn = self._drawn.get(key, {})
        limits, widths = self._limits, self._widths
        in_place = False
        for i, column in self._shown_at:
            cell = shown_form(cells[i], limits.get(column))
            # Only cells whose text or style changed: an unchanged refresh repaints nothing,
            # which is most of what keeps idle CPU low.
            if not same(drawn.get(column), cell):
                # Measure the column again only when the cell outgrows it: measuring every
                # column on every update was most of a 500-symbol refresh's cost.
                grow = cell.cell_len > widths.get(column, 0)
                if grow:
                    widths[column] = cell.cell_len
                    self.update_cell(key, column, cell, update_width=True)
                else:
                    in_place = self._write_cell(key, column, cell) or in_place
        if in_place:
            self._repaint_row(key)

    def _write_cell(self, key: str, column: str, cell: Text) -> bool:
        """Set a cell that keeps its column's width, without ``update_cell``: DataTable puts
        ``_update_count`` in every render-cache key and ``update_cell`` bumps it, so one changed
        cell made the next frame render every row in view again (most of the CPU of a stream
        of 100 ticks a second, bench/stream.py). :meth:`_repaint_row` then drops only that
        row's cached lines. False (and ``update_cell`` instead) for a cell DataTable lacks."""
        row = self._data.get(RowKey(key))
        if row is None or ColumnKey(column) not in row:
            self.update_cell(key, column, cell)  # raises as DataTable does
            return False
        row[ColumnKey(column)] = cell
        self._drawn.setdefault(key, {})[column] = cell
        return True

    def _repaint_row(self, key: str) -> None:
        """Drop row ``key``'s rendered lines and repaint its region; other rows in view keep
        theirs (the cell and row caches are rebuilt only for the rows that miss the line
        cache)."""
        region = self._get_row_region(self.get_row_index(key))
        lines = range(region.y, region.bottom)
        for cached in [k for k in self._line_cache.keys() if k[0] in lines]:  # noqa: SIM118 (an LRUCache)
            self._line_cache.discard(cached)
        self._row_render_cache.clear()
        self._cell_render_cache.clear()
        self._row_renderable_cache.clear()
        self.refresh(region)

    def _in_view(self, key: str) -> bool:
        """Whether row ``key`` is on screen or within a page of it (a page up or down shows
        drawn rows at once). Before the first layout every row counts as in view."""
        window = self._window if self._folding and self._window else self._rows_near_view()
        if self._folding:
            self._window = window  # one measure per batch of updates
        if window is None:
            return True
        try:
            index = self.get_row_index(key)
        except RowDoesNotExist:  # a row not added yet: drawn when it is
            return True
        return window[0] <= index < window[1]

    def _rows_near_view(self) -> tuple[int, int] | None:
        """The rows on screen and a page either side (None before the first layout)."""
        view = self.scrollable_content_region.height - (self.header_height if self.show_header
                                                         else 0)  # fmt: skip
        if view <= 0:
            return None
        top = int(self.scroll_y)
        return top - view, top + 2 * view

    def _draw_pending(self) -> None:
        """Draw the pending rows that are now in view."""
        if not self._pending:
            return
        with self._one_refresh():
            for key in [k for k in self._pending if self._in_view(k)]:
                self.draw_row(key)

    def _draw_if_pending(self, key: str) -> None:
        if key in self._pending:
            self.draw_row(key)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._draw_pending()

    def sort(self, *columns: Any, key: Any = None, reverse: bool = False) -> Self:
        super().sort(*columns, key=key, reverse=reverse)
        self._draw_pending()  # other rows are in view now
        return self

    # --- reading a row draws it first: nobody sees a stale cell (get_row_at reads get_row) -----

    def get_row(self, row_key: RowKey | str) -> list[Text]:
        self._draw_if_pending(str(getattr(row_key, "value", row_key)))
        return super().get_row(row_key)

    def get_cell(self, row_key: RowKey | str, column_key: ColumnKey | str) -> Text:
        self._draw_if_pending(str(getattr(row_key, "value", row_key)))
        return super().get_cell(row_key, column_key)

    # --- the cells on screen, kept as they are set -----------------------------------------------

    def add_row(self, *cells: Text, height: int | None = 1, key: str | None = None,
                label: Any = None) -> RowKey:  # fmt: skip
        row_key = super().add_row(*cells, height=height, key=key, label=label)
        if key is not None:
            columns = [str(c.key.value) for c in self.ordered_columns]
            self._drawn[key] = dict(zip(columns, cells, strict=True))
            self._pending.discard(key)
        return row_key

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: Text, *,
                    update_width: bool = False) -> None:  # fmt: skip
        super().update_cell(row_key, column_key, value, update_width=update_width)
        row, column = getattr(row_key, "value", row_key), getattr(column_key, "value", column_key)
        self._drawn.setdefault(str(row), {})[str(column)] = value

    def clear(self, columns: bool = False) -> Self:
        self._drawn.clear()
        self._pending.clear()
        self._built = None
        super().clear(columns=columns)
        return self

    def drawn(self, key: str) -> dict[str, Text]:
        """The cells on screen in row ``key``, by column key."""
        return self._drawn.get(key, {})

    # --- one repaint for many changes -------------------------------------------------------------

    @contextmanager
    def _one_refresh(self) -> Iterator[None]:
        """Many cell updates, one repaint: the repaints asked for inside this block (one per
        ``update_cell``) are folded into one at its end."""
        if self._folding:
            yield
            return
        self._folding, self._folded, self._window = True, False, None
        try:
            yield
        finally:
            self._folding, self._window = False, None
            if self._folded:
                self.refresh()

    def refresh(self, *regions: Region, **kwargs: Any) -> Self:
        if self._folding and not kwargs.get("layout") and not kwargs.get("recompose"):
            self._folded = True
            return self
        return super().refresh(*regions, **kwargs)
