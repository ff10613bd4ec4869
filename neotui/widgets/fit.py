"""Columns that fit their pane: which columns a table shows at a given width.

A table knows, for each column, the width its header and cells need. When they do not all fit,
text columns that may be clipped (a status message, a name) narrow first, down to a floor; then
the least important columns are dropped, in the table's order, until the rest fit. A kept column
is always as wide as its header and its numbers: nothing is cut mid-way, and the vertical
scrollbar's width is set aside when the rows will need one, so it never covers the last column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable

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
            limits[key] = max(floor, widths[key] - over)
    for key in drop:
        if total() <= available:
            break
        if key in shown:
            shown.remove(key)
    if total() < available:  # something dropped: give clipped columns back what is free
        for key in list(limits):
            free = available - total()
            limits[key] = min(widths[key], limits[key] + free)
            if limits[key] >= widths[key]:
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


class FittedTable(DataTable[Text]):
    """A DataTable given all its columns and rows at once (:meth:`set_data`), which shows the
    ones that fit its width and fits them again when it is resized."""

    def __init__(
        self,
        *,
        drop: Sequence[str] = (),
        narrow: Mapping[str, int] | None = None,
        drop_first: Sequence[str] = (),
        **kw,
    ) -> None:
        """
        Args:
            drop: columns that may go, least important first.
            narrow: text columns that may be clipped, and their narrowest width.
            drop_first: columns that go even before the clippable ones narrow.
        """
        kw.setdefault("cursor_type", "row")
        kw.setdefault("zebra_stripes", True)
        super().__init__(**kw)
        self._fit_drop = tuple(drop)
        self._fit_narrow = dict(narrow or {})
        self._fit_drop_first = tuple(drop_first)
        self._fit_labels: dict[str, str] = {}
        self._fit_rows: list[list[Text]] = []
        self._fit_state: object = None

    def set_data(self, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Text]]) -> None:
        """Every column (key, header) and every row's cells; drawn as far as they fit."""
        self._fit_labels = dict(columns)
        self._fit_rows = [list(r) for r in rows]
        self._fit_state = None
        self._fill()

    def _fill(self) -> None:
        width = available_width(self, len(self._fit_rows))
        keys, limits = list(self._fit_labels), {}
        if width:
            widths = {k: len(label) for k, label in self._fit_labels.items()}
            for cells in self._fit_rows:
                for k, cell in zip(self._fit_labels, cells, strict=True):
                    widths[k] = max(widths[k], cell.cell_len)
            keys, limits = fit_keys(list(self._fit_labels), widths, width, self._fit_drop,
                                    self._fit_narrow, drop_first=self._fit_drop_first)  # fmt: skip
        fitted = (tuple(keys), tuple(sorted(limits.items())))
        if fitted == self._fit_state:
            return
        self._fit_state = fitted
        row = self.cursor_row
        self.clear(columns=True)
        for k in keys:
            self.add_column(self._fit_labels[k], key=k)
        for cells in self._fit_rows:
            by_key = dict(zip(self._fit_labels, cells, strict=True))
            self.add_row(*(_clip(by_key[k], limits[k]) if k in limits else by_key[k]
                           for k in keys))  # fmt: skip
        if self._fit_rows:
            self.move_cursor(row=min(row, len(self._fit_rows) - 1))

    def on_resize(self) -> None:
        self._fill()


def _clip(cell: Text, width: int) -> Text:
    if cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut
