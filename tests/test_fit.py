"""Columns that fit: which columns the valuation, positions, Filings · News and alerts tables keep
at a given width (logic), and that the drawn tables cut no header and no number (Pilot)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rich.text import Text
from textual.widgets import DataTable

from neotui.data.analytics.valuation import MarketCap, Valuation
from neotui.data.deals.models import FinancialFact
from neotui.data.portfolio import Position
from neotui.widgets import positions as pos
from neotui.widgets.cells import right
from neotui.widgets.tables import NeoTable
from neotui.widgets.tables.fit import available_width, fit_cells, fit_keys, forms
from neotui.widgets.valuation import ValuationTable, valuation_cells
from tests.harness import build_app

# --- fit_keys / fit_cells -----------------------------------------------------------------------


def test_everything_fits_nothing_changes() -> None:
    widths = {"a": 10, "b": 5, "c": 8}
    assert fit_keys(["a", "b", "c"], widths, 29, drop=("c",), narrow={"a": 4}) == (
        ["a", "b", "c"],
        {},
    )


def test_text_narrows_before_any_column_goes() -> None:
    widths = {"name": 20, "x": 5, "y": 5}
    # 36 needed with the padding, 30 available: the name narrows by 6, nothing dropped
    assert fit_keys(["name", "x", "y"], widths, 30, drop=("y",), narrow={"name": 8}) == (
        ["name", "x", "y"],
        {"name": 14},
    )


def test_columns_drop_in_order_once_text_is_at_its_floor_and_text_gets_the_rest_back() -> None:
    widths = {"name": 20, "x": 5, "y": 5, "z": 5}
    keys, limits = fit_keys(["name", "x", "y", "z"], widths, 26, drop=("y", "x"),
                            narrow={"name": 8})  # fmt: skip
    assert keys == ["name", "x", "z"]  # name at 8 was not enough: y went first; then it fits
    assert limits == {"name": 26 - 7 - 7 - 2}  # what y freed and is not needed: to the name


def test_whole_columns_narrow_to_their_floor_or_not_at_all() -> None:
    widths = {"cap": 18, "ratio": 6}
    keys, limits = fit_keys(["cap", "ratio"], widths, 25, narrow={"cap": 6}, whole=("cap",))
    assert keys == ["cap", "ratio"] and limits == {"cap": 6}  # not 17: the date goes whole


def _dated(value: str, when: str) -> tuple[Text, Text]:
    full = Text(justify="right")
    full.append(value, style="bold")
    full.append(f" {when}", style="dim")
    return full, right(value, "bold")


def test_short_forms_are_drawn_when_a_column_narrows_never_an_ellipsis_in_a_figure() -> None:
    columns = [("name", "Provider"), ("cap", "Market cap"), ("ratio", "Ratio")]
    rows = [[Text("Applied Digital"), _dated("$5.41B", "11-22 21:00"), right("0.30×")]]
    shown, grid = fit_cells(columns, rows, 100, narrow={"cap": None, "name": 8})
    assert [c.plain for c in grid[0]] == ["Applied Digital", "$5.41B 11-22 21:00", "0.30×"]
    shown, grid = fit_cells(columns, rows, 40, narrow={"cap": None, "name": 8})
    assert shown == ["name", "cap", "ratio"]
    assert [c.plain for c in grid[0]] == ["Applied Digital", "$5.41B", "0.30×"]
    shown, grid = fit_cells(columns, rows, 32, narrow={"cap": None, "name": 8})
    assert [c.plain for c in grid[0]] == ["Applied Di…", "$5.41B", "0.30×"]


def test_not_laid_out_yet_shows_every_column_whole() -> None:
    columns = [("name", "Provider"), ("cap", "Market cap")]
    rows = [[Text("Applied Digital"), _dated("$5.41B", "11-22 21:00")]]
    shown, grid = fit_cells(columns, rows, 0, drop=("cap",), narrow={"cap": None})
    assert shown == ["name", "cap"] and grid[0][1].plain == "$5.41B 11-22 21:00"


# --- the valuation and positions columns at several widths --------------------------------------


def _valuations() -> list[Valuation]:
    def fact(metric: str, value: float) -> FinancialFact:
        return FinancialFact(f"{metric}-1", "core", metric, value, "USD", date(2025, 9, 30),  # type: ignore[arg-type]
                             "article")  # fmt: skip

    cap = MarketCap(5.1e10, datetime(2026, 11, 22, 21, 0, tzinfo=UTC), "quote")
    return [
        Valuation("core", "CoreWeave", "CRWV", cap, 590.0, date(2025, 9, 1), 3,
                  fact("backlog", 1.51e10), fact("debt", 1.88e10), fact("revenue", 1.36e9)),
        Valuation("apld", "Applied Digital", "APLD", None, None, None, 0, None, None, None),
    ]  # fmt: skip


def _fit_valuation(width: int) -> tuple[list[str], list[list[Text]]]:
    rows = [valuation_cells(v) for v in _valuations()]
    return fit_cells(ValuationTable.COLUMNS, rows, width, ValuationTable.DROP,
                     ValuationTable.NARROW)  # fmt: skip


def _width(columns, shown: list[str], grid: list[list[Text]]) -> int:
    labels = dict(columns)
    return sum(max([len(labels[k]), *(line[i].cell_len for line in grid)]) + 2
               for i, k in enumerate(shown))  # fmt: skip


ALL = [k for k, _ in ValuationTable.COLUMNS]


@pytest.mark.parametrize(
    ("width", "kept", "cap", "backlog"),
    [
        (160, ALL, "$51B", "$15.1B 25-09-30"),  # the quote's time goes first
        # the figures shorten to value and month (the source stays: a press figure is dim,
        # an SEC one has its form's mark); revenue goes first, then finance leases and EV
        (140, [k for k in ALL if k != "revenue"], "$51B", "$15.1B 25-09"),
        (120, [k for k in ALL if k not in {"ev", "leases", "revenue"}], "$51B", "$15.1B 25-09"),
        # debt and the symbol go next; EV per MW stays longer
        (
            100,
            ["name", "cap", "mw", "per_mw", "backlog", "backlog_cap", "debt_backlog", "ev_mw"],
            "$51B",
            "$15.1B 25-09",
        ),
        (
            80,
            ["name", "cap", "per_mw", "backlog", "backlog_cap", "debt_backlog"],
            "$51B",
            "$15.1B 25-09",
        ),
        # debt / backlog goes before the backlog, so the figure stays with its source
        (
            76,
            ["name", "cap", "per_mw", "backlog", "backlog_cap"],
            "$51B 11-22 21:00",
            "$15.1B 25-09",
        ),
        (50, ["name", "cap", "per_mw", "backlog_cap"], "$51B", None),
        (40, ["name", "per_mw", "backlog_cap"], None, None),  # the ratios stay
    ],
)
def test_valuation_columns_by_width(
    width: int, kept: list[str], cap: str | None, backlog: str | None
) -> None:
    shown, grid = _fit_valuation(width)
    assert shown == kept
    assert _width(ValuationTable.COLUMNS, shown, grid) <= width
    core = {k: c.plain for k, c in zip(shown, grid[0], strict=True)}
    assert (core.get("cap"), core.get("backlog")) == (cap, backlog)
    assert core["name"] == "CoreWeave"


def test_valuation_never_cuts_a_figure_at_any_width() -> None:
    rows = [valuation_cells(v) for v in _valuations()]
    for width in range(40, 220):
        shown, grid = _fit_valuation(width)
        assert _width(ValuationTable.COLUMNS, shown, grid) <= width
        for line, cells in zip(grid, rows, strict=True):
            by_key = dict(zip([k for k, _ in ValuationTable.COLUMNS], cells, strict=True))
            for key, cell in zip(shown, line, strict=True):
                if key == "name":
                    continue  # the one clippable column
                assert cell.plain in {f.plain for f in forms(by_key[key])}, (width, key)


def _position(symbol: str, price: float | None, reason: str | None = None) -> Position:
    value = None if price is None else 20 * price
    return Position(symbol, 20, 2000.0, 2, price, value, None if price is None else 35.66,
                    None if price is None else 82.37, None if price is None else 0.0412,
                    None if price is None else 0.69, "USD", False, reason)  # fmt: skip


@pytest.mark.parametrize(
    ("width", "kept"),
    [
        (150, [k for k, _ in pos.COLUMNS]),
        (76, ["symbol", "price", "value", "day", "gain", "gain_pct", "weight", "status"]),
        (60, ["symbol", "value", "day", "gain", "gain_pct", "status"]),
        (40, ["symbol", "value", "gain_pct", "status"]),
    ],
)
def test_positions_columns_by_width(width: int, kept: list[str]) -> None:
    gone = "No data found, symbol may be delisted"
    rows = [pos.position_cells(_position("ALPH", 104.12)),
            pos.position_cells(_position("MDLY", None, gone))]  # fmt: skip
    shown, grid = fit_cells(pos.COLUMNS, rows, width, pos.DROP, pos.NARROW)
    assert shown == kept
    assert _width(pos.COLUMNS, shown, grid) <= width
    status = dict(zip(shown, grid[1], strict=True))["status"].plain
    assert status.startswith("No data") and (width >= 150 or status.endswith("…"))
    for line in grid:  # figures whole
        for key, cell in zip(shown, line, strict=True):
            assert key == "status" or "…" not in cell.plain


# --- drawn: no header cut, nothing under the scrollbar -----------------------------------------


def assert_fits(table: DataTable, clippable: set[str]) -> None:
    """Every drawn header is whole on the header line, the columns fit the width left beside a
    vertical scrollbar, and only ``clippable`` columns have an ellipsis."""
    assert table.columns, table.id
    assert not table.show_horizontal_scrollbar, table.id
    width = available_width(table, table.row_count)
    drawn = sum(c.get_render_width(table) for c in table.ordered_columns)
    assert drawn <= width, (table.id, drawn, width)
    header = table.render_line(0).text
    at = 0
    for column in table.ordered_columns:
        label = column.label.plain
        found = header.find(label, at)
        assert found >= 0 and found + len(label) <= width, (table.id, label, header)
        at = found + len(label)
    for r in range(table.row_count):
        for column, cell in zip(table.ordered_columns, table.get_row_at(r), strict=True):
            if "…" in cell.plain:
                assert str(column.key.value) in clippable, (table.id, column.key, cell.plain)


async def _quotes(pilot) -> None:
    await pilot.app.feed.refresh_once()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


LOTS = {"lot": [{"symbol": "ALPH", "quantity": 20, "cost": 100.0},
                {"symbol": "NVDA", "quantity": -5, "cost": 200.0},
                {"symbol": "MDLY", "quantity": 3, "cost": 10.0}],
        "alert": [{"symbol": "ALPH", "above": 100.0},
                  {"symbol": "NVDA", "move_pct": 50.0}]}  # fmt: skip


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_valuation_table_drawn_whole(size: tuple[int, int]) -> None:
    from neotui.data.resources import bundled_config_path

    app = build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS", "CIFR", "NVDA"))
    async with app.run_test(size=size) as pilot:
        await _quotes(pilot)
        await pilot.press("v")
        await pilot.pause()
        table = app.screen.query_one(ValuationTable)
        assert table.row_count == 8
        assert_fits(table, {"name"})
        shown = table.shown_columns
        assert ("ev" in shown) == (size[0] == 200)
        # the backlog (with its source and month) outlives the debt / backlog ratio
        assert {"name", "per_mw", "backlog", "backlog_cap"} <= set(shown)


async def test_valuation_refits_on_resize() -> None:
    from neotui.data.resources import bundled_config_path

    app = build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS", "CIFR", "NVDA"))
    async with app.run_test(size=(200, 60)) as pilot:
        await _quotes(pilot)
        await pilot.press("v")
        await pilot.pause()
        table = app.screen.query_one(ValuationTable)
        assert "ev" in table.shown_columns
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert "ev" not in table.shown_columns
        assert_fits(table, {"name"})
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        await pilot.pause()
        assert "ev" in table.shown_columns


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_positions_and_alerts_drawn_whole(size: tuple[int, int]) -> None:
    from neotui.widgets.positions import PositionsTable

    app = build_app(extra=LOTS)
    async with app.run_test(size=size) as pilot:
        await _quotes(pilot)
        table = app.screen.query_one(PositionsTable)
        assert table.row_count == 4
        assert_fits(table, {"status"})
        assert ("avg" in table.shown_columns) == (size[0] == 200)
        total = table.get_row("__total__")
        assert total[table.shown_columns.index("value")].plain == "1,156.87"
        # refreshed in place: same rows, same columns
        await app.feed.refresh_once(force=True)
        await pilot.pause()
        assert table.get_row("ALPH")[0].plain == "ALPH"
        assert_fits(table, {"status"})
        app.clear_notifications()
        await pilot.press("A")
        await pilot.pause()
        await pilot.pause()
        fired = app.screen.query_one("#alerts-fired", NeoTable)
        rules = app.screen.query_one("#alerts-rules", NeoTable)
        assert_fits(fired, {"reason"})
        assert_fits(rules, {"rule"})
        wide = ("time", "symbol", "alert", "reason", "rule")
        assert fired.shown_columns == (wide if size[0] == 200 else ("time", "symbol", "reason"))
        reason = fired.get_row_at(0)[fired.shown_columns.index("reason")].plain
        assert reason == "ALPH at 104.12, above 100.00"  # whole, price and threshold


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_detail_impact_table_drawn_whole(size: tuple[int, int]) -> None:
    from neotui.data.resources import bundled_config_path

    app = build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NVDA"))
    async with app.run_test(size=size) as pilot:
        await _quotes(pilot)
        app.run_impact()
        await app.workers.wait_for_complete()
        await pilot.press("j", "j", "j", "j", "enter")
        await app.workers.wait_for_complete()
        await pilot.press("b")
        await pilot.pause()
        impact = app.screen.query_one("#detail-impact", NeoTable)
        assert impact.row_count > 1
        assert_fits(impact, {"note", "with"})


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_feeds_table_drawn_whole(size: tuple[int, int], fakes) -> None:
    from tests.feeds_harness import feeds_app, fetch_feeds

    sec, yahoo = fakes
    app = feeds_app(sec, yahoo, contact="")  # headlines: publishers and long titles
    async with app.run_test(size=size) as pilot:
        await app.feed.refresh_once()
        await fetch_feeds(app)
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        table = app.screen.query_one("#feeds-table", NeoTable)
        assert table.row_count >= 4
        assert_fits(table, {"title", "source"})
        drawn = [table.get_row_at(r)[-1].cell_len for r in range(table.row_count)]
        whole = [min(80, len(r.title)) for r in table.rows_shown]  # the pane's own cap
        assert (drawn == whole) == (size[0] == 200), (drawn, whole)


async def test_same_shape_updates_in_place_and_a_wider_figure_refits() -> None:
    from textual.app import App, ComposeResult

    class One(App):
        def compose(self) -> ComposeResult:
            yield NeoTable(narrow={"name": 6}, drop=("b",))

    columns = [("name", "Name"), ("a", "A"), ("b", "B")]

    def rows(a: str) -> list[list[Text]]:
        return [[Text("Alpha Cloud"), right(a), right("1")], [Text("Beta"), right("2"), right("3")]]

    app = One()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(NeoTable)
        table.set_data(columns, rows("10.00"), ["x", "y"])
        await pilot.pause()
        table.move_cursor(row=1)
        rebuilt = []
        table.clear = lambda columns=False: rebuilt.append(columns)  # type: ignore[method-assign]
        table.set_data(columns, rows("11.00"), ["x", "y"])  # same widths: in place
        assert rebuilt == [] and table.get_cell("x", "a").plain == "11.00"
        assert table.cursor_row == 1
        del table.clear
        table.set_data(columns, rows("1,234.00"), ["x", "y"])  # wider: fitted again
        await pilot.pause()
        assert table.get_cell("x", "a").plain == "1,234.00"
        assert table.cursor_row == 1
        assert_fits(table, {"name"})
        await pilot.resize_terminal(18, 10)  # narrower: the name clips to 6, then b goes
        await pilot.pause()
        await pilot.pause()
        assert table.shown_columns == ("name", "a")
        assert table.get_cell("x", "name").plain == "Alpha…"
        assert_fits(table, {"name"})


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_quotes_and_capacity_drawn_whole(size: tuple[int, int]) -> None:
    """The tables fitted before (quotes, capacity) pass the same check."""
    from neotui.data.resources import bundled_config_path

    app = build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS", "CIFR", "NVDA"))
    async with app.run_test(size=size) as pilot:
        await _quotes(pilot)
        if size[1] < 34:
            await pilot.press("c")  # short terminals: capacity in the timeline's place
            await pilot.pause()
        assert_fits(app.screen.query_one("#quotes", DataTable), {"status"})
        assert_fits(app.screen.query_one("#capacity", DataTable), {"name"})
