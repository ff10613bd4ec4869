"""The one table base (neotui/widgets/tables/): what every table gets from it.

Logic: j/k are declared once, every table keeps its own binding ids. Pilot: a bare NeoTable
fits its columns, updates in place keeping the cursor and the scroll, draws rows out of view
only when they come into view (or are read), and a column that narrows on a resize is as wide
as its clipped cells, not as before.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult

import neotui
from neotui.widgets.capacity import CapacityTable
from neotui.widgets.cells import right
from neotui.widgets.deal_table import DealTable
from neotui.widgets.feeds import FeedsTable
from neotui.widgets.positions import PositionsTable
from neotui.widgets.providers import ProviderList
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.tables import NeoTable
from neotui.widgets.valuation import ValuationTable

#: Every table and the scope of its binding ids (users rebind ``neotui.<scope>.down``).
TABLES: dict[type, str] = {
    NeoTable: "table",
    QuotesTable: "quotes",
    ProviderList: "providers",
    CapacityTable: "capacity",
    ValuationTable: "valuation",
    PositionsTable: "positions",
    FeedsTable: "feeds",
    DealTable: "timeline",
}


# --- keys ----------------------------------------------------------------------------------------


def test_every_table_moves_with_j_and_k_under_its_own_binding_id() -> None:
    for table, scope in TABLES.items():
        bindings = table._merged_bindings.key_to_bindings  # type: ignore[attr-defined]
        for key, action, end in (("j", "cursor_down", "down"), ("k", "cursor_up", "up")):
            found = [(b.action, b.id) for b in bindings[key]]
            assert found == [(action, f"neotui.{scope}.{end}")], (table.__name__, found)


def test_j_and_k_are_declared_once() -> None:
    # Across every table class and its bases, the BINDINGS lists declared in class bodies hold
    # one j/k pair per table, each pair with ids no other table uses...
    declared: list[tuple[str, str | None]] = []
    for table in TABLES:
        for cls in table.__mro__:
            if table is cls or cls not in TABLES:
                for binding in cls.__dict__.get("BINDINGS", []):
                    if getattr(binding, "key", None) in ("j", "k"):
                        declared.append((binding.key, binding.id))
    assert len(declared) == len(set(declared)) == 2 * len(TABLES), declared
    # ...and every one of them was made by keys.move_keys: no other module writes a j or k
    # binding of its own.
    root = Path(neotui.__file__).parent
    pattern = re.compile(r"""Binding\(\s*["'](?:[^"']*,)?[jk](?:,[^"']*)?["']""")
    writers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if pattern.search(p.read_text(encoding="utf-8")))  # fmt: skip
    assert writers == ["widgets/tables/keys.py"]


# --- the base in a bare app -----------------------------------------------------------------------

COLUMNS = [("name", "Name"), ("a", "A"), ("b", "B")]


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield NeoTable(narrow={"name": 6}, drop=("b",))


def rows(n: int, value: str = "1.00") -> list[list[Text]]:
    return [[Text(f"Row number {i}"), right(value), right(str(i))] for i in range(n)]


async def test_fits_and_updates_in_place_keeping_cursor_and_scroll() -> None:
    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(NeoTable)
        keys = [f"r{i}" for i in range(40)]
        table.set_data(COLUMNS, rows(40), keys)
        await pilot.pause()
        assert table.shown_columns == ("name", "a", "b")
        table.move_cursor(row=30)
        await pilot.pause()
        scroll = table.scroll_y
        assert scroll > 0
        rebuilt: list[bool] = []
        table.clear = lambda columns=False: rebuilt.append(columns)  # type: ignore[method-assign]
        table.set_data(COLUMNS, rows(40, "2.00"), keys)  # same keys, same widths
        await pilot.pause()
        assert rebuilt == []
        assert (table.cursor_row, table.scroll_y) == (30, scroll)
        assert table.get_cell("r30", "a").plain == "2.00"
        del table.clear
        table.set_data(COLUMNS, rows(40, "1,234.00"), keys)  # wider: built again, cursor kept
        await pilot.pause()
        assert table.cursor_row == 30 and table.get_cell("r30", "a").plain == "1,234.00"
        await pilot.resize_terminal(20, 12)  # narrower: the name clips to 6, then b goes
        await pilot.pause()
        await pilot.pause()
        assert table.shown_columns == ("name", "a")
        assert table.get_cell("r0", "name").plain == "Row n…"


async def test_rows_out_of_view_are_drawn_when_they_come_into_view() -> None:
    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(NeoTable)
        keys = [f"r{i}" for i in range(80)]
        table.set_data(COLUMNS, rows(80), keys)
        await pilot.pause()
        table.set_data(COLUMNS, rows(80, "2.00"), keys)  # in place: only rows near the view
        assert table.drawn("r0")["a"].plain == "2.00"
        assert table.drawn("r79")["a"].plain == "1.00"  # far out of view: not drawn yet...
        table.move_cursor(row=79)  # ...until it scrolls into view
        await pilot.pause()
        assert table.drawn("r79")["a"].plain == "2.00"
        table.set_data(COLUMNS, rows(80, "3.00"), keys)  # the view is at the bottom now
        assert table.drawn("r0")["a"].plain == "2.00"
        assert table.get_row_at(0)[1].plain == "3.00"  # reading a row draws it first
        assert table.drawn("r0")["a"].plain == "3.00"


async def test_a_column_narrowed_on_resize_is_as_wide_as_its_clipped_cells() -> None:
    app = One()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(NeoTable)
        long = [[Text("A very long provider name"), right("1.00"), right("7")]]
        table.set_data(COLUMNS, long, ["x"])
        await pilot.pause()
        assert table.get_cell("x", "name").plain == "A very long provider name"
        await pilot.resize_terminal(20, 12)
        await pilot.pause()
        await pilot.pause()
        name = table.get_cell("x", "name").plain
        assert name.endswith("…")
        column = next(c for c in table.ordered_columns if c.key.value == "name")
        assert column.content_width == len(name)
        assert not table.show_horizontal_scrollbar


async def test_a_tables_keys_rebind_by_their_id() -> None:
    app = One()
    app.set_keymap({"neotui.table.down": "n"})
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(NeoTable)
        table.set_data(COLUMNS, rows(5), [f"r{i}" for i in range(5)])
        table.focus()
        await pilot.pause()
        await pilot.press("n")
        assert table.cursor_row == 1
        await pilot.press("j")  # rebound: j no longer moves
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0


async def test_an_in_place_update_paints_its_row_and_only_it() -> None:
    """A changed cell that keeps its column's width repaints its own row; the other rows in view
    come from DataTable's line cache (``update_cell`` made every row in view render again on
    each change: most of the CPU of a busy quote stream, bench/stream.py)."""
    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(NeoTable)
        keys = [f"r{i}" for i in range(8)]
        table.set_data(COLUMNS, rows(8), keys)
        await pilot.pause()
        before = [table.render_line(y).text for y in range(table.size.height)]
        rendered: list[object] = []
        real = table._render_line_in_row

        def spy(row_key, *args, **kwargs):  # type: ignore[no-untyped-def]
            rendered.append(row_key.value)
            return real(row_key, *args, **kwargs)

        table._render_line_in_row = spy  # type: ignore[method-assign]
        new = rows(8)
        new[3][1] = right("2.00")
        table.set_data(COLUMNS, new, keys)
        await pilot.pause()
        after = [table.render_line(y).text for y in range(table.size.height)]
        changed = [(b, a) for b, a in zip(before, after, strict=True) if a != b]
        assert len(changed) == 1 and "2.00" in changed[0][1] and "1.00" in changed[0][0]
        assert changed[0][1].rstrip().endswith("3")
        assert set(rendered) == {"r3"}
        assert table.get_cell("r3", "a").plain == "2.00" and table.drawn("r3")["a"].plain == "2.00"


async def test_rebuilt_columns_are_as_wide_as_their_cells_before_the_table_is_idle() -> None:
    """DataTable measures new rows when idle; until then its columns were at their headers'
    widths, and a frame drawn in between (a loaded machine: a snapshot) cut every cell."""
    app = One()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(NeoTable)
        table.set_data(COLUMNS, rows(3), ["x", "y", "z"])
        await pilot.pause()
        table.set_data(COLUMNS, rows(3, "1,234.00"), ["x", "y", "z"])  # wider: built again
        assert table._require_update_dimensions  # DataTable has not measured the new rows yet
        widths = {c.key.value: c.content_width for c in table.ordered_columns}
        assert widths == {"name": len("Row number 0"), "a": len("1,234.00"), "b": 1}
        line = table.render_line(1).text  # the first row as the next frame draws it
        assert "Row number 0" in line and "1,234.00" in line
