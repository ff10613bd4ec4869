"""A DataTable for rows that change all the time: many cell updates cost one repaint, and rows
out of view are brought up to date when they scroll into view rather than at every update.

With 500 watched symbols a refresh changes ~4,500 cells. ``DataTable.update_cell`` repaints
the whole table at each call, and every off-screen row was rebuilt though no one could see it:
that was most of a refresh's cost. Subclasses say how one row is drawn (:meth:`_redraw`);
this class decides when.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from rich.text import Text
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowDoesNotExist, RowKey


class LiveTable(DataTable[Text]):
    """Rows keyed by a string; :meth:`_redraw` draws one from the subclass's own state."""

    _folding = False  # inside _one_refresh: repaints are folded into one
    _folded = False
    _window: tuple[int, int] | None = None  # rows near the view, measured once per batch

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        #: The cells on screen per row and column key: what a redraw compares with
        #: (``DataTable.get_row`` builds that list anew at every call).
        self._drawn: dict[str, dict[str, Text]] = {}
        #: Rows whose state changed while they were out of view.
        self._pending: set[str] = set()

    def _redraw(self, key: str) -> None:
        """Bring row ``key``'s cells up to date (the subclass's drawing)."""
        raise NotImplementedError

    # --- when rows are drawn ----------------------------------------------------------------------

    def redraw_soon(self, key: str) -> None:
        """Redraw row ``key`` now if it is in view (or near it), else when it comes into view."""
        if self._in_view(key):
            self._pending.discard(key)
            self._redraw(key)
        else:
            self._pending.add(key)

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
                self._pending.discard(key)
                self._redraw(key)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._draw_pending()

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw_pending)  # a taller pane shows more rows

    def sort(self, *columns: Any, key: Any = None, reverse: bool = False) -> Self:
        super().sort(*columns, key=key, reverse=reverse)
        self._draw_pending()  # other rows are in view now
        return self

    def get_row(self, row_key: RowKey | str) -> list[Text]:
        """The row's cells, brought up to date first if it was waiting to come into view."""
        key = str(getattr(row_key, "value", row_key))
        if key in self._pending:
            self._pending.discard(key)
            self._redraw(key)
        return super().get_row(row_key)

    # --- the cells on screen, kept as they are set -----------------------------------------------

    def add_row(self, *cells: Any, height: int | None = 1, key: str | None = None,
                label: Any = None) -> RowKey:  # fmt: skip
        row_key = super().add_row(*cells, height=height, key=key, label=label)
        if key is not None:
            columns = [str(c.key.value) for c in self.ordered_columns]
            self._drawn[key] = dict(zip(columns, cells, strict=True))
            self._pending.discard(key)
        return row_key

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: Any, *,
                    update_width: bool = False) -> None:  # fmt: skip
        super().update_cell(row_key, column_key, value, update_width=update_width)
        row, column = getattr(row_key, "value", row_key), getattr(column_key, "value", column_key)
        self._drawn.setdefault(str(row), {})[str(column)] = value

    def clear(self, columns: bool = False) -> Self:
        self._drawn.clear()
        self._pending.clear()
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
