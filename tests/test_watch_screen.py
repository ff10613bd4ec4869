"""Pilot tests of the watch screen: every key, provider linking, live data, plain-text rendering."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable, Input

from neotui.app import NeoApp
from neotui.data.market.feed import SymbolStatus
from neotui.screens.detail import ProviderDetail
from neotui.screens.help import HelpScreen
from neotui.screens.watch import WatchScreen
from neotui.widgets.capacity import CapacityTable
from neotui.widgets.providers import ProviderList
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.sector import SectorPane
from neotui.widgets.status_line import StatusLine
from neotui.widgets.timeline import DealDetail, DealTable
from tests.harness import FROZEN, build_app
from tests.helpers import PROVIDER, deal_toml, help_ids, wait_until, write

SIZE = (160, 48)


def cell_texts(table: DataTable, column: int) -> list[str]:
    return [table.get_row_at(i)[column].plain for i in range(table.row_count)]


async def test_first_frame_has_deals_before_any_quote() -> None:
    app = build_app(app_class=NeoApp)  # the pilot from the first frame on
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, WatchScreen)
        providers = screen.query_one(ProviderList)
        assert cell_texts(providers, 0) == ["All providers", "Alpha Cloud", "Beta Compute",
                                            "Chips Inc"]  # fmt: skip
        assert cell_texts(providers, 1)[2] == "private"
        quotes = screen.query_one(QuotesTable)
        assert cell_texts(quotes, 0) == ["ALPH", "CHIP", "NVDA", "MDLY"]
        assert app.feed.requests == 0
        # The timeline mounts right after the first frame (then the network starts).
        await wait_until(lambda: screen.panes_ready, pilot=pilot)
        assert screen.query_one(DealTable).row_count == 6
        await pilot.pause()


async def test_sector_line_follows_the_first_frame(monkeypatch) -> None:
    """The sector line and valuation are computed after the first frame is written, with the
    panes: booked before Ready, they ran inside Textual's start-up batch, ahead of it."""
    seen: list[bool] = []
    show = WatchScreen._show_market_views

    def spy(self: WatchScreen) -> None:
        seen.append(self.panes_ready)
        if len(seen) == 1:  # the first frame's sector pane: blank, not "No watched ..."
            assert str(self.query_one(SectorPane).content) == ""
        show(self)

    monkeypatch.setattr(WatchScreen, "_show_market_views", spy)
    app = build_app(app_class=NeoApp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: app.screen.panes_ready and bool(seen), pilot=pilot)
        assert seen[0] is True  # not before the panes, which follow the first frame
        assert "Neoclouds, equal weight" in str(app.screen.query_one(SectorPane).content)


async def test_quotes_arrive_in_place_and_not_found_says_so() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        quotes = app.screen.query_one(QuotesTable)
        row_keys_before = list(quotes.rows)
        await app.feed.refresh_once()
        await pilot.pause()
        assert list(quotes.rows) == row_keys_before  # cells updated, rows not rebuilt
        alph = quotes.get_row("ALPH")
        assert alph[1].plain == "104.12" and alph[3].plain == "+1.74%"
        assert "green" in str(alph[3].style)
        assert quotes.get_row("MDLY")[-1].plain.startswith("not found: No data found")
        providers = app.screen.query_one(ProviderList)
        assert providers.get_row("alpha")[2].plain == "104.12"
        # The refresh time in the user's local time zone, as the status line shows it.
        shown = f"quotes {FROZEN.astimezone():%H:%M:%S}"
        assert shown in app.screen.query_one(StatusLine).plain


async def test_provider_selection_filters_and_highlights() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("j")  # All -> Alpha Cloud
        await pilot.pause()
        deals = screen.query_one(DealTable)
        assert {d.provider for d in deals.shown} == {"alpha"} and len(deals.shown) == 3
        assert list(screen.query_one(CapacityTable).rows) == ["alpha"]
        quotes = screen.query_one(QuotesTable)
        assert quotes.highlighted_symbol == "ALPH"
        assert "reverse" in str(quotes.get_row("ALPH")[0].style)
        await pilot.press("down")  # Beta Compute: private, no quote row highlighted
        await pilot.pause()
        assert {d.provider for d in deals.shown} == {"beta"}
        assert quotes.highlighted_symbol is None
        await pilot.press("k", "k")  # back to All
        await pilot.pause()
        assert len(deals.shown) == 6


async def test_tab_moves_between_panes() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.focused, ProviderList)
        await pilot.press("tab")
        assert isinstance(app.focused, QuotesTable)
        await pilot.press("tab")
        assert isinstance(app.focused, DealTable)
        await pilot.press("tab")
        assert isinstance(app.focused, CapacityTable)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, DealTable)


async def test_enter_opens_detail_and_escape_returns() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProviderDetail)
        assert app.screen.provider.id == "alpha"
        deals = app.screen.query_one("#detail-deals", DataTable)
        assert deals.row_count == 3
        figures = app.screen.query_one("#detail-figures", DataTable)
        assert figures.row_count == 7  # alpha: 3 capacity points + 4 financial facts
        await pilot.press("1")
        assert app.screen.range == "1d"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WatchScreen)


async def test_enter_on_all_row_explains() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WatchScreen)


async def test_slash_filters_the_timeline_and_escape_clears() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        box = app.screen.query_one("#filter", Input)
        assert box.has_focus and box.display
        await pilot.press(*"microsoft")
        await pilot.pause()
        deals = app.screen.query_one(DealTable)
        assert {d.counterparty for d in deals.shown} == {"Microsoft"} and len(deals.shown) == 3
        await pilot.press("enter")
        assert isinstance(app.focused, DealTable)
        await pilot.press("escape")
        await pilot.pause()
        assert len(deals.shown) == 6 and not box.display


async def test_filtering_a_long_timeline_keeps_the_scrollbar_true(tmp_path: Path) -> None:
    """Filters that keep the scrollbar resize it without a layout; those that make it appear or
    go lay the table out again. Either way the scroll range matches the rows."""

    def counterparty(i: int) -> str:
        return "Oracle" if i < 5 else "Microsoft" if i % 3 == 0 else "Meta"

    deals = "".join(
        deal_toml(
            id=f'"d{i}"',
            counterparty=f'"{counterparty(i)}"',
            date=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
        )
        for i in range(120)
    )
    book = write(tmp_path / "deals.toml", PROVIDER + deals)
    app = build_app(book)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DealTable)
        view = table.container_size.height
        assert 5 < view < 38

        def consistent(rows: int) -> None:
            assert table.row_count == table.total == rows
            assert table.virtual_size.height == rows + 1  # and the header line
            assert table.show_vertical_scrollbar == (rows + 1 > view)
            if table.show_vertical_scrollbar:
                assert table.vertical_scrollbar.window_virtual_size == rows + 1
            assert table.max_scroll_y == max(0, rows + 1 - view)
            assert 0 <= table.scroll_y <= table.max_scroll_y

        consistent(120)
        table.move_cursor(row=119)  # scrolled to the end
        await pilot.pause()
        assert table.scroll_y == table.max_scroll_y > 0
        # Bar kept (no layout), bar kept, bar gone, bar back, bar kept.
        for text, rows in (("meta", 77), ("microsoft", 38), ("oracle", 5), ("", 120), ("me", 77)):
            table.set_filter(text=text)
            await pilot.pause()
            consistent(rows)


def unescape(markup: str) -> str:
    """The text of a border title as Textual gives it (markup, with literal brackets escaped;
    ``Content.from_markup`` cannot read back every such string, e.g. ``[/”``)."""
    return markup.replace("\\[", "[")


async def test_filter_text_with_brackets_is_not_markup() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"[bold]x[/")
        await pilot.pause()
        subtitle = app.screen.query_one("#timeline").border_subtitle or ""  # markup, escaped
        assert "“[bold]x[/”" in unescape(subtitle)  # shown as typed, not taken for markup
        assert app.screen.query_one(DealTable).shown == []
        assert "No deal matches" in str(app.screen.query_one(DealDetail).render())


async def test_provider_name_with_markup_in_pane_title(tmp_path: Path) -> None:
    evil = PROVIDER.replace('name = "Alpha Cloud"', 'name = "[red]Alpha[/red] Cloud"')
    app = build_app(write(tmp_path / "p.toml", evil + deal_toml()), with_feed=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        title = app.screen.query_one("#timeline").border_title or ""  # markup, escaped
        assert unescape(title) == "Deal timeline · [red]Alpha[/red] Cloud"


async def test_s_cycles_sort_order() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        quotes = app.screen.query_one(QuotesTable)
        await pilot.press("s")
        assert quotes.sort_label == "change %"
        assert quotes.border_subtitle == "sorted by change %"
        await pilot.press("s", "s", "s")
        assert quotes.sort_label == "symbol"
        assert cell_texts(quotes, 0) == ["ALPH", "CHIP", "MDLY", "NVDA"]
        await pilot.press("s")
        assert cell_texts(quotes, 0) == ["ALPH", "CHIP", "NVDA", "MDLY"]


async def test_r_refreshes_now() -> None:
    app = build_app(live=True)
    app.feed.intervals = {s: 1000.0 for s in app.feed.intervals}
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: app.feed.next_refresh is not None, pilot=pilot)  # the first is in
        before = app.feed.requests
        assert before >= 2  # its batch quote and spark
        await pilot.press("r")
        await wait_until(lambda: app.feed.requests > before, pilot=pilot)


async def test_question_mark_lists_screen_keys() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = help_ids(app.screen)
        assert {"neotui.filter", "neotui.sort", "neotui.refresh", "neotui.details",
                "neotui.next_pane", "neotui.quit"} <= ids  # fmt: skip
        await pilot.press("escape")


async def test_markup_and_escapes_in_deals_render_literally(tmp_path: Path) -> None:
    summary = '"Ring \\u0007 bell \\u001b]0;pwned\\u0007 and [link=x]click[/]"'
    evil = deal_toml(counterparty='"[bold red]Evil[/] Corp"', summary=summary)
    book = write(tmp_path / "evil.toml", PROVIDER + evil)
    app = build_app(book, with_feed=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        deals = app.screen.query_one(DealTable)
        cell = deals.get_row_at(0)[2]
        assert isinstance(cell, Text) and cell.plain == "[bold red]Evil[/] Corp"
        detail = app.screen.query_one(DealDetail)
        shown = detail.render().plain if hasattr(detail.render(), "plain") else str(detail.render())
        assert "[bold red]Evil[/] Corp" in shown
        assert "[link=x]click[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown


async def test_deals_file_edit_updates_panes_and_bad_edit_keeps_last_good(tmp_path: Path) -> None:
    book = write(tmp_path / "deals.toml", PROVIDER + deal_toml())
    app = build_app(book, with_feed=False, live=True)
    async with app.run_test(size=SIZE) as pilot:
        deals = app.screen.query_one(DealTable)
        assert len(deals.shown) == 1
        import os

        write(book, PROVIDER + deal_toml() + deal_toml(id='"d2"'))
        os.utime(book, ns=(0, book.stat().st_mtime_ns + 10**9))
        await wait_until(lambda: len(deals.shown) == 2, pilot=pilot)
        write(book, PROVIDER + deal_toml() + deal_toml(id='"d2"', value_usd="-1"))
        os.utime(book, ns=(0, book.stat().st_mtime_ns + 2 * 10**9))
        status = app.screen.query_one(StatusLine)
        await wait_until(lambda: "DEALS ERROR" in status.plain, pilot=pilot)
        assert "deal #2 'd2' value_usd: must not be negative" in status.plain
        assert len(deals.shown) == 2  # last good data stays


async def test_stale_rows_show_age_and_reason() -> None:
    from tests.harness import fake_switchboard

    fake = fake_switchboard({"MDLY": "404"})
    app = build_app(transport=fake.mock_transport())
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        fake.fault = "429"
        await app.feed.refresh_once(force=True)
        await pilot.pause()
        quotes = app.screen.query_one(QuotesTable)
        state = app.feed.snapshot().states["ALPH"]
        assert state.status is SymbolStatus.STALE
        row = quotes.get_row("ALPH")
        assert row[-1].plain == "0s old · rate limited by Yahoo (429)"
        assert "dim" in str(row[1].style)
        assert row[1].plain == "104.12"  # last good price stays


async def test_small_terminal_collapses_panes() -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("narrow") and screen.has_class("short")
        assert not screen.query_one(ProviderList).display
        assert not screen.query_one(CapacityTable).display
        assert isinstance(app.focused, QuotesTable)
        await pilot.press("c")
        assert screen.query_one(CapacityTable).display
        assert not screen.query_one("#timeline").display
        # with the providers pane collapsed, the quotes cursor picks the provider
        await pilot.press("tab", "shift+tab")
        quotes = screen.query_one(QuotesTable)
        quotes.focus()
        await pilot.press("down")
        await pilot.pause()
        assert quotes.highlighted_symbol == "CHIP"
        deals = screen.query_one(DealTable)
        assert {d.provider for d in deals.shown} == {"chips"} or deals.shown == []
        await pilot.press("escape")  # no providers pane: escape shows every provider again
        await pilot.pause()
        assert len(deals.shown) == 6 and quotes.highlighted_symbol is None
