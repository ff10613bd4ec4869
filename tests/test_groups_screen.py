"""Watchlist groups on the watch screen (Pilot tier): `g` cycles the groups, `G` shows them all
under headings, the status line names the group, positions and alerts do not follow the view,
and `S` saves the screen as SVG in neotui's data directory, never overwriting a file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from neotui.screens.watch_panes import focused_symbol
from neotui.widgets.positions import PositionsTable
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.sector import SectorPane
from neotui.widgets.status_line import StatusLine
from tests.harness import build_app
from tests.helpers import wait_until

GROUPS = [
    {"name": "Chips", "symbols": ["CHIP", "NVDA"], "benchmark": "ALPH"},
    {"name": "Other", "symbols": ["ALPH", "MDLY", "CHIP", "ZETA"]},  # ZETA: only in a group
]
EXTRA = {
    "group": GROUPS,
    "lot": [{"symbol": "ALPH", "quantity": 10, "cost": 90.0}],
    "alert": [{"symbol": "NVDA", "move_pct": 50.0}],
}


def rows(table: QuotesTable) -> list[str]:
    """The row keys in display order."""
    return [str(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]


def sector(app) -> str:
    return str(app.watch_screen.query_one(SectorPane).render())


async def test_g_cycles_groups_and_the_status_line_names_them() -> None:
    app = build_app(extra=EXTRA)
    async with app.run_test(size=(160, 48)) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        screen = app.watch_screen
        quotes = screen.query_one(QuotesTable)
        status = screen.query_one(StatusLine)
        feed_symbols = app.feed.symbols
        rules = app.alert_engine.rules
        positions = screen.query_one("#positions", PositionsTable)
        held = [positions.get_row_at(i) for i in range(positions.row_count)]
        assert "│ Watchlist 1/3 │" in status.plain
        assert rows(quotes) == ["ALPH", "CHIP", "NVDA", "MDLY"]
        assert "Neoclouds, equal weight" in sector(app)  # the watchlist's basket, as before

        await pilot.press("g")
        await wait_until(lambda: "Chips, equal weight (2)" in sector(app), pilot=pilot)
        assert "│ Chips 2/3 │" in status.plain
        assert rows(quotes) == ["CHIP", "NVDA"]
        assert "ALPH " in sector(app) and "benchmark" in sector(app)
        await pilot.press("g")
        await pilot.pause()
        assert rows(quotes) == ["ALPH", "MDLY", "CHIP", "ZETA"]
        assert "not found" in quotes.get_row("MDLY")[-1].plain  # unknown to Yahoo: shown, marked
        assert quotes.get_row("ZETA")[1].plain[0].isdigit()  # fetched all along: a price at once
        await pilot.press("g")
        await pilot.pause()
        assert "│ Watchlist 1/3 │" in status.plain
        assert rows(quotes) == ["ALPH", "CHIP", "NVDA", "MDLY"]

        # what is fetched, held and alerted on does not follow the view
        assert app.feed.symbols == feed_symbols and app.alert_engine.rules == rules
        assert [positions.get_row_at(i) for i in range(positions.row_count)] == held


async def test_G_shows_every_group_under_its_heading() -> None:
    app = build_app(extra=EXTRA)
    async with app.run_test(size=(160, 48)) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        screen = app.watch_screen
        quotes = screen.query_one(QuotesTable)
        await pilot.press("G")
        await wait_until(lambda: "Other" in sector(app), pilot=pilot)
        # the watchlist has no symbol outside the groups: no section of its own
        assert rows(quotes) == ["#0", "CHIP", "NVDA", "#1", "ALPH", "MDLY", "ZETA"]
        assert quotes.get_row("#0")[0].plain == "Chips"
        drawn = quotes.render_line(1).text  # as on screen: at the columns' new widths
        assert drawn.split()[:2] == ["Chips", "2"], drawn
        assert quotes.get_row("#1")[-1].plain == "4 symbols, CHIP above"
        assert "all 2 groups" in screen.query_one(StatusLine).plain
        lines = sector(app).splitlines()
        assert [line.split()[0] for line in lines] == ["Chips", "Other"]

        # a heading is not a symbol: no alert on it, and sorting keeps each group under its own
        quotes.focus()
        quotes.move_cursor(row=0)
        await pilot.pause()
        assert screen.focused is quotes and focused_symbol(screen, screen.panes) is None
        await pilot.press("s", "s")  # sorted by volume
        await pilot.pause()
        order = rows(quotes)
        assert order[0] == "#0" and set(order[1:3]) == {"CHIP", "NVDA"} and order[3] == "#1"

        await pilot.press("G")  # back to the group shown before
        await pilot.pause()
        assert rows(quotes)[0] != "#0" and "Watchlist 1/3" in screen.query_one(StatusLine).plain
        await pilot.press("G", "g")  # from all groups, g shows the one after the last shown
        await pilot.pause()
        assert "Chips 2/3" in screen.query_one(StatusLine).plain


async def test_one_group_only_says_how_to_add_some() -> None:
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.watch_screen.query_one(StatusLine)
        before = status.plain
        await pilot.press("g")
        await pilot.pause()
        assert any("[[group]]" in n.message for n in app._notifications)
        assert "Watchlist" not in status.plain and status.plain == before


async def test_opens_on_the_group_asked_for() -> None:
    app = build_app(extra=EXTRA)
    app.settings = replace(app.settings, group="Other")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert rows(app.watch_screen.query_one(QuotesTable)) == ["ALPH", "MDLY", "CHIP", "ZETA"]
        assert "Other 3/3" in app.watch_screen.query_one(StatusLine).plain


async def test_bad_groups_are_shown_as_toasts_and_the_app_runs() -> None:
    extra = {"group": [{"name": "\x1b[31mEmpty", "symbols": []}, *GROUPS]}
    app = build_app(extra=extra)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("group #1 'Empty': no symbols; left out" in m for m in messages), messages
        await pilot.press("g")
        await pilot.pause()
        assert "Chips 2/3" in app.watch_screen.query_one(StatusLine).plain


async def test_S_saves_the_screen_in_the_data_dir_never_overwriting(
    isolated_dirs: dict[str, Path],
) -> None:
    app = build_app(extra=EXTRA)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        await pilot.press("S")  # the same second (a frozen clock): a second name
        folder = isolated_dirs["XDG_DATA_HOME"] / "neotui" / "screenshots"
        await wait_until(lambda: len(list(folder.glob("*.svg"))) == 2, pilot=pilot)
        names = sorted(p.name for p in folder.glob("*.svg"))
        assert names == ["neotui-20261120T153000Z-2.svg", "neotui-20261120T153000Z.svg"]
        assert all("<svg" in (folder / n).read_text()[:400] for n in names)
        saved = [n.message for n in app._notifications if n.title == "Picture"]
        assert saved == [f"Screen saved as {folder / n}" for n in (names[1], names[0])]


async def test_S_says_why_when_it_cannot_save(isolated_dirs: dict[str, Path]) -> None:
    (isolated_dirs["XDG_DATA_HOME"] / "neotui").mkdir(parents=True)
    (isolated_dirs["XDG_DATA_HOME"] / "neotui" / "screenshots").write_text("a file, not a folder")
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        await wait_until(lambda: any(n.title == "Picture" for n in app._notifications), pilot=pilot)
        (note,) = [n for n in app._notifications if n.title == "Picture"]
        assert note.message.startswith("Screen not saved:") and note.severity == "error"


async def test_rows_outside_the_group_shown_are_kept_not_drawn() -> None:
    """A narrow screen (the quotes cursor picks the provider), the ages of stale rows and a
    highlight, for symbols the group shown has no row for: nothing to draw, nothing crashes."""
    app = build_app(extra=EXTRA)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        quotes = app.watch_screen.query_one(QuotesTable)
        quotes.focus()
        await pilot.press("j", "g")  # the cursor was on CHIP's row of the watchlist
        await pilot.pause()
        assert rows(quotes) == ["CHIP", "NVDA"]
        quotes.set_highlight("ALPH")  # ALPH is not in Chips
        app.watch_screen.tick()  # MDLY is stale (unknown to Yahoo) and not in Chips either
        await pilot.pause()
        assert app.is_running and rows(quotes) == ["CHIP", "NVDA"]
        await pilot.press("g")
        await pilot.pause()
        assert "not found" in quotes.get_row("MDLY")[-1].plain  # its state was kept meanwhile


async def test_the_palette_screenshot_saves_in_the_data_dir_not_downloads(
    isolated_dirs: dict[str, Path],
) -> None:
    """Textual's own palette "Screenshot" writes into the user's Downloads folder; neotui's
    replaces it, so the palette's picture lands where `S` puts it."""
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        commands = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        assert len(commands) == 1
        result = commands[0].callback()
        if result is not None:
            await result
        folder = isolated_dirs["XDG_DATA_HOME"] / "neotui" / "screenshots"
        await wait_until(lambda: len(list(folder.glob("*.svg"))) == 1, pilot=pilot)
