"""Columns that fit their pane: which columns a table shows at a given width (the rules every
table follows; :class:`~neotui.widgets.tables.base.NeoTable` and the timeline apply them).

A table knows, for each column, the width its header and cells need. When they do not all fit,
text columns that may be clipped (a status message, a name) narrow first, down to a floor; then
the least important columns are dropped, in the table's order, until the rest fit. A kept column
is always as wide as its header and its numbers: nothing is cut mid-way, and the vertical
scrollbar's width is set aside when the rows will need one, so it never covers the last column.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from rich.text import Text
from textual.widget import Widget

from neotui.widgets.cells import clip

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


def available_width(table: Widget, rows: int) -> int:
    """The cells ``table`` can give its columns: its content width, less the vertical
    scrollbar when ``rows`` (plus the header) will not fit its height. 0 before layout."""
    region = table.content_region
    width = region.width
    if width <= 0:
        return 0
    max_height = table.styles.max_height
    height = region.height
    parent = table.parent
    auto = table.styles.height is not None and table.styles.height.is_auto
    if max_height is not None and isinstance(parent, Widget) and auto:
        # Auto height: the table grows up to its max-height, so compare with that.
        height = max(height, int(max_height.resolve(table.size, parent.size)) - 2)
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
        widen(keys, cells, full, short)
    shown, limits = fit_widths(keys, full, short, available, drop, narrow, drop_first)
    grid = []
    for cells in rows:
        by_key = dict(zip(keys, cells, strict=True))
        grid.append([shown_form(by_key[k], limits.get(k)) for k in shown])
    return shown, grid


def widen(
    keys: Sequence[str], cells: Sequence[Cell], full: dict[str, int], short: dict[str, int]
) -> bool:
    """Widen each column's need (``full``: whole cells, ``short``: short forms) to ``cells``, one
    row's cells in ``keys``' order; whether any grew. A live table measures only the rows it
    redraws: widths grow between rebuilds, never shrink."""
    grew = False
    for k, cell in zip(keys, cells, strict=True):
        long_, brief = cell if isinstance(cell, tuple) else (cell, cell)
        if long_.cell_len > full[k]:
            full[k] = long_.cell_len
            grew = True
        if brief.cell_len > short[k]:
            short[k] = brief.cell_len
            grew = True
    return grew


def fit_widths(
    keys: Sequence[str],
    full: Mapping[str, int],
    short: Mapping[str, int],
    available: int,
    drop: Sequence[str] = (),
    narrow: Mapping[str, int | None] | None = None,
    drop_first: Sequence[str] = (),
) -> tuple[list[str], dict[str, int]]:
    """:func:`fit_keys` given the columns' measured needs: every column before the first layout
    (``available`` 0); columns with short forms narrow to them whole (None floors: the short
    forms' width)."""
    if available <= 0:
        return list(keys), {}
    floors = {k: short[k] if f is None else f for k, f in (narrow or {}).items() if k in full}
    whole = [k for k in floors if short[k] < full[k]]  # the columns with short forms
    return fit_keys(keys, full, available, drop, floors, drop_first=drop_first, whole=whole)


def shown_form(cell: Cell, limit: int | None) -> Text:
    """What a cell draws: its full form, or its short form clipped to ``limit`` when its column
    was narrowed."""
    if limit is None:
        return cell[0] if isinstance(cell, tuple) else cell
    return clip(cell[1] if isinstance(cell, tuple) else cell, limit)
