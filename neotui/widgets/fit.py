"""Columns that fit their pane: which columns a table shows at a given width.

A table knows, for each column, the width its header and cells need. When they do not all fit,
text columns that may be clipped (a status message, a name) narrow first, down to a floor; then
the least important columns are dropped, in the table's order, until the rest fit. A kept column
is always as wide as its header and its numbers: nothing is cut mid-way, and the vertical
scrollbar's width is set aside when the rows will need one, so it never covers the last column.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets import DataTable

from neotui.widgets.cells import same

#: What DataTable adds around each column (one cell of padding on either side).
PADDING = 2


def fit_keys(
    keys: Sequence[str],
    widths: Mapping[str, int],
    available: int,
    drop: Sequence[str] = (),
    narrow: Mapping[str, int] | None = None,
    padding: int = PADDING,
    drop_first: Sequence[str] = (),
    whole: Collection[str] = (),
) -> tuple[list[str], dict[str, int]]:
    """The columns to show, in their order, and the narrowed widths of clippable ones.

    Args:
        keys: every column, in display order.
        widths: the width each column's header and cells need.
        available: the cells the table may use.
        drop: the columns that may go, least important first.
        narrow: clippable columns and the width they may narrow to.
        padding: cells added around every column.
        drop_first: columns that go even before the clippable ones narrow.
        whole: narrowable columns that narrow all at once to their floor (figures that lose
            their dates: a width in between would be left blank).
    """
    shown = list(keys)
    limits: dict[str, int] = {}

    def total() -> int:
        return sum(limits.get(k, widths[k]) + padding for k in shown)

    for key in drop_first:
        if total() > available and key in shown:
            shown.remove(key)
    for key, floor in (narrow or {}).items():
        over = total() - available
        if over > 0 and key in shown and widths[key] > floor:
            limits[key] = floor if key in whole else max(floor, widths[key] - over)
    for key in drop:
        if total() <= available:
            break
        if key in shown:
            shown.remove(key)
    # Something dropped: give narrowed columns back what is free, the last narrowed first.
    for key in reversed(list(limits)):
        free = available - total()
        grown = limits[key] + max(0, free)
        if key in whole and grown < widths[key]:
            grown = limits[key]
        limits[key] = min(widths[key], grown)
        if limits[key] >= widths[key] or key not in shown:
            del limits[key]
    return shown, limits


def available_width(table: DataTable, rows: int) -> int:
    """The cells ``table`` can give its columns: its content width, less the vertical
    scrollbar when ``rows`` (plus the header) will not fit its height. 0 before layout."""
    region = table.content_region
    width = region.width
    if width <= 0:
        return 0
    max_height = table.styles.max_height
    height = region.height
    if max_height is not None and table.parent is not None and table.styles.height.is_auto:
        # Auto height: the table grows up to its max-height, so compare with that.
        height = max(height, int(max_height.resolve(table.size, table.parent.size)) - 2)
    if rows + 1 > height:
        width -= table.styles.scrollbar_size_vertical
    return width


#: A cell, or a cell and its short form (a figure without its date), shown when the column
#: must narrow.
Cell = Text | tuple[Text, Text]


def forms(cell: Cell) -> tuple[Text, Text]:
    """A cell's full and short forms (the same Text when it has no short form)."""
    return cell if isinstance(cell, tuple) else (cell, cell)


def fit_cells(
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Cell]],
    available: int,
    drop: Sequence[str] = (),
    narrow: Mapping[str, int | None] | None = None,
    drop_first: Sequence[str] = (),
) -> tuple[list[str], list[list[Text]]]:
    """The columns shown at ``available`` cells (0: not laid out yet, every column) and each
    row's cells in them: narrowed columns show their cells' short forms, clipped to the width
    left when ``narrow`` gives a number (None: down to the short forms, never clipped).

    Args:
        columns: every column's key and header, in display order.
        rows: every row's cells, one per column.
        available: the cells the table may use.
        drop: the columns that may go, least important first.
        narrow: the columns that may narrow, first narrowed first, each with its floor.
        drop_first: columns that go even before the narrowable ones narrow.
    """
    keys = [k for k, _ in columns]
    full = {k: len(label) for k, label in columns}
    short = dict(full)
    for cells in rows:
        for k, cell in zip(keys, cells, strict=True):
            long_, brief = forms(cell)
            full[k] = max(full[k], long_.cell_len)
            short[k] = max(short[k], brief.cell_len)
    shown, limits = keys, {}
    if available > 0:
        floors = {k: short[k] if f is None else f for k, f in (narrow or {}).items() if k in full}
        whole = [k for k in floors if short[k] < full[k]]  # the columns with short forms
        shown, limits = fit_keys(keys, full, available, drop, floors, drop_first=drop_first,
                                 whole=whole)  # fmt: skip
    grid = []
    for cells in rows:
        by_key = dict(zip(keys, cells, strict=True))
        line = []
        for k in shown:
            long_, brief = forms(by_key[k])
            line.append(_clip(brief, limits[k]) if k in limits else long_)
        grid.append(line)
    return shown, grid


class FittedTable(DataTable[Text]):
    """A DataTable given all its columns and rows at once (:meth:`set_data`), which shows the
    ones that fit its width and fits them again when it is resized. Rows whose fitted columns
    and widths did not change are updated in place (the cursor and scroll stay put)."""

    def __init__(
        self,
        *,
        drop: Sequence[str] = (),
        narrow: Mapping[str, int | None] | None = None,
        drop_first: Sequence[str] = (),
        **kw,
    ) -> None:
        """
        Args:
            drop: columns that may go, least important first.
            narrow: columns that may narrow (text clipped, figures to their short form), first
                narrowed first, and their narrowest width (None: their short forms' width).
            drop_first: columns that go even before the narrowable ones narrow.
        """
        kw.setdefault("cursor_type", "row")
        kw.setdefault("zebra_stripes", True)
        super().__init__(**kw)
        self._fit_drop = tuple(drop)
        self._fit_narrow = dict(narrow or {})
        self._fit_drop_first = tuple(drop_first)
        self._fit_columns: list[tuple[str, str]] = []
        self._fit_rows: list[list[Cell]] = []
        self._fit_row_keys: list[str] | None = None
        self._fit_state: object = None
        self._fit_grid: list[list[Text]] = []

    @property
    def shown_columns(self) -> tuple[str, ...]:
        """The keys of the columns drawn, in order."""
        return tuple(str(k.value) for k in self.columns)

    def set_data(
        self,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Cell]],
        keys: Sequence[str] | None = None,
    ) -> None:
        """Every column (key, header), every row's cells and, optionally, the rows' keys;
        drawn as far as they fit."""
        self._fit_columns = list(columns)
        self._fit_rows = [list(r) for r in rows]
        self._fit_row_keys = list(keys) if keys is not None else None
        self._fill()

    def _fill(self) -> None:
        width = available_width(self, len(self._fit_rows))
        shown, grid = fit_cells(self._fit_columns, self._fit_rows, width, self._fit_drop,
                                self._fit_narrow, self._fit_drop_first)  # fmt: skip
        labels = dict(self._fit_columns)
        widths = tuple(max([len(labels[k]), *(line[i].cell_len for line in grid)])
                       for i, k in enumerate(shown))  # fmt: skip
        row_keys = tuple(self._fit_row_keys) if self._fit_row_keys is not None else len(grid)
        state = (tuple(shown), widths, row_keys, tuple(labels[k] for k in shown))
        if state == self._fit_state:
            for r, (old, new) in enumerate(zip(self._fit_grid, grid, strict=True)):
                for c, (before, after) in enumerate(zip(old, new, strict=True)):
                    if not same(before, after):
                        self.update_cell_at(Coordinate(r, c), after)
            self._fit_grid = grid
            return
        self._fit_state = state
        self._fit_grid = grid
        row = self.cursor_row
        self.clear(columns=True)
        for k in shown:
            self.add_column(labels[k], key=k)
        for i, line in enumerate(grid):
            key = self._fit_row_keys[i] if self._fit_row_keys is not None else None
            self.add_row(*line, key=key)
        if grid:
            self.move_cursor(row=min(row, len(grid) - 1))

    def on_resize(self) -> None:
        self._fill()

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        """Textual decides a ScrollView's scrollbars again only when its own size changes; when
        a fit narrows the columns at the same size, the horizontal scrollbar shown for the wider
        columns (and the line it takes in an auto-height table) would stay: decide again."""
        if new.width < old.width and self.show_horizontal_scrollbar:
            self._refresh_scrollbars()
            if not self.show_horizontal_scrollbar:
                self.refresh(layout=True)


def _clip(cell: Text, width: int) -> Text:
    if cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut
